// The first moves of every subtask: the previous one ended the moment its
// rule held, so the hand may still pinch a handle, press the button, hold
// the switch or lean into the shelf. Let go (unless the task needs the block
// the hand holds), back off along the tool axis, come out of the cabinet,
// rise to the cruise height and point down again.
#pragma once

#include "policies/scripted/playtable/waypoint_script.h"

namespace gauntlet::policies::scripted::playtable {

// Appends the moves from `now` (the stored target and the current grip);
// returns where they leave the hand. `keep_block`: the task goes on with the
// block the hand holds, so the hand only comes out of the cabinet.
HandGoal AddDisengage(WaypointScript& script, const PrivilegedState& s, const HandGoal& now, bool keep_block);

}  // namespace gauntlet::policies::scripted::playtable
