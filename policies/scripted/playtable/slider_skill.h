// move_slider_left / move_slider_right: straddle the sliding door's handle
// with the open fingers and push it sideways with the trailing finger. The
// hand leans a little forward so the palm stays clear of the door's top edge
// behind the handle.
#pragma once

#include "policies/scripted/playtable/waypoint_script.h"

namespace gauntlet::policies::scripted::playtable {

// `direction` -1 moves the door toward -x (CALVIN's "left"), +1 toward +x,
// by at least the rule's 0.15 m (or `distance` metres when given).
HandGoal AddMoveSlider(WaypointScript& script, const PrivilegedState& s, const HandGoal& from, double direction,
                       double distance = 0);

// Whether the door's panel stands within the palm's span of `x` (a hand
// there then cannot reach deep: block_grasp.h).
bool DoorInTheWay(const PrivilegedState& s, double x);
// Appends pushing the door to the end of its travel away from `x`.
HandGoal AddClearDoor(WaypointScript& script, const PrivilegedState& s, const HandGoal& from, double x);

}  // namespace gauntlet::policies::scripted::playtable
