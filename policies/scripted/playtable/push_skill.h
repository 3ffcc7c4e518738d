// push_<block>_block_{left,right}: the closed fingers stand beside the block
// at its height and push it along x (the rule: 0.1 m, still on the surfaces
// it started on). The hand turns so the fingers close along y and their
// pair's 38 mm side meets the block.
// push_into_drawer: the same from behind the block on the table, toward the
// robot, until it tips over the table's front edge into the open drawer.
#pragma once

#include "policies/scripted/playtable/waypoint_script.h"

namespace gauntlet::policies::scripted::playtable {

// `direction` +1 pushes toward +x (right), -1 toward -x.
HandGoal AddPushBlock(WaypointScript& script, const PrivilegedState& s, const HandGoal& from, int block,
                      double direction);
HandGoal AddPushIntoDrawer(WaypointScript& script, const PrivilegedState& s, const HandGoal& from);

}  // namespace gauntlet::policies::scripted::playtable
