// Moving the hand between workplaces without sweeping through the desk: up
// to the cruise height (kCruiseZ) where it is, across at that height (turning
// on the way), then down to the workplace. Legs that are already done (the
// hand at cruise height, or over the spot) take no time.
#pragma once

#include "policies/scripted/playtable/waypoint_script.h"

namespace gauntlet::policies::scripted::playtable {

// Appends the legs from `from` to `to` (its orientation and grip kept from
// the crossing on). Returns `to`.
HandGoal AddTransit(WaypointScript& script, const HandGoal& from, const HandGoal& to);

}  // namespace gauntlet::policies::scripted::playtable
