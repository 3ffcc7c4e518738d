// Conversions between rotation formats (RotationFormat, action.h), shared by
// the families' observations and the policies' adapters.
//
// Antipodal quaternions (q and -q) are one rotation; the conversions to
// axis-angle pick w >= 0 so the angle is at most pi, which is what the
// tabletop controller expects (allenai's harness measured 14-40 point swings
// on LIBERO from getting this wrong).
#pragma once

#include <array>

namespace gauntlet {

// Any non-zero quaternion (normalised first); zero gives no rotation.
std::array<double, 3> QuatWxyzToAxisAngle(std::array<double, 4> q);
// Extrinsic x-y-z (roll about x, then pitch about y, then yaw about z).
std::array<double, 3> EulerXyzToAxisAngle(double roll, double pitch, double yaw);

// Extrinsic x-y-z euler angles <-> unit quaternion (w, x, y, z), as PyBullet's
// getQuaternionFromEuler / getEulerFromQuaternion (CALVIN's robot and scene
// state): R = Rz(yaw) Ry(pitch) Rx(roll); pitch in [-pi/2, pi/2].
std::array<double, 4> EulerXyzToQuatWxyz(double roll, double pitch, double yaw);
std::array<double, 3> QuatWxyzToEulerXyz(const std::array<double, 4>& q);

// A unit quaternion as LIBERO's observation writes it (robosuite's
// quat2axisangle: angle 2 acos(w) with w clamped, zero below a 1e-9 sine,
// here folded to w >= 0): bit for bit what the tabletop family's
// `eef_axis_angle` state holds. QuatWxyzToAxisAngle agrees to rounding.
std::array<double, 3> LiberoQuatToAxisAngle(const std::array<double, 4>& q);

}  // namespace gauntlet
