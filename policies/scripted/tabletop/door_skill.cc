#include "policies/scripted/tabletop/door_skill.h"

#include <algorithm>
#include <cmath>

#include "policies/scripted/tabletop/expert_geometry.h"
#include "policies/scripted/tabletop/tabletop_motion.h"

namespace gauntlet::policies::scripted::tabletop {

namespace {
constexpr double kDoorRadius = 0.1;          // a hinged part whose handle is this far out is a door
constexpr double kDoorPushStandoff = 0.045;  // hand axis from the door's fin, behind its swing: palm 5 mm off
constexpr double kDoorPushDepth = 0.1;       // below the fin: about the middle of the door
constexpr double kDoorPushLead = 0.1;        // rad the hand stays ahead of the door
constexpr double kDoorTolerance = 0.003;     // rad: a door this near its stop is there
}  // namespace

bool IsDoor(const PrivilegedState::Articulation& a) {
  const double rx = a.handle->pos[0] - a.anchor[0], ry = a.handle->pos[1] - a.anchor[1];
  return a.hinge && std::hypot(rx, ry) > kDoorRadius;
}

const char* DoorSkill::phase_name() const {
  static const char* const kNames[] = {"handle approach", "handle descend", "work", "back off"};
  return kNames[static_cast<int>(phase_)];
}

void DoorSkill::Plan(const PrivilegedState& s, const PrivilegedState::Articulation& a, double target, double swing) {
  target_ = target;
  const double rx = a.handle->pos[0] - a.anchor[0], ry = a.handle->pos[1] - a.anchor[1];
  const double sign = (target > a.q ? 1.0 : -1.0) * (a.axis[2] >= 0 ? 1.0 : -1.0);
  const double n = std::hypot(rx, ry);
  // Where the free end moves: +sign along z x r; push from the other side.
  const double mx = -sign * ry / n, my = sign * rx / n;
  push_point_ = {a.handle->pos[0] - kDoorPushStandoff * mx, a.handle->pos[1] - kDoorPushStandoff * my,
                 a.handle->pos[2] - kDoorPushDepth};
  // The hand's long palm along the door, pressing its upper part, turning
  // with it (the start picked so that the wrist stays within its range).
  yaw_ = ChooseYaw(s, std::atan2(rx, -ry), swing);
  phase_ = Phase::kApproach;
  phase_steps_ = 0;
}

Action DoorSkill::Act(const PrivilegedState& s, const PrivilegedState::Articulation& art) {
  const MotionConvention& m = kTabletopMotion;
  const Pose& hand = s.eef;
  const Vec3& tcp = hand.pos;
  auto go = [&](Phase next) {
    phase_ = next;
    phase_steps_ = 0;
  };
  ++phase_steps_;
  Action a;
  switch (phase_) {
    case Phase::kApproach: {
      // Over the push point, above the door's top, then straight down beside it.
      const Vec3 above =
          TransitPoint(tcp, {push_point_[0], push_point_[1], art.handle->pos[2] + kApproachHeight}, m);
      a = Approach(hand, Pose{above, HandDown(yaw_)}, m.metres_per_unit, Grip::kClose, m);
      if (std::hypot(tcp[0] - above[0], tcp[1] - above[1], tcp[2] - above[2]) < m.via_tolerance ||
          phase_steps_ > 60) {
        go(Phase::kDescend);
      }
      break;
    }
    case Phase::kDescend:
      a = Approach(hand, Pose{push_point_, HandDown(yaw_)}, 0.03, Grip::kClose, m);
      if (std::hypot(tcp[0] - push_point_[0], tcp[1] - push_point_[1], tcp[2] - push_point_[2]) < 0.008 ||
          phase_steps_ > 40) {
        progress_.Start(art.q, target_);
        go(Phase::kWork);
      }
      break;
    case Phase::kWork: {
      // Round the hinge, ahead of the door by enough to press on whatever
      // the door shoves in front of it (the mug it pushes into the microwave).
      const double err = target_ - art.q;
      const double step = std::clamp(err, -0.3, 0.3) + (err > 0 ? 1 : -1) * kDoorPushLead;
      const double sign = art.axis[2] >= 0 ? 1.0 : -1.0;
      a = Approach(hand,
                   Pose{AboutHinge(art, tcp, step, push_point_[2]),
                        HandDown(yaw_ + sign * (art.q + step - progress_.start_q()))},
                   m.metres_per_unit, Grip::kClose, m);
      if (progress_.Stalled(err, phase_steps_) || std::abs(err) < kDoorTolerance) go(Phase::kDone);
      break;
    }
    case Phase::kDone:  // not reached: the articulated-joint skill backs off first
      a = Release(hand, HandDown(yaw_), m);
      break;
  }
  return a;
}

}  // namespace gauntlet::policies::scripted::tabletop
