// The dual-arm family's kinematics: each arm's chain is the one its URDF
// publishes (checked against the URDF numbers typed here again, and for the
// ARX-X5 against the offsets summed by hand), the Jacobian is the derivative
// of the forward kinematics, IK round-trips, fails loudly off the workspace,
// and every embodiment's arms reach the table with a top-down-ish grasp.
#include "envs/dualarm/arm_kinematics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <random>
#include <vector>

#include "envs/dualarm/embodiment.h"

namespace gauntlet::envs::dualarm {
namespace {

struct UrdfJoint {
  double xyz[3];
  double rpy[3];
  double axis[3];
};

// Composes a URDF chain at joint values q: the textbook reading of <origin>
// and <axis>, written independently of arm_kinematics.cc.
Eigen::Isometry3d ComposeUrdf(const std::vector<UrdfJoint>& chain, const ArmJoints& q, const Eigen::Vector3d& tcp) {
  Eigen::Isometry3d t = Eigen::Isometry3d::Identity();
  for (std::size_t i = 0; i < chain.size(); ++i) {
    const UrdfJoint& j = chain[i];
    Eigen::Isometry3d origin = Eigen::Isometry3d::Identity();
    origin.translate(Eigen::Vector3d(j.xyz[0], j.xyz[1], j.xyz[2]));
    origin.rotate(Eigen::AngleAxisd(j.rpy[2], Eigen::Vector3d::UnitZ()));
    origin.rotate(Eigen::AngleAxisd(j.rpy[1], Eigen::Vector3d::UnitY()));
    origin.rotate(Eigen::AngleAxisd(j.rpy[0], Eigen::Vector3d::UnitX()));
    t = t * origin * Eigen::AngleAxisd(q[i], Eigen::Vector3d(j.axis[0], j.axis[1], j.axis[2]));
  }
  return t * Eigen::Translation3d(tcp);
}

// agilexrobotics/Piper_ros piper_description.urdf, joint1..joint6.
const std::vector<UrdfJoint> kPiperUrdf = {
    {{0, 0, 0.123}, {0, 0, -1.5708}, {0, 0, 1}},
    {{0, 0, 0}, {1.5708, -0.10095, -1.5708}, {0, 0, 1}},
    {{0.28503, 0, 0}, {0, 0, 1.3826}, {0, 0, 1}},
    {{0.021984, 0.25075, 0}, {-1.5708, 0, 0}, {0, 0, -1}},
    {{0, 0, 0}, {1.5708, -0.087266, 0}, {0, 0, 1}},
    {{0, 0.091, 0.0014165}, {-1.5708, -1.5708, 0}, {0, 0, -1}},
};
// ARX's arx5.urdf, joint1..joint6.
const std::vector<UrdfJoint> kArx5Urdf = {
    {{0, 0, 0.0605}, {0, 0, 0}, {0, 0, 1}},          {{0.02, 0, 0.04}, {0, 0, 0}, {0, 1, 0}},
    {{-0.264, 0, 0}, {3.1416, 0, 0}, {0, 1, 0}},     {{0.245, 0, -0.056}, {0, 0, 0}, {0, 1, 0}},
    {{0.06775, 0.0005, -0.0865}, {0, 0, 0}, {0, 0, 1}}, {{0.02895, 0, 0.0865}, {-3.1416, 0, 0}, {1, 0, 0}},
};
// RoboTwin's aloha-agilex arx5_description_isaac.urdf, fl_joint1..fl_joint6.
const std::vector<UrdfJoint> kAlohaUrdf = {
    {{0, 0, 0.058}, {0, 0, 0}, {0, 0, 1}},
    {{0.025013, 0.00060169, 0.042}, {0, 0, 0}, {0, 1, 0}},
    {{-0.26396, 0.0044548, 0}, {-3.1416, 0, -0.015928}, {0, 1, 0}},
    {{0.246, -0.00025, -0.06}, {0, 0, 0}, {0, 1, 0}},
    {{0.06775, 0.0015, -0.0855}, {0, 0, -0.015928}, {0, 0, 1}},
    {{0.03095, 0, 0.0855}, {-3.1416, 0, 0}, {1, 0, 0}},
};

ArmJoints RandomJoints(const ArmSpec& arm, std::mt19937_64& rng) {
  ArmJoints q;
  for (int i = 0; i < 6; ++i) {
    q[i] = std::uniform_real_distribution<double>(arm.joints[i].lower, arm.joints[i].upper)(rng);
  }
  return q;
}

double AngleBetween(const Eigen::Matrix3d& a, const Eigen::Matrix3d& b) {
  return std::abs(Eigen::AngleAxisd(a * b.transpose()).angle());
}

std::vector<ArmSpec> AllArms() { return {AlohaAgilexArm(), ArxX5Arm(), PiperArm()}; }

TEST(DualarmKinematics, ArxX5ZeroConfigurationIsTheSumOfItsOffsets) {
  // At zero the X5 folds flat: link 3 is flipped half a turn about x (its y
  // and z reversed) until joint 6 flips it back, so the offsets of joints 4
  // and 5 enter with y and z negated and the gripper centre points along +x.
  const double x = 0.02 - 0.264 + 0.245 + 0.06775 + 0.02895 + 0.145;
  const double y = -0.0005;
  const double z = 0.0605 + 0.04 + 0.056 - 0.0865 + 0.0865;
  const Eigen::Isometry3d tcp = TcpTransform(ArxX5Arm(), Eigen::Isometry3d::Identity(), ArmJoints{});
  // 3.1416 is pi to 7e-6 rad: a few micrometres over these lever arms.
  EXPECT_NEAR(tcp.translation().x(), x, 1e-5);
  EXPECT_NEAR(tcp.translation().y(), y, 1e-5);
  EXPECT_NEAR(tcp.translation().z(), z, 1e-5);
  EXPECT_LT(AngleBetween(tcp.linear(), Eigen::Matrix3d::Identity()), 1e-5);
}

TEST(DualarmKinematics, EveryArmFollowsItsPublishedUrdfChain) {
  struct Case {
    ArmSpec arm;
    const std::vector<UrdfJoint>* urdf;
    Eigen::Vector3d tcp;              // the gripper centre in link 6, as published
    Eigen::Vector3d approach_in_link6;  // the axis the gripper points along
  };
  const Case cases[] = {{ArxX5Arm(), &kArx5Urdf, {0.145, 0, 0}, Eigen::Vector3d::UnitX()},
                        {PiperArm(), &kPiperUrdf, {0, 0, 0.13503}, Eigen::Vector3d::UnitZ()},
                        {AlohaAgilexArm(), &kAlohaUrdf, {0.12, 0, 0}, Eigen::Vector3d::UnitX()}};
  std::mt19937_64 rng(7);
  for (const Case& c : cases) {
    for (int trial = 0; trial < 50; ++trial) {
      const ArmJoints q = trial == 0 ? ArmJoints{} : RandomJoints(c.arm, rng);
      const Eigen::Isometry3d expected = ComposeUrdf(*c.urdf, q, c.tcp);
      const ArmFrames frames = ComputeArmFrames(c.arm, Eigen::Isometry3d::Identity(), q);
      EXPECT_LT((frames.tcp.translation() - expected.translation()).norm(), 1e-12) << c.arm.name << " trial " << trial;
      // The TCP frame's x is the gripper's approach axis.
      EXPECT_LT((frames.tcp.linear().col(0) - expected.linear() * c.approach_in_link6).norm(), 1e-12) << c.arm.name;
      EXPECT_LT(AngleBetween(frames.links[5].linear(), expected.linear()), 1e-12) << c.arm.name;
    }
  }
}

TEST(DualarmKinematics, PublishedJointLimits) {
  const ArmSpec piper = PiperArm(), arx = ArxX5Arm();
  const double piper_limits[6][2] = {{-2.618, 2.618}, {0, 3.14}, {-2.967, 0}, {-1.832, 1.832}, {-1.22, 1.22}, {-3.14, 3.14}};
  const double arx_limits[6][2] = {{-2.87, 3.14}, {0, 3.66}, {0, 3.14}, {-1.57, 1.57}, {-1.57, 1.57}, {-1.57, 1.57}};
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(piper.joints[i].lower, piper_limits[i][0]);
    EXPECT_EQ(piper.joints[i].upper, piper_limits[i][1]);
    EXPECT_EQ(arx.joints[i].lower, arx_limits[i][0]);
    EXPECT_EQ(arx.joints[i].upper, arx_limits[i][1]);
  }
  EXPECT_EQ(piper.finger_travel, 0.038);
  EXPECT_EQ(arx.finger_travel, 0.044);
}

TEST(DualarmKinematics, JacobianIsTheDerivativeOfTheTcpPose) {
  std::mt19937_64 rng(11);
  const double h = 1e-6;
  for (const ArmSpec& arm : AllArms()) {
    for (int trial = 0; trial < 10; ++trial) {
      const ArmJoints q = RandomJoints(arm, rng);
      const Eigen::Isometry3d base = ToIsometry(Pose{{0.1, -0.4, 0.75}, {0.7071068, 0, 0, 0.7071068}});
      const auto jac = TcpJacobian(arm, base, q);
      const Eigen::Isometry3d t0 = TcpTransform(arm, base, q);
      for (int i = 0; i < 6; ++i) {
        ArmJoints qh = q;
        qh[i] += h;
        const Eigen::Isometry3d t1 = TcpTransform(arm, base, qh);
        const Eigen::Vector3d linear = (t1.translation() - t0.translation()) / h;
        const Eigen::AngleAxisd turn(t1.linear() * t0.linear().transpose());
        const Eigen::Vector3d angular = turn.angle() * turn.axis() / h;
        EXPECT_LT((linear - jac.block<3, 1>(0, i)).norm(), 1e-5) << arm.name << " joint " << i + 1;
        EXPECT_LT((angular - jac.block<3, 1>(3, i)).norm(), 1e-5) << arm.name << " joint " << i + 1;
      }
    }
  }
}

// Random configurations within the limits -> FK -> IK from a seed 0.3 rad
// away per joint -> FK again: the pose comes back within 1 mm / 0.01 rad.
TEST(DualarmKinematics, IkRoundTripsFromPerturbedSeeds) {
  constexpr int kSamples = 100;
  for (const ArmSpec& arm : AllArms()) {
    std::mt19937_64 rng(3);
    const Eigen::Isometry3d base = Eigen::Isometry3d::Identity();
    int solved = 0, from_seed = 0;
    long iterations = 0;
    for (int k = 0; k < kSamples; ++k) {
      const ArmJoints q = RandomJoints(arm, rng);
      ArmJoints seed = q;
      for (double& v : seed) v += std::uniform_real_distribution<double>(-0.3, 0.3)(rng);
      const Eigen::Isometry3d target = TcpTransform(arm, base, q);
      const auto solution = SolveIk(arm, base, ToPose(target), seed);
      if (!solution.ok()) continue;
      const IkSolution& s = solution.value();
      EXPECT_TRUE(WithinLimits(arm, s.q)) << arm.name;
      const Eigen::Isometry3d reached = TcpTransform(arm, base, s.q);
      EXPECT_LT((reached.translation() - target.translation()).norm(), 1e-3) << arm.name;
      EXPECT_LT(AngleBetween(reached.linear(), target.linear()), 0.01) << arm.name;
      ++solved;
      from_seed += s.attempts == 1;
      iterations += s.iterations;
    }
    std::cout << "[ IK round trip ] " << arm.name << ": " << solved << "/" << kSamples << " solved, " << from_seed
              << " from the caller's seed, " << static_cast<double>(iterations) / std::max(solved, 1)
              << " iterations on average\n";
    EXPECT_GE(solved, 98) << arm.name;
  }
}

TEST(DualarmKinematics, PositionOnlyIkReachesPositions) {
  for (const ArmSpec& arm : AllArms()) {
    std::mt19937_64 rng(5);
    IkOptions options;
    options.position_only = true;
    int solved = 0;
    for (int k = 0; k < 50; ++k) {
      const Eigen::Vector3d target = TcpTransform(arm, Eigen::Isometry3d::Identity(), RandomJoints(arm, rng)).translation();
      // Any orientation in the target is ignored.
      const auto s = SolveIk(arm, Eigen::Isometry3d::Identity(), Pose{{target.x(), target.y(), target.z()}, {0, 0, 0, 0}},
                             ArmJoints{}, options);
      if (!s.ok()) continue;
      ++solved;
      const Eigen::Vector3d reached = TcpTransform(arm, Eigen::Isometry3d::Identity(), s.value().q).translation();
      EXPECT_LT((reached - target).norm(), 1e-3) << arm.name;
    }
    EXPECT_GE(solved, 49) << arm.name;
  }
}

TEST(DualarmKinematics, IkNamesTheArmAndResidualForUnreachableTargets) {
  const auto far = SolveIk(PiperArm(), Eigen::Isometry3d::Identity(), Pose{{2.0, 0, 0.2}, {1, 0, 0, 0}}, ArmJoints{});
  ASSERT_FALSE(far.ok());
  EXPECT_NE(far.error().message.find("'piper'"), std::string::npos) << far.error().message;
  EXPECT_NE(far.error().message.find("smallest residual"), std::string::npos) << far.error().message;
  const auto zero_quat = SolveIk(PiperArm(), Eigen::Isometry3d::Identity(), Pose{{0.2, 0, 0.2}, {0, 0, 0, 0}}, ArmJoints{});
  ASSERT_FALSE(zero_quat.ok());
  EXPECT_NE(zero_quat.error().message.find("quaternion"), std::string::npos) << zero_quat.error().message;
}

TEST(DualarmKinematics, SymmetricFingersAcceptTheSwappedGrasp) {
  // The X5's wrist roll spans only +-1.57: a grasp needing the roll at ~2.9
  // is out of reach, the same grasp with the fingers swapped is not.
  const ArmSpec arm = ArxX5Arm();
  const ArmJoints q = {0.3, 1.5, 1.2, -0.4, 0.2, 1.5};
  Eigen::Isometry3d target = TcpTransform(arm, Eigen::Isometry3d::Identity(), q);
  target = target * Eigen::AngleAxisd(3.14159265358979, Eigen::Vector3d::UnitX());
  ASSERT_FALSE(SolveIk(arm, Eigen::Isometry3d::Identity(), ToPose(target), q).ok());
  IkOptions options;
  options.symmetric_fingers = true;
  const auto s = SolveIk(arm, Eigen::Isometry3d::Identity(), ToPose(target), q, options);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_TRUE(s.value().fingers_swapped);
  const Eigen::Isometry3d reached = TcpTransform(arm, Eigen::Isometry3d::Identity(), s.value().q);
  EXPECT_LT((reached.translation() - target.translation()).norm(), 1e-3);
  EXPECT_LT((reached.linear().col(0) - target.linear().col(0)).norm(), 1e-2);  // same approach axis
}

// A grasp pointing down, tilted `tilt` radians from vertical away from the
// arm's base (how an arm reaches the far side of a table), fingers level.
Pose TopDownGrasp(const Pose& base, const Eigen::Vector3d& point, double tilt) {
  Eigen::Vector3d out(point.x() - base.position[0], point.y() - base.position[1], 0);
  out.normalize();
  const Eigen::Vector3d approach = std::sin(tilt) * out - std::cos(tilt) * Eigen::Vector3d::UnitZ();
  const Eigen::Vector3d fingers = Eigen::Vector3d::UnitZ().cross(out).normalized();
  Eigen::Isometry3d t = Eigen::Isometry3d::Identity();
  t.linear().col(0) = approach;
  t.linear().col(1) = fingers;
  t.linear().col(2) = approach.cross(fingers);
  t.translation() = point;
  return ToPose(t);
}

// Points over the table region (x in [-0.3, 0.3], y in [-0.2, 0.2], z 0.80)
// reached by the arm on their side (both arms at x = 0) with a top-down grasp
// tilted at most 0.9 rad: the most vertical of 0, 0.3, 0.6, 0.9 that IK
// solves from the home configuration is reported.
TEST(DualarmKinematics, EveryEmbodimentReachesTheTableTopDown) {
  const double tilts[] = {0, 0.3, 0.6, 0.9};
  for (const std::string& name : EmbodimentNames()) {
    const EmbodimentSpec e = FindEmbodiment(name).value();
    int points = 0, straight_down = 0, restarted = 0;
    long iterations = 0, solves = 0;
    std::string unreachable, tilted;
    for (int ix = -2; ix <= 2; ++ix) {
      for (int iy = -2; iy <= 2; ++iy) {
        const Eigen::Vector3d point(0.15 * ix, 0.1 * iy, 0.80);
        for (Side side : kSides) {
          if ((side == Side::kLeft && ix > 0) || (side == Side::kRight && ix < 0)) continue;
          const ArmMount& mount = e.mount(side);
          IkOptions options;
          options.symmetric_fingers = true;
          double used = -1;
          for (double tilt : tilts) {
            const auto s = SolveIk(mount.arm, ToIsometry(mount.base), TopDownGrasp(mount.base, point, tilt), mount.home,
                                   options);
            if (s.ok()) {
              used = tilt;
              iterations += s.value().iterations;
              restarted += s.value().attempts > 1;
              ++solves;
              break;
            }
          }
          ++points;
          const std::string where = std::string(SideName(side)) + "(" + std::to_string(point.x()).substr(0, 5) + ", " +
                                    std::to_string(point.y()).substr(0, 5) + ") ";
          if (used < 0) unreachable += where;
          else if (used == 0) ++straight_down;
          else tilted += where + "tilt " + std::to_string(used).substr(0, 3) + "; ";
        }
      }
    }
    std::cout << "[ table reach ] " << name << ": " << points << " arm-point pairs, " << straight_down
              << " straight down, " << static_cast<double>(iterations) / std::max(solves, 1L)
              << " iterations per solve, " << restarted << " solves needed a fixed restart seed; tilted: " << tilted
              << "\n";
    EXPECT_TRUE(unreachable.empty()) << name << " cannot reach: " << unreachable;
  }
}

}  // namespace
}  // namespace gauntlet::envs::dualarm
