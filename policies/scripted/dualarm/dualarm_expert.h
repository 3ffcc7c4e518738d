// The dual-arm family's scripted expert: the task named by the privileged
// goal -> a plan of stages (task_plans.h) run on both arms through the
// eef_abs interface (per arm x y z qw qx qy qz gripper, left first). The
// plan is built on the episode's first observation, so every height is
// read from the scene (the randomized setting moves the table top).
#pragma once

#include <string>

#include "harness/action.h"
#include "harness/observation.h"
#include "policies/scripted/dualarm/stage_script.h"

namespace gauntlet::policies::scripted::dualarm {

class DualarmExpert {
 public:
  void Reset() { script_.Reset(); }
  // One period's 16-d action. Throws PolicyError for a task without a plan.
  Action Act(const Observation& observation);
  std::string phase_name() const { return script_.stage_name(); }

 private:
  StageScript script_;
};

// Whether `task` has a plan (the tasks the expert knows).
bool HasPlan(const std::string& task);

}  // namespace gauntlet::policies::scripted::dualarm
