// The arm's kinematics are the Franka Panda's: the hand (flange) pose from our
// MJCF equals the published modified Denavit-Hartenberg chain, and the joint
// limits and start configuration are the published / LIBERO values.
#include "envs/robots/panda_robot.h"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <random>

#include "tests/envs/env_fixture.h"

namespace gauntlet::envs::tabletop {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Franka's modified DH parameters (a, d, alpha) per joint, then the flange.
const double kDh[8][3] = {{0, 0.333, 0},           {0, 0, -kPi / 2},     {0, 0.316, kPi / 2},
                          {0.0825, 0, kPi / 2},    {-0.0825, 0.384, -kPi / 2}, {0, 0, kPi / 2},
                          {0.088, 0, kPi / 2},     {0, 0.107, 0}};

Eigen::Matrix4d DhFlange(const std::array<double, 7>& q) {
  Eigen::Matrix4d t = Eigen::Matrix4d::Identity();
  for (int i = 0; i < 8; ++i) {
    const double a = kDh[i][0], d = kDh[i][1], alpha = kDh[i][2], theta = i < 7 ? q[i] : 0;
    Eigen::Matrix4d rx = Eigen::Matrix4d::Identity(), tx = Eigen::Matrix4d::Identity();
    Eigen::Matrix4d rz = Eigen::Matrix4d::Identity(), tz = Eigen::Matrix4d::Identity();
    rx.block<3, 3>(0, 0) = Eigen::AngleAxisd(alpha, Eigen::Vector3d::UnitX()).toRotationMatrix();
    tx(0, 3) = a;
    rz.block<3, 3>(0, 0) = Eigen::AngleAxisd(theta, Eigen::Vector3d::UnitZ()).toRotationMatrix();
    tz(2, 3) = d;
    t = t * rx * tx * rz * tz;
  }
  return t;
}

TEST(PandaRobot, HandPoseMatchesPublishedKinematics) {
  auto env = gauntlet::testing::SpatialEnv(2);
  const mjModel* m = env->model();
  mjData* d = env->data();
  const int base = mj_name2id(m, mjOBJ_BODY, "robot0_link0");
  const int hand = mj_name2id(m, mjOBJ_BODY, kHandBody);
  std::mt19937_64 rng(1);
  for (int trial = 0; trial < 20; ++trial) {
    std::array<double, 7> q;
    for (int i = 0; i < 7; ++i) {
      const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;
      q[i] = PandaSpec::kJointLow[i] + u * (PandaSpec::kJointHigh[i] - PandaSpec::kJointLow[i]);
      d->qpos[m->jnt_qposadr[mj_name2id(m, mjOBJ_JOINT, ArmJointName(i))]] = q[i];
    }
    mj_kinematics(m, d);
    const Eigen::Matrix4d flange = DhFlange(q);
    for (int k = 0; k < 3; ++k) {
      EXPECT_NEAR(d->xpos[3 * hand + k] - d->xpos[3 * base + k], flange(k, 3), 1e-9) << "trial " << trial;
    }
    // The hand is the flange turned by -45 degrees about its z axis (Franka's hand mount).
    Eigen::Map<const Eigen::Matrix<double, 3, 3, Eigen::RowMajor>> r(d->xmat + 9 * hand);
    const Eigen::Matrix3d mount = Eigen::AngleAxisd(-kPi / 4, Eigen::Vector3d::UnitZ()).toRotationMatrix();
    EXPECT_LT((Eigen::Matrix3d(r) - flange.block<3, 3>(0, 0) * mount).norm(), 1e-9) << "trial " << trial;
  }
}

TEST(PandaRobot, JointLimitsAndStartConfiguration) {
  auto env = gauntlet::testing::SpatialEnv(2);
  const mjModel* m = env->model();
  for (int i = 0; i < 7; ++i) {
    const int j = mj_name2id(m, mjOBJ_JOINT, ArmJointName(i));
    EXPECT_EQ(m->jnt_limited[j], 1);
    EXPECT_DOUBLE_EQ(m->jnt_range[2 * j], PandaSpec::kJointLow[i]);
    EXPECT_DOUBLE_EQ(m->jnt_range[2 * j + 1], PandaSpec::kJointHigh[i]);
  }
  ASSERT_TRUE(env->Reset(gauntlet::testing::SpatialEpisode(2, 0)).ok());
  const Observation obs = env->Observe({});
  for (int i = 0; i < 7; ++i) EXPECT_NEAR(obs.state.at("joint_pos")[i], PandaSpec::kInitQpos[i], 1e-3);
  EXPECT_NEAR(obs.state.at("gripper_qpos")[0], PandaSpec::kFingerTravel, 1e-3);
}

}  // namespace
}  // namespace gauntlet::envs::tabletop
