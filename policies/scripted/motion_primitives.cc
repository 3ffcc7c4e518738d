#include "policies/scripted/motion_primitives.h"

#include <algorithm>
#include <cmath>

namespace gauntlet::policies::scripted {

double GripperValue(Grip grip, const MotionConvention& c) {
  return grip == Grip::kOpen ? c.gripper_open : c.gripper_close;
}

Vec3 RotationVector(const Quat& from, const Quat& to) {
  // q_err = to * conj(from), on the positive-w hemisphere; its axis times its angle.
  const double w = from[0], x = -from[1], y = -from[2], z = -from[3];
  double e[4] = {to[0] * w - to[1] * x - to[2] * y - to[3] * z,
                 to[0] * x + to[1] * w + to[2] * z - to[3] * y,
                 to[0] * y - to[1] * z + to[2] * w + to[3] * x,
                 to[0] * z + to[1] * y - to[2] * x + to[3] * w};
  if (e[0] < 0) for (double& v : e) v = -v;
  const double sn = std::sqrt(e[1] * e[1] + e[2] * e[2] + e[3] * e[3]);
  if (sn < 1e-12) return {0, 0, 0};
  const double angle = 2 * std::atan2(sn, e[0]);
  return {e[1] / sn * angle, e[2] / sn * angle, e[3] / sn * angle};
}

Action ClippedDeltaAction(const Vec3& position_error, const Vec3& rotation_error, double max_step,
                          double gripper, const MotionConvention& c) {
  Action a(7, 0.0);
  const Vec3& d = position_error;
  const double n = std::sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
  const double scale = n > max_step ? max_step / n : 1.0;
  for (int i = 0; i < 3; ++i) a[i] = std::clamp(d[i] * scale / c.metres_per_unit, -1.0, 1.0);
  for (int i = 0; i < 3; ++i) a[3 + i] = std::clamp(rotation_error[i] / c.radians_per_unit, -1.0, 1.0);
  a[6] = gripper;
  return a;
}

Action Approach(const Pose& hand, const Pose& goal, double max_step, Grip grip, const MotionConvention& c) {
  const Vec3 d{goal.pos[0] - hand.pos[0], goal.pos[1] - hand.pos[1], goal.pos[2] - hand.pos[2]};
  return ClippedDeltaAction(d, RotationVector(hand.quat, goal.quat), max_step, GripperValue(grip, c), c);
}

Vec3 TransitPoint(const Vec3& hand, const Vec3& above, const MotionConvention& c) {
  const double away = std::hypot(above[0] - hand[0], above[1] - hand[1]);
  if (away < c.transit_tolerance) return above;
  if (hand[2] < above[2] - c.transit_tolerance) return {hand[0], hand[1], above[2]};
  return {above[0], above[1], std::max(above[2], hand[2])};
}

Action Grasp(const Pose& hand, const Vec3& at, const Quat& orientation, double max_step,
             const MotionConvention& c) {
  return Approach(hand, Pose{at, orientation}, max_step, Grip::kClose, c);
}

Action Release(const Pose& hand, const Quat& orientation, const MotionConvention& c) {
  return Approach(hand, Pose{hand.pos, orientation}, 0.0, Grip::kOpen, c);
}

Action Lift(const Pose& hand, double z, const Quat& orientation, double max_step, Grip grip,
            const MotionConvention& c) {
  return Approach(hand, Pose{{hand.pos[0], hand.pos[1], z}, orientation}, max_step, grip, c);
}

Action Carry(const Pose& hand, const Vec3& held, const Vec3& waypoint, const Quat& orientation, double max_step,
             const MotionConvention& c) {
  const Vec3 t{hand.pos[0] + waypoint[0] - held[0], hand.pos[1] + waypoint[1] - held[1],
               hand.pos[2] + waypoint[2] - held[2]};
  return Approach(hand, Pose{t, orientation}, max_step, Grip::kClose, c);
}

Action Place(const Pose& hand, const Vec3& held, const Vec3& spot, const Quat& orientation, double slow_within,
             double slow_step, const MotionConvention& c) {
  const double step = held[2] - spot[2] > slow_within ? c.metres_per_unit : slow_step;
  return Carry(hand, held, spot, orientation, step, c);
}

Action Push(const Pose& hand, const Vec3& from, const Vec3& direction, double distance, const Quat& orientation,
            double max_step, const MotionConvention& c) {
  const Vec3 t{from[0] + distance * direction[0], from[1] + distance * direction[1],
               from[2] + distance * direction[2]};
  return Approach(hand, Pose{t, orientation}, max_step, Grip::kClose, c);
}

}  // namespace gauntlet::policies::scripted
