#include "policies/scripted/playtable/hand_orientation.h"

#include <algorithm>
#include <cmath>

#include "policies/scripted/playtable/playtable_motion.h"

namespace gauntlet::policies::scripted::playtable {

Mat3 Multiply(const Mat3& a, const Mat3& b) {
  Mat3 r{};
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      for (int k = 0; k < 3; ++k) r[3 * i + j] += a[3 * i + k] * b[3 * k + j];
    }
  }
  return r;
}

Mat3 RotationX(double angle) {
  const double c = std::cos(angle), s = std::sin(angle);
  return {1, 0, 0, 0, c, -s, 0, s, c};
}

Mat3 RotationZ(double angle) {
  const double c = std::cos(angle), s = std::sin(angle);
  return {c, -s, 0, s, c, 0, 0, 0, 1};
}

static Mat3 RotationY(double angle) {
  const double c = std::cos(angle), s = std::sin(angle);
  return {c, 0, s, 0, 1, 0, -s, 0, c};
}

Mat3 EulerToMatrix(const Euler& e) { return Multiply(RotationZ(e[2]), Multiply(RotationY(e[1]), RotationX(e[0]))); }

Euler MatrixToEuler(const Mat3& r) {
  // R = Rz(c) Ry(b) Rx(a): r20 = -sin b, (r21, r22) = cos b (sin a, cos a),
  // (r10, r00) = cos b (sin c, cos c).
  return {std::atan2(r[7], r[8]), std::asin(std::clamp(-r[6], -1.0, 1.0)), std::atan2(r[3], r[0])};
}

Vec3 Apply(const Mat3& r, const Vec3& v) {
  return {r[0] * v[0] + r[1] * v[1] + r[2] * v[2], r[3] * v[0] + r[4] * v[1] + r[5] * v[2],
          r[6] * v[0] + r[7] * v[1] + r[8] * v[2]};
}

Mat3 QuatToMatrix(const Quat& q) {
  const double n = std::sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
  const double w = q[0] / n, x = q[1] / n, y = q[2] / n, z = q[3] / n;
  return {1 - 2 * (y * y + z * z), 2 * (x * y - w * z),     2 * (x * z + w * y),
          2 * (x * y + w * z),     1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
          2 * (x * z - w * y),     2 * (y * z + w * x),     1 - 2 * (x * x + y * y)};
}

Euler QuatToEuler(const Quat& q) { return MatrixToEuler(QuatToMatrix(q)); }

double WrapAngle(double a) {
  a = std::fmod(a + kPi, 2 * kPi);
  if (a <= 0) a += 2 * kPi;
  return a - kPi;
}

Euler NearestEuler(const Euler& goal, const Euler& reference) {
  Euler e = goal;
  for (int i : {0, 2}) e[i] = reference[i] + WrapAngle(goal[i] - reference[i]);
  return e;
}

Euler HandDown(double yaw) { return {kPi, 0.0, yaw}; }

Mat3 RotationAbout(const Vec3& u, double angle) {
  const double c = std::cos(angle), s = std::sin(angle), t = 1 - c;
  const double x = u[0], y = u[1], z = u[2];
  return {t * x * x + c,     t * x * y - s * z, t * x * z + s * y,
          t * x * y + s * z, t * y * y + c,     t * y * z - s * x,
          t * x * z - s * y, t * y * z + s * x, t * z * z + c};
}

Euler HandLeaned(double yaw, double lean) {
  // About the (horizontal) closing axis, the way that moves the fingertips
  // toward +y: the fingers keep closing level.
  const Vec3 closing{std::sin(yaw), -std::cos(yaw), 0.0};
  const double sign = closing[0] >= 0 ? 1.0 : -1.0;
  return MatrixToEuler(Multiply(RotationAbout(closing, sign * lean), EulerToMatrix(HandDown(yaw))));
}

Vec3 ToolAxis(const Euler& e) { return Apply(EulerToMatrix(e), {0, 0, 1}); }
Vec3 ClosingAxis(const Euler& e) { return Apply(EulerToMatrix(e), {0, 1, 0}); }

}  // namespace gauntlet::policies::scripted::playtable
