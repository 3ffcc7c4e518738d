// Rotation formats a policy may emit, converted to the axis-angle vector the
// tabletop controller takes. Antipodal quaternions (q and -q) are one
// rotation; the conversion picks w >= 0 so the angle is at most pi, which is
// what the controller expects (allenai's harness measured 14-40 point
// swings on LIBERO from getting this wrong).
#pragma once

#include <array>

namespace gauntlet::policies {

std::array<double, 3> QuatWxyzToAxisAngle(std::array<double, 4> q);
// Extrinsic x-y-z (roll about x, then pitch about y, then yaw about z).
std::array<double, 3> EulerXyzToAxisAngle(double roll, double pitch, double yaw);

}  // namespace gauntlet::policies
