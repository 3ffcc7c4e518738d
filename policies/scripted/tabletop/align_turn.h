// Turning a book to fit a slot: an elongated body that does not fit a box
// region as it stands (a book over a caddy's slot) is turned in the hand on
// the way, so that it goes in long side along long side. The pick-and-place
// skill plans its grasp for the wrist to have room for that turn too.
#pragma once

#include "harness/observation.h"

namespace gauntlet::policies::scripted::tabletop {

// Turn (rad, within a quarter turn) for body `b` to lie along the region's
// long side; 0 if it fits as it stands or is about as wide as long.
double AlignTurn(const PrivilegedState::Body& b, const PrivilegedState::Site& site);

}  // namespace gauntlet::policies::scripted::tabletop
