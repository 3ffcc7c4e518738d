// Handovers: one arm grasps, brings the object to the middle, the other arm
// grasps it there before the first lets go (handover_block, handover_mic).
#include "policies/scripted/dualarm/grasp_orientation.h"
#include "policies/scripted/dualarm/pick_place_skill.h"
#include "policies/scripted/dualarm/task_plans.h"

namespace gauntlet::policies::scripted::dualarm {

Plan HandoverBlockPlan(const DualarmView&) { return {}; }
Plan HandoverMicPlan(const DualarmView&) { return {}; }

}  // namespace gauntlet::policies::scripted::dualarm
