// Rotation formats to axis-angle: known rotations, antipodes, and the
// observation's own conversion (LIBERO's) reproduced bit for bit.
#include "harness/rotation_conversions.h"

#include <gtest/gtest.h>

#include <cmath>

#include "tests/envs/env_fixture.h"

namespace gauntlet {
namespace {

void ExpectNear(const std::array<double, 3>& got, const std::array<double, 3>& want, double tolerance = 1e-12) {
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(got[i], want[i], tolerance) << i;
}

TEST(RotationConversions, KnownRotationsAndAntipodes) {
  const double h = std::sqrt(0.5);
  ExpectNear(QuatWxyzToAxisAngle({h, 0, 0, h}), {0, 0, M_PI / 2});    // 90 degrees about z
  ExpectNear(QuatWxyzToAxisAngle({-h, 0, 0, -h}), {0, 0, M_PI / 2});  // its antipode
  ExpectNear(QuatWxyzToAxisAngle({2 * h, 0, 0, 2 * h}), {0, 0, M_PI / 2});  // not normalised
  ExpectNear(QuatWxyzToAxisAngle({0, 0, 0, 0}), {0, 0, 0});
  ExpectNear(EulerXyzToAxisAngle(0, 0, M_PI / 2), {0, 0, M_PI / 2});
  ExpectNear(EulerXyzToAxisAngle(M_PI / 3, 0, 0), {M_PI / 3, 0, 0});
  ExpectNear(LiberoQuatToAxisAngle({h, 0, 0, h}), {0, 0, M_PI / 2});
  ExpectNear(LiberoQuatToAxisAngle({-h, 0, 0, -h}), {0, 0, M_PI / 2});
  ExpectNear(LiberoQuatToAxisAngle({1, 0, 0, 0}), {0, 0, 0});
}

// PyBullet's convention (CALVIN's states): R = Rz(yaw) Ry(pitch) Rx(roll).
TEST(RotationConversions, EulerXyzQuaternionRoundTrip) {
  const double h = std::sqrt(0.5);
  const auto about_x = EulerXyzToQuatWxyz(M_PI, 0, 0);
  EXPECT_NEAR(about_x[0], 0, 1e-12);
  EXPECT_NEAR(about_x[1], 1, 1e-12);
  const auto about_z = EulerXyzToQuatWxyz(0, 0, M_PI / 2);
  EXPECT_NEAR(about_z[0], h, 1e-12);
  EXPECT_NEAR(about_z[3], h, 1e-12);
  // CALVIN's start tool orientation comes back unchanged.
  ExpectNear(QuatWxyzToEulerXyz(EulerXyzToQuatWxyz(3.09045, -0.02909, 1.50014)), {3.09045, -0.02909, 1.50014});
  ExpectNear(QuatWxyzToEulerXyz(EulerXyzToQuatWxyz(-0.4, 0.7, -2.9)), {-0.4, 0.7, -2.9});
  // Extrinsic order: roll first, then pitch about the world's y. The x axis
  // rotated by (0, pitch, yaw) = Rz(yaw) Ry(pitch) e_x.
  const auto q = EulerXyzToQuatWxyz(0.3, 0.5, 0);
  const double w = q[0], x = q[1], y = q[2], z = q[3];
  const double r20 = 2 * (x * z - w * y);  // row 2, column 0 of R
  EXPECT_NEAR(r20, -std::sin(0.5), 1e-12);
}

TEST(RotationConversions, LiberoConversionIsTheTabletopObservations) {
  auto env = testing::SpatialEnv(0);
  ASSERT_TRUE(env->Reset(testing::SpatialEpisode(0, 0)).ok());
  for (int step = 0; step < 3; ++step) {
    const Observation obs = env->Observe({{}, false});
    const std::vector<double>& q = obs.state.at("eef_quat");
    const std::array<double, 3> aa = LiberoQuatToAxisAngle({q[0], q[1], q[2], q[3]});
    EXPECT_EQ(std::vector<double>(aa.begin(), aa.end()), obs.state.at("eef_axis_angle"));  // bit for bit
    ExpectNear(QuatWxyzToAxisAngle({q[0], q[1], q[2], q[3]}), aa, 1e-9);  // acos loses digits near 0 and pi
    env->Step({0.3, -0.2, 0.1, 0.2, 0.4, -0.3, -1});
  }
}

}  // namespace
}  // namespace gauntlet
