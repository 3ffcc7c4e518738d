// lift_<block>_block_{table,slider,drawer} and unstack_block: take the block
// (block_grasp.h) and raise it. The rules need it 5 cm up (3 cm from the
// shelf, where the roof is near) touching nothing but the hand; unstacking
// needs the top block off the one below.
#pragma once

#include "policies/scripted/playtable/waypoint_script.h"

namespace gauntlet::policies::scripted::playtable {

// Appends approach, grasp and lift of `block`; returns the hand's last goal.
HandGoal AddPickBlock(WaypointScript& script, const PrivilegedState& s, const HandGoal& from, int block);
// The block resting on another one, or -1.
int TopOfStack(const PrivilegedState& s);

}  // namespace gauntlet::policies::scripted::playtable
