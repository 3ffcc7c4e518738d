// Pick and place (an atom On/In an object or a region): approach above the
// grasp -> descend -> close -> lift -> carry -> lower -> release -> retreat.
// A failed grasp or a slip lets go, waits for the object to rest and hands
// back to the plan. Bowls, plates and mugs are taken by their wall at the rim
// point with the most room, other objects across their narrow side
// (grasp_plan). A neighbour standing where the palm must go is first moved
// aside, objects sharing a region get a slot each (carry_path), an elongated
// one is turned to fit a slot (align_turn). Into a region under a roof (a
// microwave), where a top-down wrist cannot follow, the object is stood in
// the mouth (mouth): the closing door pushes it home.
//
// One instance serves a whole episode: Plan() starts a placement, Act() is
// called each step until done().
#pragma once

#include <array>
#include <string>
#include <vector>

#include "harness/action.h"
#include "harness/observation.h"
#include "policies/scripted/tabletop/carry_path.h"

namespace gauntlet::policies::scripted::tabletop {

class PickPlaceSkill {
 public:
  // A new episode.
  void Reset();
  // Starts putting the object of `atom` ({on|in, object, target}) on or in
  // its target, or first a neighbour in the way aside. False when the atom
  // names no such object or target.
  bool Plan(const PrivilegedState& s, const std::vector<std::string>& atom);
  // One control step.
  Action Act(const PrivilegedState& s);
  // Placed, or let go after a failed grasp: time to plan again.
  bool done() const { return phase_ == Phase::kDone; }
  const char* phase_name() const;

 private:
  enum class Phase { kApproach, kDescend, kClose, kLift, kCarry, kLower, kInsert, kRelease, kRetreat, kRecover,
                     kDone };

  // The held object has moved away from where it sat in the hand after lifting.
  bool Slipped(const PrivilegedState& s) const;

  Phase phase_ = Phase::kDone;
  int phase_steps_ = 0;
  CarryPlan carry_;
  double place_turn_ = 0;                    // turn of the hand between grasp and put-down
  bool insert_ = false;                      // set down outside a mouth, then slid in to insert_to_
  std::array<double, 2> insert_to_{};
  std::array<double, 2> xy_trim_{};          // integral correction while descending onto a body
  bool centred_ = false;                     // the hand is centred over that body: go down
  Vec3 held_offset_{};                       // object origin minus tcp, measured after lifting
  double held_yaw_ = 0;                      // hand yaw then
  Vec3 last_object_pos_{};                   // to tell when a dropped object has settled
  int still_steps_ = 0;
  int relocations_ = 0;                      // neighbours moved out of the way this episode
};

}  // namespace gauntlet::policies::scripted::tabletop
