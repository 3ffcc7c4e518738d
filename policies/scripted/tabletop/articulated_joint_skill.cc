#include "policies/scripted/tabletop/articulated_joint_skill.h"

#include <algorithm>
#include <cmath>

#include "policies/scripted/tabletop/expert_geometry.h"
#include "policies/scripted/tabletop/tabletop_motion.h"

namespace gauntlet::policies::scripted::tabletop {

namespace {
constexpr double kSlideTolerance = 0.01, kHingeTolerance = 0.05;  // joint at its target (m, rad)
constexpr int kLetGoSteps = 6;         // the fingers open enough to clear a fin
constexpr double kBackOffHeight = 0.08;  // lift after working a joint
}  // namespace

void ArticulatedJointSkill::Reset() {
  phase_ = Phase::kDone;
  phase_steps_ = 0;
  joint_.clear();
}

const char* ArticulatedJointSkill::phase_name() const {
  if (push_door_ && phase_ != Phase::kBackOff && phase_ != Phase::kDone) return door_.phase_name();
  static const char* const kNames[] = {"handle approach", "handle descend", "handle close", "work",
                                       "let go",          "back off",       "plan"};
  return kNames[static_cast<int>(phase_)];
}

void ArticulatedJointSkill::Plan(const PrivilegedState& s, const std::string& joint, double target) {
  joint_ = joint;
  target_ = target;
  const auto& a = s.articulations.at(joint);
  const double swing = a.hinge ? (target - a.q) * (a.axis[2] >= 0 ? 1.0 : -1.0) : 0.0;
  push_door_ = IsDoor(a);
  if (push_door_) {
    door_.Plan(s, a, target, swing);
  } else {
    handle_yaw_ = ChooseYaw(s, Yaw(a.handle->quat), swing);
  }
  phase_ = Phase::kHandleApproach;
  phase_steps_ = 0;
}

Action ArticulatedJointSkill::BackOff(const PrivilegedState& s) {
  const Vec3& tcp = s.eef.pos;
  if (phase_steps_++ == 0) backoff_z_ = tcp[2] + kBackOffHeight;
  Action a = Lift(s.eef, backoff_z_, HandDown(Yaw(s.eef.quat)), 0.03, Grip::kOpen, kTabletopMotion);
  if (tcp[2] > backoff_z_ - 0.01 || phase_steps_ > 20) {
    phase_ = Phase::kDone;
    phase_steps_ = 0;
  }
  return a;
}

Action ArticulatedJointSkill::Act(const PrivilegedState& s) {
  if (phase_ == Phase::kBackOff) return BackOff(s);
  const MotionConvention& m = kTabletopMotion;
  ++phase_steps_;
  const auto& art = s.articulations.at(joint_);
  const Pose& handle = *art.handle;
  const Pose& hand = s.eef;
  const Vec3& tcp = hand.pos;
  auto go = [&](Phase next) {
    phase_ = next;
    phase_steps_ = 0;
  };
  auto dist = [](const Vec3& a, const Vec3& b) { return std::hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]); };
  if (push_door_) {
    Action a = door_.Act(s, art);
    if (door_.done()) go(Phase::kBackOff);
    return a;
  }
  Action a;
  switch (phase_) {
    case Phase::kHandleApproach: {
      const Vec3 above = TransitPoint(tcp, {handle.pos[0], handle.pos[1], handle.pos[2] + kApproachHeight}, m);
      a = Approach(hand, Pose{above, HandDown(handle_yaw_)}, m.metres_per_unit, Grip::kOpen, m);
      const double yaw_err = std::abs(WrapAngle(Yaw(s.eef.quat) - handle_yaw_));
      if ((dist(tcp, above) < m.via_tolerance && yaw_err < m.heading_tolerance) || phase_steps_ > 60) {
        go(Phase::kHandleDescend);
      }
      break;
    }
    case Phase::kHandleDescend:
      a = Approach(hand, Pose{handle.pos, HandDown(handle_yaw_)}, 0.02, Grip::kOpen, m);
      if (dist(tcp, handle.pos) < 0.005 || phase_steps_ > 40) go(Phase::kHandleClose);
      break;
    case Phase::kHandleClose:
      a = Grasp(hand, handle.pos, HandDown(handle_yaw_), 0.01, m);
      if (phase_steps_ >= m.finger_travel_steps) {
        handle_tcp_ = tcp;
        progress_.Start(art.q, target_);
        go(Phase::kWork);
      }
      break;
    case Phase::kWork: {
      const double err = target_ - art.q;
      if (art.hinge) {
        // Swing the hand about the hinge a little ahead of the part, turning
        // the wrist with it (the axes here are vertical).
        const double step = std::clamp(err, -0.2, 0.2);
        const double sign = art.axis[2] >= 0 ? 1.0 : -1.0;
        a = Approach(hand, Pose{AboutHinge(art, tcp, step, handle_tcp_[2]), HandDown(Yaw(s.eef.quat) + sign * step)},
                     m.metres_per_unit, Grip::kClose, m);
      } else {
        // Pull or push the fin along the slide, from where it was pinched.
        a = Push(hand, handle_tcp_, art.axis, target_ - progress_.start_q(), HandDown(handle_yaw_), 0.02, m);
      }
      const bool there = std::abs(err) < (art.hinge ? kHingeTolerance : kSlideTolerance);
      // Stuck (the fin slipped out of the fingers, or a stop): let go and plan again.
      if (progress_.Stalled(err, phase_steps_) || there || s.gripper_opening < kEmptyGrip) go(Phase::kLetGo);
      break;
    }
    case Phase::kLetGo:
      a = Release(hand, HandDown(Yaw(s.eef.quat)), m);
      if (phase_steps_ >= kLetGoSteps) go(Phase::kBackOff);
      break;
    case Phase::kBackOff:  // handled above
    case Phase::kDone:     // not reached: the expert plans again first
      a = Release(hand, HandDown(Yaw(s.eef.quat)), m);
      break;
  }
  return a;
}

}  // namespace gauntlet::policies::scripted::tabletop
