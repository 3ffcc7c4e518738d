// The mouth of a region under a roof (a microwave's cavity, entered from its
// parent's front, the parent's +x). A top-down wrist cannot follow an object
// under the roof: the object is set down outside the mouth, slid level into
// it as far as the wrist clears the roof, and the closing door pushes it home.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "harness/observation.h"

namespace gauntlet::policies::scripted::tabletop {

struct Mouth {
  std::array<double, 2> inner{};  // where an object stands in the mouth (x, y)
  std::array<double, 2> outer{};  // where it is set down before sliding in
  std::array<double, 2> out{};    // unit direction out of the mouth
};

// The mouth of `site`, whose parent is an object in `s`.
Mouth MouthOf(const PrivilegedState& s, const PrivilegedState::Site& site);

// The atom (in object enclosed-region) has its object standing in the mouth:
// as good as in, since the closing door pushes it home.
bool StandsInMouth(const PrivilegedState& s, const std::vector<std::string>& atom);

}  // namespace gauntlet::policies::scripted::tabletop
