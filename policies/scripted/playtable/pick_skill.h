// lift_<block>_block_{table,slider,drawer} and unstack_block: take the block
// (block_grasp.h) and raise it. The rules need it 5 cm up (3 cm from the
// shelf, where the roof is near) touching nothing but the hand; unstacking
// needs the top block off the one below.
#pragma once

#include <array>

#include "policies/scripted/playtable/waypoint_script.h"

namespace gauntlet::policies::scripted::playtable {

// Appends approach, grasp and lift of `block`; returns the hand's last goal.
HandGoal AddPickBlock(WaypointScript& script, const PrivilegedState& s, const HandGoal& from, int block);
// Takes `block` and sets it down at `to` (x, y on the table), letting go
// just above the table so that it lands with the hand off it.
HandGoal AddShiftBlock(WaypointScript& script, const PrivilegedState& s, const HandGoal& from, int block,
                       const std::array<double, 2>& to);
// The block resting on another one, or -1.
int TopOfStack(const PrivilegedState& s);

}  // namespace gauntlet::policies::scripted::playtable
