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
