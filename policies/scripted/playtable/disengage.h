// The first moves of every subtask: the previous one ended the moment its
// rule held, so the hand may still pinch a handle, press the button, hold
// the switch, lean into the shelf or hold a block up (unstacking ends with
// the top block in the air over the other one).
//
// Two parts, with the expert re-reading the stored target in between (a hand
// that pinched or pushed something sat away from its target):
//   let go:   open the hand; a held block the task does not need is first
//             set down on a free spot of the table;
//   withdraw: back off along the tool axis, come out of the cabinet, rise to
//             the cruise height and point down again.
#pragma once

#include "policies/scripted/playtable/waypoint_script.h"

namespace gauntlet::policies::scripted::playtable {

// Appends the let-go moves from `now` (the stored target and the current
// grip); returns where they leave the hand.
HandGoal AddLetGoFirst(WaypointScript& script, const PrivilegedState& s, const HandGoal& now);
// Appends the withdrawal from `now` (the hand open).
HandGoal AddWithdraw(WaypointScript& script, const HandGoal& now);

}  // namespace gauntlet::policies::scripted::playtable
