// push_<block>_block_{left,right}: the closed fingers stand beside the block
// at its height and push it along x (the rule: 0.1 m, still on the surfaces
// it started on). The hand turns so the fingers close along y and their
// pair's 38 mm side meets the block. The push stops short of the rule's
// distance (kPushedBeforeCarry); the expert then takes the block and sets it
// down the rest of the way, letting go just above the table: a push ends
// with the hand on the block, and a block the hand touches does not count as
// resting on the table alone, which push_into_drawer may ask of it next.
// push_into_drawer: the same from behind the block on the table, toward the
// robot, until it tips over the table's front edge into the open drawer.
#pragma once

#include "policies/scripted/playtable/waypoint_script.h"

namespace gauntlet::policies::scripted::playtable {

inline constexpr double kPushedBeforeCarry = 0.07;   // m (the hand's lag adds about 1.5 cm)
inline constexpr double kPushedInAll = 0.118;        // m, after the carry

// `direction` +1 pushes toward +x (right), -1 toward -x. Ends with the hand
// stopped beside the block (the expert withdraws it).
// `stop_short`: stop at kPushedBeforeCarry, else push all the way.
HandGoal AddPushBlock(WaypointScript& script, const PrivilegedState& s, const HandGoal& from, int block,
                      double direction, bool stop_short);
HandGoal AddPushIntoDrawer(WaypointScript& script, const PrivilegedState& s, const HandGoal& from, int block);
// The block push_into_drawer is about: the one on the table (-1: none).
int TableBlock(const PrivilegedState& s);
// Whether pushed straight toward the robot `block` falls into the open
// drawer (it stands within the drawer's width); else the expert carries it.
bool FallsIntoDrawer(const PrivilegedState& s, int block);

}  // namespace gauntlet::policies::scripted::playtable
