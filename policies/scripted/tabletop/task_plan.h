// The order the tabletop expert works through a goal's atoms: first those
// that open or switch on, then the placements (in the order the goal lists
// them), last those that close or switch off; each time the first atom that
// does not hold yet. A placement into a closed drawer opens the drawer first.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/observation.h"

namespace gauntlet::policies::scripted::tabletop {

struct Subgoal {
  enum class Skill { kPickPlace, kWorkJoint };
  Skill skill = Skill::kPickPlace;
  int atom = -1;            // index of the atom in the goal
  std::string joint;        // kWorkJoint: the joint to move
  double joint_target = 0;  // and its target value
};

// What to work on next; nullopt when every atom holds. Throws PolicyError
// for an atom no skill achieves.
std::optional<Subgoal> NextSubgoal(const PrivilegedState& s);

// "on bowl plate", for messages.
std::string AtomText(const std::vector<std::string>& atom);

}  // namespace gauntlet::policies::scripted::tabletop
