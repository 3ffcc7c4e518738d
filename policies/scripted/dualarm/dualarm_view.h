// What the dual-arm expert reads of an observation: both TCPs and grippers
// from the state keys (left/right_eef_pos, left/right_eef_quat, joint_pos),
// and the task's objects, functional points (sites "<object>_<point>") and
// articulations from the privileged state. Never the simulator: policies/
// does not include envs/.
#pragma once

#include <string>

#include "harness/observation.h"
#include "policies/scripted/dualarm/frame_math.h"

namespace gauntlet::policies::scripted::dualarm {

enum class Hand { kLeft = 0, kRight = 1 };
inline constexpr Hand kHands[] = {Hand::kLeft, Hand::kRight};
inline int Index(Hand hand) { return static_cast<int>(hand); }
inline Hand Other(Hand hand) { return hand == Hand::kLeft ? Hand::kRight : Hand::kLeft; }
// The arm on the side of world x (the robot's left at -x).
inline Hand HandFor(double x) { return x < 0 ? Hand::kLeft : Hand::kRight; }
// +1 on the right, -1 on the left.
inline double SideSign(Hand hand) { return hand == Hand::kLeft ? -1 : 1; }

struct ArmView {
  Vec3 pos{};
  Quat quat{1, 0, 0, 0};
  double gripper = 1;  // measured, 1 open
};

class DualarmView {
 public:
  // Throws PolicyError naming what is missing (no privileged state, a state key).
  explicit DualarmView(const Observation& observation);

  // The goal's task name ({{task}}).
  const std::string& task() const { return task_; }
  const ArmView& arm(Hand hand) const { return arms_[Index(hand)]; }

  bool HasSite(const std::string& name) const;
  // A site's world position; throws PolicyError when the scene has none.
  Vec3 Site(const std::string& name) const;
  bool HasObject(const std::string& name) const;
  const PrivilegedState::Body& Object(const std::string& name) const;
  Vec3 Origin(const std::string& object) const { return Object(object).pose.pos; }
  Quat Orientation(const std::string& object) const;
  // The articulation owned by `object` (the microwave's door, the cabinet's drawer).
  const PrivilegedState::Articulation& ArticulationOf(const std::string& object) const;
  // The highest top of the randomized setting's welded clutter (objects
  // named clutter_<i>) whose footprint comes within `reach` metres of the
  // horizontal segment from `from` to `to`; -infinity when none does.
  double ClutterTopAlong(const Vec3& from, const Vec3& to, double reach) const;
  // The world position of the arms' shoulders (for choosing reachable poses).
  static Vec3 Shoulder(Hand hand);

 private:
  const PrivilegedState* state_ = nullptr;
  std::string task_;
  ArmView arms_[2];
};

}  // namespace gauntlet::policies::scripted::dualarm
