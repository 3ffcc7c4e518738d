// turn_on_led / turn_off_led: press the button with the closed fingertips.
// The LED toggles when the cap goes down past half its travel, once per
// press (a rising edge); a press that did not toggle it (the light was in
// the other state) is repeated after letting the cap up.
#pragma once

#include "policies/scripted/playtable/waypoint_script.h"

namespace gauntlet::policies::scripted::playtable {

HandGoal AddPressButton(WaypointScript& script, const PrivilegedState& s, const HandGoal& from);

}  // namespace gauntlet::policies::scripted::playtable
