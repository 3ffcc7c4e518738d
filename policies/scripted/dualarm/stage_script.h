// A dual-arm script: stages run in order, each giving either arm a goal
// recomputed from the current view every period (an arm without one holds
// its command), and ending when its condition holds. A stage's `enter`
// runs once, on the stage's first period, and may note values in the
// script's Memory (the held object's offset from the hand, a joint's value
// when a pull began) for later goals. Pure functions of the observations:
// the same observation sequence gives the same actions.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/action.h"
#include "policies/scripted/dualarm/arm_motion.h"

namespace gauntlet::policies::scripted::dualarm {

struct Memory {
  std::map<std::string, Vec3> vec;
  std::map<std::string, double> num;
  std::map<std::string, Quat> quat;
};

struct StageContext {
  const DualarmView& view;
  Memory& memory;
  int steps = 0;                 // periods spent in this stage so far
  const ArmCommand* commands = nullptr;  // [left, right]
};

using GoalFn = std::function<std::optional<ArmGoal>(const StageContext&)>;
using DoneFn = std::function<bool(const StageContext&)>;
using EnterFn = std::function<void(const StageContext&)>;

struct Stage {
  std::string name;
  GoalFn goal[2];      // [left, right]; empty: the arm holds its command
  DoneFn done;         // empty: every arm with a goal has its command there and the TCP within `tolerance`
  EnterFn enter;       // optional
  DoneFn skip;         // optional: checked before `enter`; true passes the stage by (a retry not needed)
  double tolerance = 0.015;  // metres
  int min_steps = 0;
  int max_steps = 200;  // the stage gives up and the next begins (a goal out of reach)
};

using Plan = std::vector<Stage>;

class StageScript {
 public:
  void Reset();
  bool started() const { return started_; }
  // Starts `plan` from the arms' poses in `view`.
  void Start(Plan plan, const DualarmView& view);
  // One period: advances through finished stages, steps the commands, and
  // returns the 16-d action (left first). After the last stage the arms hold.
  Action Step(const DualarmView& view);
  std::string stage_name() const;

 private:
  bool Finished(const Stage& stage, const StageContext& context) const;
  std::optional<ArmGoal> GoalOf(const Stage& stage, int arm, const StageContext& context) const;

  bool started_ = false;
  Plan plan_;
  std::size_t index_ = 0;
  int steps_ = 0;
  bool entered_ = false;
  Memory memory_;
  ArmCommand commands_[2];
};

}  // namespace gauntlet::policies::scripted::dualarm
