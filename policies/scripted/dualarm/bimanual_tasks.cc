// Both arms at once: one object by two handles (lift_pot, grab_roller) or
// one object each (pick_dual_bottles).
#include "policies/scripted/dualarm/grasp_orientation.h"
#include "policies/scripted/dualarm/pick_place_skill.h"
#include "policies/scripted/dualarm/task_plans.h"

namespace gauntlet::policies::scripted::dualarm {

Plan LiftPotPlan(const DualarmView&) { return {}; }
Plan GrabRollerPlan(const DualarmView&) { return {}; }
Plan PickDualBottlesPlan(const DualarmView&) { return {}; }

}  // namespace gauntlet::policies::scripted::dualarm
