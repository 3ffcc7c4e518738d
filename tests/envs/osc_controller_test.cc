// The operational-space controller reaches commanded poses through the 7-d
// action interface, within stated tolerances.
#include <gtest/gtest.h>

#include <cmath>

#include "tests/envs/env_fixture.h"

namespace gauntlet {
namespace {

double Yaw(const std::array<double, 4>& q) {
  return std::atan2(2 * (q[1] * q[2] + q[0] * q[3]), 1 - 2 * (q[2] * q[2] + q[3] * q[3]));
}

TEST(OscController, ReachesCommandedPositionAndYaw) {
  auto env = testing::SpatialEnv(2);
  ASSERT_TRUE(env->Reset(testing::SpatialEpisode(2, 0)).ok());
  const PrivilegedState start = env->privileged_state();
  const std::array<double, 3> goal = {start.eef.pos[0] + 0.10, start.eef.pos[1] - 0.08,
                                      start.eef.pos[2] - 0.12};
  const double goal_yaw = Yaw(start.eef.quat) + 0.3;
  // A proportional loop on the delta interface: each step asks for the
  // remaining error (clipped to the interface's 5 cm / 0.5 rad).
  for (int step = 0; step < 40; ++step) {
    const PrivilegedState s = env->privileged_state();
    Action a(7, 0.0);
    for (int i = 0; i < 3; ++i) a[i] = std::clamp((goal[i] - s.eef.pos[i]) / 0.05, -1.0, 1.0);
    double dyaw = goal_yaw - Yaw(s.eef.quat);
    a[5] = std::clamp(dyaw / 0.5, -1.0, 1.0);
    a[6] = -1;
    StepResult r = env->Step(a);
    ASSERT_FALSE(r.diverged) << r.info;
  }
  const PrivilegedState end = env->privileged_state();
  const double err = std::hypot(end.eef.pos[0] - goal[0], end.eef.pos[1] - goal[1], end.eef.pos[2] - goal[2]);
  EXPECT_LT(err, 0.005) << "position error " << err << " m after 2 s";
  EXPECT_LT(std::abs(Yaw(end.eef.quat) - goal_yaw), 0.02);
  // The tool stays pointing down (z axis of the tool frame ~ -world z).
  const auto& q = end.eef.quat;
  const double zz = 1 - 2 * (q[1] * q[1] + q[2] * q[2]);
  EXPECT_LT(zz, -0.99);
}

TEST(OscController, ZeroActionHoldsPose) {
  auto env = testing::SpatialEnv(2);
  ASSERT_TRUE(env->Reset(testing::SpatialEpisode(2, 0)).ok());
  const auto before = env->privileged_state().eef.pos;
  for (int step = 0; step < 40; ++step) env->Step({0, 0, 0, 0, 0, 0, -1});
  const auto after = env->privileged_state().eef.pos;
  EXPECT_LT(std::hypot(after[0] - before[0], after[1] - before[1], after[2] - before[2]), 0.003);
}

TEST(OscController, ActionsAreClippedToTheInterface) {
  auto env = testing::SpatialEnv(2);
  ASSERT_TRUE(env->Reset(testing::SpatialEpisode(2, 0)).ok());
  const auto before = env->privileged_state().eef.pos;
  env->Step({50, 0, 0, 0, 0, 0, -1});  // clipped to +1 = 5 cm
  const auto after = env->privileged_state().eef.pos;
  EXPECT_LT(after[0] - before[0], 0.05);
  EXPECT_GT(after[0] - before[0], 0.005);
}

}  // namespace
}  // namespace gauntlet
