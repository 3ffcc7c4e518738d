#include "harness/rotation_conversions.h"

#include <algorithm>
#include <cmath>

namespace gauntlet {

std::array<double, 3> QuatWxyzToAxisAngle(std::array<double, 4> q) {
  const double norm = std::sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
  if (norm == 0) return {0, 0, 0};
  const double sign = q[0] < 0 ? -1.0 : 1.0;
  for (double& v : q) v *= sign / norm;
  const double s = std::sqrt(q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
  if (s < 1e-12) return {2 * q[1], 2 * q[2], 2 * q[3]};  // small angle: axis * angle ~ 2 v
  const double angle = 2 * std::atan2(s, q[0]);
  return {q[1] / s * angle, q[2] / s * angle, q[3] / s * angle};
}

std::array<double, 4> EulerXyzToQuatWxyz(double roll, double pitch, double yaw) {
  // q = q_z(yaw) * q_y(pitch) * q_x(roll)
  const double cr = std::cos(roll / 2), sr = std::sin(roll / 2);
  const double cp = std::cos(pitch / 2), sp = std::sin(pitch / 2);
  const double cy = std::cos(yaw / 2), sy = std::sin(yaw / 2);
  return {cr * cp * cy + sr * sp * sy, sr * cp * cy - cr * sp * sy, cr * sp * cy + sr * cp * sy,
          cr * cp * sy - sr * sp * cy};
}

std::array<double, 3> QuatWxyzToEulerXyz(const std::array<double, 4>& q) {
  const double w = q[0], x = q[1], y = q[2], z = q[3];
  const double roll = std::atan2(2 * (w * x + y * z), 1 - 2 * (x * x + y * y));
  const double pitch = std::asin(std::clamp(2 * (w * y - z * x), -1.0, 1.0));
  const double yaw = std::atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z));
  return {roll, pitch, yaw};
}

std::array<double, 3> EulerXyzToAxisAngle(double roll, double pitch, double yaw) {
  return QuatWxyzToAxisAngle(EulerXyzToQuatWxyz(roll, pitch, yaw));
}

std::array<double, 3> LiberoQuatToAxisAngle(const std::array<double, 4>& q) {
  const double w = std::clamp(q[0], -1.0, 1.0), sign = w < 0 ? -1.0 : 1.0;
  const double angle = 2 * std::acos(std::abs(w));
  const double s = std::sqrt(std::max(0.0, 1 - w * w));
  std::array<double, 3> aa = {0, 0, 0};
  if (s > 1e-9) {
    for (int i = 0; i < 3; ++i) aa[i] = sign * q[1 + i] / s * angle;
  }
  return aa;
}

}  // namespace gauntlet
