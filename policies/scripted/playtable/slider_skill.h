// move_slider_left / move_slider_right: straddle the sliding door's handle
// with the open fingers and push it sideways with the trailing finger. The
// hand leans a little forward so the palm stays clear of the door's top edge
// behind the handle.
#pragma once

#include "policies/scripted/playtable/waypoint_script.h"

namespace gauntlet::policies::scripted::playtable {

// `direction` -1 moves the door toward -x (CALVIN's "left"), +1 toward +x.
HandGoal AddMoveSlider(WaypointScript& script, const PrivilegedState& s, const HandGoal& from, double direction);

}  // namespace gauntlet::policies::scripted::playtable
