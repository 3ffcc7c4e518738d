// Working a joint (Open/Close/TurnOn/TurnOff a drawer, a dial, a door): pinch
// the part's handle fin from above, then slide it along the joint axis (a
// drawer) or turn it about its axis with the wrist (a dial); a door (handle
// far from its hinge) is pushed round by the palm instead (door_skill). Then
// let go and back off straight up, clear of what was worked. A joint that
// stops getting closer to its target (the fin slipped out of the fingers, a
// stop) is let go of too: the plan then tries again.
//
// One instance serves a whole episode: Plan() starts working a joint, Act()
// is called each step until done().
#pragma once

#include <string>

#include "harness/action.h"
#include "harness/observation.h"
#include "policies/scripted/motion_primitives.h"
#include "policies/scripted/tabletop/door_skill.h"
#include "policies/scripted/tabletop/joint_progress.h"

namespace gauntlet::policies::scripted::tabletop {

class ArticulatedJointSkill {
 public:
  // A new episode.
  void Reset();
  // Starts moving `joint` (one of s.articulations, with a handle) to `target`.
  void Plan(const PrivilegedState& s, const std::string& joint, double target);
  // One control step.
  Action Act(const PrivilegedState& s);
  // Backed off after working the joint: time to plan again.
  bool done() const { return phase_ == Phase::kDone; }
  const char* phase_name() const;

 private:
  enum class Phase { kHandleApproach, kHandleDescend, kHandleClose, kWork, kLetGo, kBackOff, kDone };

  // Straight up with the hand open, clear of whatever it worked on.
  Action BackOff(const PrivilegedState& s);

  Phase phase_ = Phase::kDone;
  int phase_steps_ = 0;
  std::string joint_;
  double target_ = 0;
  double handle_yaw_ = 0;
  Vec3 handle_tcp_{};      // tool centre point when the fin was pinched
  JointProgress progress_;
  bool push_door_ = false; // working a door by pushing it round
  DoorSkill door_;
  double backoff_z_ = 0;
};

}  // namespace gauntlet::policies::scripted::tabletop
