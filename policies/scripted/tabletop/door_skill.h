// Pushing a door round (the microwave's): a hinged part whose handle is far
// from its hinge is pushed by the closed fingers near its free end, the hand's
// long palm along the door pressing its upper part, rather than swung by its
// fin: that would turn the wrist as far as the door turns, the forearm over
// the door. The hand keeps a little ahead of the door, so it also presses on
// whatever the door shoves in front of it (the mug it pushes into the
// microwave). Approach above the push point -> down beside the door -> push
// round the hinge; then the articulated-joint skill backs off.
#pragma once

#include "harness/action.h"
#include "harness/observation.h"
#include "policies/scripted/motion_primitives.h"
#include "policies/scripted/tabletop/joint_progress.h"

namespace gauntlet::policies::scripted::tabletop {

// A hinged part whose handle is this far out is pushed round as a door.
bool IsDoor(const PrivilegedState::Articulation& a);

class DoorSkill {
 public:
  // Starts pushing door `a` to joint value `target`; `swing` is how far the
  // hand turns about the vertical meanwhile (the wrist must have room for it).
  void Plan(const PrivilegedState& s, const PrivilegedState::Articulation& a, double target, double swing);
  // One control step on door `a`.
  Action Act(const PrivilegedState& s, const PrivilegedState::Articulation& a);
  // At its target or stuck.
  bool done() const { return phase_ == Phase::kDone; }
  const char* phase_name() const;

 private:
  enum class Phase { kApproach, kDescend, kWork, kDone };
  Phase phase_ = Phase::kDone;
  int phase_steps_ = 0;
  double target_ = 0;
  Vec3 push_point_{};   // tool centre point pressing the door
  double yaw_ = 0;      // hand yaw there, before the door turns
  JointProgress progress_;
};

}  // namespace gauntlet::policies::scripted::tabletop
