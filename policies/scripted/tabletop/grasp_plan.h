// Choosing a grasp: of the ways a top-down hand can take an object (a bowl,
// plate or mug by its wall at any rim point; anything else across its narrow
// side, anywhere along a long one), the one whose fingers and palm keep the
// most room from the neighbours, with the arm comfortably within reach.
#pragma once

#include <array>
#include <optional>
#include <string>

#include "harness/observation.h"
#include "policies/scripted/tabletop/carry_path.h"

namespace gauntlet::policies::scripted::tabletop {

// Sets carry->grasp to the grasp of carry->object with the most room (left as
// it was if none scores), carry->container to the fixture region holding the
// object and carry->start_* to where it stands. `place_turn` is the turn of
// the hand between grasp and put-down (the wrist must have room for it);
// `mouth_out` the direction out of the mouth it is to stand in, if any (held
// at its side, the palm lies across the mouth). Returns the room (metres, < 0:
// something is in the way) and, when `blocker` is given, names the free
// object limiting it that the goal does not name ("" if none).
double PlanGrasp(const PrivilegedState& s, double place_turn, const std::optional<std::array<double, 2>>& mouth_out,
                 CarryPlan* carry, std::string* blocker);

}  // namespace gauntlet::policies::scripted::tabletop
