// rotate_<block>_block_{left,right}: take the block from above, raise it a
// little, turn the hand (and the block with it) about the vertical by a
// quarter turn and set it back down where it was. The rule wants a turn
// between 60 and 180 degrees (left = counter-clockwise seen from above),
// the block tilted less than 30 degrees, moved less than 0.1 m and resting
// on something.
#pragma once

#include "policies/scripted/playtable/waypoint_script.h"

namespace gauntlet::policies::scripted::playtable {

// `direction` +1 turns left (counter-clockwise), -1 right.
HandGoal AddRotateBlock(WaypointScript& script, const PrivilegedState& s, const HandGoal& from, int block,
                        double direction);

}  // namespace gauntlet::policies::scripted::playtable
