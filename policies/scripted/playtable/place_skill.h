// place_in_slider, place_in_drawer and stack_block: carry the held block to
// its spot, set it down and let go. The rules look at the moment the hand no
// longer touches the block: it must rest on the shelf (the plank), on the
// drawer's floor, or on another block alone.
//
// The block is carried as it sits in the hand (block_grasp.h: HeldBlock), so
// a block taken leaning from the shelf stays level. Into the shelf the hand
// leans forward as it does to take a block from there: the block goes in
// tilted and settles flat once let go.
#pragma once

#include "policies/scripted/playtable/waypoint_script.h"

namespace gauntlet::policies::scripted::playtable {

HandGoal AddPlaceInSlider(WaypointScript& script, const PrivilegedState& s, const HandGoal& from);
HandGoal AddPlaceInDrawer(WaypointScript& script, const PrivilegedState& s, const HandGoal& from);
HandGoal AddStackBlock(WaypointScript& script, const PrivilegedState& s, const HandGoal& from);

}  // namespace gauntlet::policies::scripted::playtable
