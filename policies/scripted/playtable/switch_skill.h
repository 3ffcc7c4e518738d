// turn_on_lightbulb / turn_off_lightbulb: pinch the switch's lever across
// its 6 cm width and slide it along its rail, up and back to turn the bulb
// on, down and out to turn it off (the bulb follows the lever past half its
// travel). The hand leans forward so its palm stays in front of the
// cabinet's roof as the lever climbs; at the top of its travel the lever
// shows only 1.5 cm, which the fingertips take.
#pragma once

#include "policies/scripted/playtable/waypoint_script.h"

namespace gauntlet::policies::scripted::playtable {

// `up`: toward the top of the rail (bulb on).
HandGoal AddSlideSwitch(WaypointScript& script, const PrivilegedState& s, const HandGoal& from, bool up);

}  // namespace gauntlet::policies::scripted::playtable
