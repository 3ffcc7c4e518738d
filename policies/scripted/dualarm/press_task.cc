// click_bell: the arm on the bell's side presses the dome's top with its
// closed fingertips, coming straight down.
#include "policies/scripted/dualarm/grasp_orientation.h"
#include "policies/scripted/dualarm/pick_place_skill.h"
#include "policies/scripted/dualarm/task_plans.h"

namespace gauntlet::policies::scripted::dualarm {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kHover = 0.08;  // metres over the top before pressing
// The TCP's goal below the dome's top: every arm's fingertips (0.01-0.02
// past the TCP) meet the dome before it gets there; the first contact
// within 0.025 of the top latches the rule.
constexpr double kPressDepth = 0.01;

}  // namespace

Plan ClickBellPlan(const DualarmView& view) {
  const Hand hand = HandFor(view.Origin("bell")[0]);
  const int a = Index(hand);
  const Vec3 top = view.Site("bell_top");
  const Quat down = ReachingTopDown(hand, top, 0, kPi);
  Plan plan;
  Stage hover;
  hover.name = "hover";
  hover.goal[a] = [top, down](const StageContext&) -> std::optional<ArmGoal> {
    return ArmGoal{Add(top, {0, 0, kHover}), down, kGripperClosed, kCruise};
  };
  hover.tolerance = 0.01;
  plan.push_back(hover);
  Stage press;
  press.name = "press";
  press.goal[a] = [top, down](const StageContext&) -> std::optional<ArmGoal> {
    return ArmGoal{Add(top, {0, 0, -kPressDepth}), down, kGripperClosed, kSlow};
  };
  press.max_steps = 60;
  plan.push_back(press);
  plan.push_back(ParkStage(hand, view.arm(hand), "park"));
  return plan;
}

}  // namespace gauntlet::policies::scripted::dualarm
