#include "policies/scripted/dualarm/grasp_orientation.h"

#include <algorithm>
#include <cmath>

namespace gauntlet::policies::scripted::dualarm {

namespace {

constexpr double kHalfPi = 1.57079632679489661923;
// Tilt per metre beyond the straight-down reach, and that reach (fitted to
// the kinematics test's table: 0.3 rad at 0.52 m, 0.6 at 0.6 m, 0.9 at 0.69 m).
constexpr double kStraightReach = 0.44;
constexpr double kTiltPerMetre = 4.0;
constexpr double kMaxTilt = 1.0;

}  // namespace

Quat TopDown(double closing_yaw, double tilt, double tilt_heading) {
  const Vec3 x{std::sin(tilt) * std::cos(tilt_heading), std::sin(tilt) * std::sin(tilt_heading), -std::cos(tilt)};
  const Vec3 y0{std::cos(closing_yaw), std::sin(closing_yaw), 0};
  Vec3 y = Sub(y0, Scale(x, Dot(x, y0)));
  y = Scale(y, 1 / Norm(y));
  return FromAxes(x, y, Cross(x, y));
}

Quat Horizontal(double approach_yaw) {
  const Vec3 x{std::cos(approach_yaw), std::sin(approach_yaw), 0};
  const Vec3 y{-std::sin(approach_yaw), std::cos(approach_yaw), 0};
  return FromAxes(x, y, Cross(x, y));
}

Quat Angled(double approach_yaw, double pitch_down) {
  const double c = std::cos(pitch_down);
  const Vec3 x{c * std::cos(approach_yaw), c * std::sin(approach_yaw), -std::sin(pitch_down)};
  const Vec3 y{-std::sin(approach_yaw), std::cos(approach_yaw), 0};
  return FromAxes(x, y, Cross(x, y));
}

double ReachHeading(Hand hand, const Vec3& point) {
  const Vec3 s = DualarmView::Shoulder(hand);
  return std::atan2(point[1] - s[1], point[0] - s[0]);
}

double ReachTilt(Hand hand, const Vec3& point) {
  const double d = NormXY(Sub(point, DualarmView::Shoulder(hand)));
  return std::clamp((d - kStraightReach) * kTiltPerMetre, 0.0, kMaxTilt);
}

Quat ReachingTopDown(Hand hand, const Vec3& point, double yaw, double period) {
  const double heading = ReachHeading(hand, point);
  const double closing = FoldAngle(yaw, period, heading + kHalfPi);
  return TopDown(closing, ReachTilt(hand, point), heading);
}

}  // namespace gauntlet::policies::scripted::dualarm
