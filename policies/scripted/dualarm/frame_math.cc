#include "policies/scripted/dualarm/frame_math.h"

#include <cmath>

namespace gauntlet::policies::scripted::dualarm {

Vec3 Add(const Vec3& a, const Vec3& b) { return {a[0] + b[0], a[1] + b[1], a[2] + b[2]}; }
Vec3 Sub(const Vec3& a, const Vec3& b) { return {a[0] - b[0], a[1] - b[1], a[2] - b[2]}; }
Vec3 Scale(const Vec3& a, double s) { return {a[0] * s, a[1] * s, a[2] * s}; }
double Dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
Vec3 Cross(const Vec3& a, const Vec3& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
double Norm(const Vec3& a) { return std::sqrt(Dot(a, a)); }
double NormXY(const Vec3& a) { return std::hypot(a[0], a[1]); }

Quat QuatMul(const Quat& a, const Quat& b) {
  return {a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3],
          a[0] * b[1] + a[1] * b[0] + a[2] * b[3] - a[3] * b[2],
          a[0] * b[2] - a[1] * b[3] + a[2] * b[0] + a[3] * b[1],
          a[0] * b[3] + a[1] * b[2] - a[2] * b[1] + a[3] * b[0]};
}

Quat Conjugate(const Quat& q) { return {q[0], -q[1], -q[2], -q[3]}; }

Quat Normalized(const Quat& q) {
  const double n = std::sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
  if (n < 1e-12) return {1, 0, 0, 0};
  // One hemisphere, so equal rotations compare equal.
  const double s = q[0] < 0 ? -1 / n : 1 / n;
  return {q[0] * s, q[1] * s, q[2] * s, q[3] * s};
}

Quat FromRotationVector(const Vec3& v) {
  const double angle = Norm(v);
  if (angle < 1e-12) return {1, 0, 0, 0};
  const double s = std::sin(angle / 2) / angle;
  return {std::cos(angle / 2), v[0] * s, v[1] * s, v[2] * s};
}

Quat FromAxes(const Vec3& x, const Vec3& y, const Vec3& z) {
  // Shepperd's method on R = [x y z].
  const double r00 = x[0], r11 = y[1], r22 = z[2];
  const double trace = r00 + r11 + r22;
  Quat q;
  if (trace > 0) {
    const double s = 2 * std::sqrt(1 + trace);
    q = {s / 4, (y[2] - z[1]) / s, (z[0] - x[2]) / s, (x[1] - y[0]) / s};
  } else if (r00 > r11 && r00 > r22) {
    const double s = 2 * std::sqrt(1 + r00 - r11 - r22);
    q = {(y[2] - z[1]) / s, s / 4, (y[0] + x[1]) / s, (z[0] + x[2]) / s};
  } else if (r11 > r22) {
    const double s = 2 * std::sqrt(1 + r11 - r00 - r22);
    q = {(z[0] - x[2]) / s, (y[0] + x[1]) / s, s / 4, (z[1] + y[2]) / s};
  } else {
    const double s = 2 * std::sqrt(1 + r22 - r00 - r11);
    q = {(x[1] - y[0]) / s, (z[0] + x[2]) / s, (z[1] + y[2]) / s, s / 4};
  }
  return Normalized(q);
}

Vec3 Rotate(const Quat& q, const Vec3& v) {
  const Quat p{0, v[0], v[1], v[2]};
  const Quat r = QuatMul(QuatMul(q, p), Conjugate(q));
  return {r[1], r[2], r[3]};
}

double YawOf(const Quat& q) {
  const Vec3 x = Rotate(q, {1, 0, 0});
  return std::atan2(x[1], x[0]);
}

double FoldAngle(double angle, double period, double centre) {
  return centre + std::remainder(angle - centre, period);
}

}  // namespace gauntlet::policies::scripted::dualarm
