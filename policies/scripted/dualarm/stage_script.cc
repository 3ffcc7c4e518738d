#include "policies/scripted/dualarm/stage_script.h"

#include "harness/check.h"

namespace gauntlet::policies::scripted::dualarm {

namespace {

// Stages that finish at once are chained within one period, up to this many
// (a plan never loops, so this only bounds a period's work).
constexpr int kMaxStagesPerPeriod = 8;

}  // namespace

void StageScript::Reset() {
  started_ = false;
  plan_.clear();
  index_ = 0;
  steps_ = 0;
  entered_ = false;
  memory_ = Memory{};
  commands_[0] = ArmCommand{};
  commands_[1] = ArmCommand{};
}

void StageScript::Start(Plan plan, const DualarmView& view) {
  Reset();
  plan_ = std::move(plan);
  for (Hand hand : kHands) commands_[Index(hand)].Start(view.arm(hand));
  started_ = true;
}

std::string StageScript::stage_name() const {
  if (!started_) return "start";
  return index_ < plan_.size() ? plan_[index_].name : "done";
}

std::optional<ArmGoal> StageScript::GoalOf(const Stage& stage, int arm, const StageContext& context) const {
  if (!stage.goal[arm]) return std::nullopt;
  return stage.goal[arm](context);
}

bool StageScript::Finished(const Stage& stage, const StageContext& context) const {
  if (context.steps >= stage.max_steps) return true;
  if (context.steps < stage.min_steps) return false;
  if (stage.done) return stage.done(context);
  for (Hand hand : kHands) {
    const int a = Index(hand);
    const std::optional<ArmGoal> goal = GoalOf(stage, a, context);
    if (!goal) continue;
    if (!commands_[a].Reached(*goal) || !ArmAt(context.view.arm(hand), *goal, stage.tolerance)) return false;
  }
  return true;
}

Action StageScript::Step(const DualarmView& view) {
  for (int hop = 0; hop < kMaxStagesPerPeriod && index_ < plan_.size(); ++hop) {
    const Stage& stage = plan_[index_];
    StageContext context{view, memory_, steps_, commands_};
    if (!entered_) {
      if (stage.skip && stage.skip(context)) {
        ++index_;
        continue;
      }
      if (stage.enter) stage.enter(context);
      entered_ = true;
    }
    if (!Finished(stage, context)) break;
    ++index_;
    steps_ = 0;
    entered_ = false;
  }
  if (index_ < plan_.size()) {
    const Stage& stage = plan_[index_];
    StageContext context{view, memory_, steps_, commands_};
    GAUNTLET_CHECK(entered_, "a stage steps only after it began");
    for (int a = 0; a < 2; ++a) {
      if (const std::optional<ArmGoal> goal = GoalOf(stage, a, context)) commands_[a].StepToward(*goal);
    }
    ++steps_;
  }
  Action action;
  action.reserve(16);
  for (const ArmCommand& c : commands_) c.AppendTo(action);
  return action;
}

}  // namespace gauntlet::policies::scripted::dualarm
