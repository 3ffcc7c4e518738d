// Each task's plan, built from the view at the episode's first period. The
// success rules the plans aim at are envs/dualarm/task_success.h's (the
// expert only reads the task's name); a plan aims inside them with margin.
#pragma once

#include "policies/scripted/dualarm/stage_script.h"

namespace gauntlet::policies::scripted::dualarm {

// One arm, pick and place (pick_place_tasks.cc).
Plan PlaceContainerPlatePlan(const DualarmView& view);
Plan PlaceEmptyCupPlan(const DualarmView& view);
Plan MoveCanPotPlan(const DualarmView& view);
Plan PlaceA2bPlan(const DualarmView& view, bool left_of);
Plan StackBlocksTwoPlan(const DualarmView& view);
Plan BlocksRankingRgbPlan(const DualarmView& view);
Plan PlaceCansPlasticboxPlan(const DualarmView& view);
// Handovers (handover_tasks.cc).
Plan HandoverBlockPlan(const DualarmView& view);
Plan HandoverMicPlan(const DualarmView& view);
// Both arms on one object or two at once (bimanual_tasks.cc).
Plan LiftPotPlan(const DualarmView& view);
Plan GrabRollerPlan(const DualarmView& view);
Plan PickDualBottlesPlan(const DualarmView& view);
// Doors and drawers (articulated_tasks.cc).
Plan OpenMicrowavePlan(const DualarmView& view);
Plan PutObjectCabinetPlan(const DualarmView& view);
// Press (press_task.cc).
Plan ClickBellPlan(const DualarmView& view);

}  // namespace gauntlet::policies::scripted::dualarm
