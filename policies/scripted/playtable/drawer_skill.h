// open_drawer: the hand turned level, pointing into the desk, its fingers
// closing up and down, pinches the drawer's handle bar and pulls.
// close_drawer: the hand pointing down, fingers closed, pushes the bar home.
//
// The bar is 15 mm thick and the fingers close fast: a finger meeting it at
// full speed can pass through it. So the hand pinches with the bar near its
// lower finger (that finger barely moves) and lets the upper one come down on it.
#pragma once

#include "policies/scripted/playtable/waypoint_script.h"

namespace gauntlet::policies::scripted::playtable {

HandGoal AddOpenDrawer(WaypointScript& script, const PrivilegedState& s, const HandGoal& from);
HandGoal AddCloseDrawer(WaypointScript& script, const PrivilegedState& s, const HandGoal& from);

}  // namespace gauntlet::policies::scripted::playtable
