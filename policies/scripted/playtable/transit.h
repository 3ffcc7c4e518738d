// Moving the hand between workplaces without sweeping through the desk: out
// from under the cabinet's roof, up to the cruise height (kCruiseZ), across
// at that height in front of the cabinet (turning on the way), down, and
// for a workplace at the cabinet (the door's handle, the switch, the shelf)
// in toward it last. Legs that are already done take no time.
#pragma once

#include "policies/scripted/playtable/waypoint_script.h"

namespace gauntlet::policies::scripted::playtable {

// Appends the legs from `from` to `to` (its orientation and grip kept from
// the crossing on). Returns `to`.
HandGoal AddTransit(WaypointScript& script, const HandGoal& from, const HandGoal& to);

}  // namespace gauntlet::policies::scripted::playtable
