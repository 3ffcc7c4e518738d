// The dual-arm embodiments as compiled MuJoCo models: the MJCF puts every
// TCP where the arm's published chain (arm_kinematics) says, the servos hold
// and track joint targets, the grippers open and close to their commanded
// widths, and the head camera looks at the table.
#include "envs/dualarm/embodiment.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "envs/dualarm/embodiment_mjcf.h"
#include "envs/mujoco_state.h"

namespace gauntlet::envs::dualarm {
namespace {

struct Compiled {
  EmbodimentSpec spec;
  ModelPtr model;
  DataPtr data;
};

Compiled Compile(const std::string& name) {
  Compiled c{FindEmbodiment(name).value(), nullptr, nullptr};
  auto model = CompileStandaloneEmbodiment(c.spec);
  if (!model.ok()) ADD_FAILURE() << model.error().message;
  c.model = std::move(model).value();
  c.data = MakeData(c.model.get());
  return c;
}

int Id(const mjModel* m, mjtObj type, const std::string& name) {
  const int id = mj_name2id(m, type, name.c_str());
  EXPECT_GE(id, 0) << "no " << name << " in the compiled model";
  return id;
}

int QposOf(const mjModel* m, const std::string& joint) { return m->jnt_qposadr[Id(m, mjOBJ_JOINT, joint)]; }

Eigen::Matrix3d RowMajor(const double* mat) {
  return Eigen::Map<const Eigen::Matrix<double, 3, 3, Eigen::RowMajor>>(mat);
}

TEST(DualarmEmbodiment, NamesAndLookup) {
  EXPECT_EQ(EmbodimentNames(), (std::vector<std::string>{"aloha", "arx5", "piper"}));
  for (const std::string& name : EmbodimentNames()) {
    const auto e = FindEmbodiment(name);
    ASSERT_TRUE(e.ok()) << e.error().message;
    EXPECT_EQ(e.value().name, name);
  }
  const auto unknown = FindEmbodiment("franka-panda");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("'franka-panda'"), std::string::npos) << unknown.error().message;
  EXPECT_NE(unknown.error().message.find("aloha, arx5, piper"), std::string::npos) << unknown.error().message;
}

TEST(DualarmEmbodiment, MountsFollowRoboTwin) {
  const EmbodimentSpec aloha = FindEmbodiment("aloha").value();
  // The footprint at (0, -0.65, 0) turned +90 degrees about z carries the arm
  // bases at (0.2305, 0.297, 0.782) and (0.2315, -0.3063, 0.781).
  EXPECT_NEAR(aloha.left.base.position[0], -0.297, 1e-9);
  EXPECT_NEAR(aloha.left.base.position[1], -0.65 + 0.2305, 1e-9);
  EXPECT_NEAR(aloha.left.base.position[2], 0.782, 1e-9);
  EXPECT_NEAR(aloha.right.base.position[0], 0.3063, 1e-9);
  EXPECT_NEAR(aloha.right.base.position[1], -0.65 + 0.2315, 1e-9);
  EXPECT_NEAR(aloha.gripper.closed_target, -0.01, 1e-12);
  EXPECT_NEAR(aloha.gripper.open_target, 0.045, 1e-12);
  EXPECT_NEAR(aloha.gripper.FingerTarget(0.5), 0.0175, 1e-12);
  for (const char* name : {"arx5", "piper"}) {
    const EmbodimentSpec e = FindEmbodiment(name).value();
    // dis = 0.6: the one robot pose shifted by -+0.3 in x.
    EXPECT_NEAR(e.right.base.position[0] - e.left.base.position[0], 0.6, 1e-12) << name;
    EXPECT_NEAR(e.right.base.position[0] + e.left.base.position[0], 0, 1e-12) << name;
    EXPECT_EQ(e.left.arm.name, name);
    EXPECT_NEAR(e.gripper.open_target, e.left.arm.finger_travel, 1e-12) << name;
  }
  for (const std::string& name : EmbodimentNames()) {
    const EmbodimentSpec e = FindEmbodiment(name).value();
    // Every arm faces +y (away from the robot): at home its gripper points there.
    for (Side side : kSides) {
      const Eigen::Isometry3d tcp = TcpTransform(e.mount(side).arm, ToIsometry(e.mount(side).base), e.mount(side).home);
      EXPECT_GT(tcp.linear().col(0).y(), 0.99) << name << " " << SideName(side);
      EXPECT_TRUE(WithinLimits(e.mount(side).arm, e.mount(side).home)) << name;
    }
    EXPECT_EQ(e.head.fovy_deg, 37);
    EXPECT_EQ(e.image_width, 320);
    EXPECT_EQ(e.image_height, 240);
  }
}

// MuJoCo's TCP sites equal arm_kinematics' FK on 50 random configurations
// per arm: the MJCF encodes the published chain exactly.
TEST(DualarmEmbodiment, CompiledTcpSitesMatchTheKinematics) {
  for (const std::string& name : EmbodimentNames()) {
    Compiled c = Compile(name);
    ASSERT_TRUE(c.model);
    const mjModel* m = c.model.get();
    mjData* d = c.data.get();
    std::mt19937_64 rng(21);
    for (Side side : kSides) {
      const ArmMount& mount = c.spec.mount(side);
      const int site = Id(m, mjOBJ_SITE, TcpSiteName(side));
      double worst_position = 0, worst_angle = 0;
      for (int trial = 0; trial < 50; ++trial) {
        ArmJoints q;
        for (int i = 0; i < 6; ++i) {
          const JointSpec& j = mount.arm.joints[i];
          q[i] = std::uniform_real_distribution<double>(j.lower, j.upper)(rng);
          d->qpos[QposOf(m, ArmJointName(side, i))] = q[i];
        }
        mj_kinematics(m, d);
        const Eigen::Isometry3d fk = TcpTransform(mount.arm, ToIsometry(mount.base), q);
        const Eigen::Vector3d position(d->site_xpos[3 * site], d->site_xpos[3 * site + 1], d->site_xpos[3 * site + 2]);
        worst_position = std::max(worst_position, (position - fk.translation()).norm());
        worst_angle = std::max(worst_angle,
                               std::abs(Eigen::AngleAxisd(RowMajor(d->site_xmat + 9 * site) * fk.linear().transpose()).angle()));
      }
      EXPECT_LT(worst_position, 1e-6) << name << " " << SideName(side);
      EXPECT_LT(worst_angle, 1e-6) << name << " " << SideName(side);
    }
  }
}

TEST(DualarmEmbodiment, ActuatorsFollowTheActionOrder) {
  Compiled c = Compile("aloha");
  const mjModel* m = c.model.get();
  ASSERT_EQ(m->nu, 14);
  int index = 0;
  for (Side side : kSides) {
    for (int i = 0; i < 6; ++i) {
      EXPECT_EQ(mj_name2id(m, mjOBJ_ACTUATOR, ArmActuatorName(side, i).c_str()), index++);
    }
    const int gripper = mj_name2id(m, mjOBJ_ACTUATOR, GripperActuatorName(side).c_str());
    EXPECT_EQ(gripper, index++);
    EXPECT_NEAR(m->actuator_ctrlrange[2 * gripper], -0.01, 1e-12);
    EXPECT_NEAR(m->actuator_ctrlrange[2 * gripper + 1], 0.045, 1e-12);
  }
  for (Side side : kSides) {
    EXPECT_GE(mj_name2id(m, mjOBJ_CAMERA, WristCameraName(side).c_str()), 0);
  }
  EXPECT_GE(mj_name2id(m, mjOBJ_CAMERA, kHeadCamera), 0);
}

// Steps the standalone model with the arm servos holding `arm_targets` (both
// arms) and the grippers commanded to `g`.
void Hold(Compiled& c, const ArmJoints& arm_targets, double g, double seconds) {
  const mjModel* m = c.model.get();
  mjData* d = c.data.get();
  for (Side side : kSides) {
    for (int i = 0; i < 6; ++i) d->ctrl[Id(m, mjOBJ_ACTUATOR, ArmActuatorName(side, i))] = arm_targets[i];
    d->ctrl[Id(m, mjOBJ_ACTUATOR, GripperActuatorName(side))] = c.spec.gripper.FingerTarget(g);
  }
  const int steps = static_cast<int>(seconds / m->opt.timestep);
  for (int s = 0; s < steps; ++s) mj_step(m, d);
}

TEST(DualarmEmbodiment, FingerServosOpenAndCloseTheGripper) {
  for (const std::string& name : EmbodimentNames()) {
    Compiled c = Compile(name);
    ASSERT_TRUE(c.model);
    const mjModel* m = c.model.get();
    mjData* d = c.data.get();
    const ArmJoints home = c.spec.left.home;
    Hold(c, home, 1.0, 1.0);
    const double travel = c.spec.left.arm.finger_travel;
    for (Side side : kSides) {
      for (int finger = 0; finger < 2; ++finger) {
        // Open: the target sits at the travel's end (the joint's limit).
        EXPECT_NEAR(d->qpos[QposOf(m, FingerJointName(side, finger))], travel, 1e-3)
            << name << " " << FingerJointName(side, finger) << " open";
      }
    }
    Hold(c, home, 0.5, 1.0);
    for (Side side : kSides) {
      for (int finger = 0; finger < 2; ++finger) {
        EXPECT_NEAR(d->qpos[QposOf(m, FingerJointName(side, finger))], c.spec.gripper.FingerTarget(0.5), 1e-3)
            << name << " " << FingerJointName(side, finger) << " half";
      }
    }
    Hold(c, home, 0.0, 1.0);
    for (Side side : kSides) {
      for (int finger = 0; finger < 2; ++finger) {
        EXPECT_NEAR(d->qpos[QposOf(m, FingerJointName(side, finger))], 0, 1e-3)
            << name << " " << FingerJointName(side, finger) << " closed";
      }
    }
    EXPECT_EQ(DivergenceWarnings(d), 0) << name << ": " << DivergenceReason(d);
  }
}

// Position servos with RoboTwin's stiffness and damping bring the arms to a
// reaching pose (gravity sags them only slightly) without diverging.
TEST(DualarmEmbodiment, ArmServosReachJointTargets) {
  for (const std::string& name : EmbodimentNames()) {
    Compiled c = Compile(name);
    ASSERT_TRUE(c.model);
    const mjModel* m = c.model.get();
    mjData* d = c.data.get();
    const ArmSpec& arm = c.spec.left.arm;
    ArmJoints target;  // a third of the way through every joint's range
    for (int i = 0; i < 6; ++i) target[i] = arm.joints[i].lower + (arm.joints[i].upper - arm.joints[i].lower) / 3;
    Hold(c, target, 1.0, 2.0);
    double worst = 0;
    for (Side side : kSides) {
      for (int i = 0; i < 6; ++i) {
        worst = std::max(worst, std::abs(d->qpos[QposOf(m, ArmJointName(side, i))] - target[i]));
      }
    }
    std::cout << "[ servo hold ] " << name << ": largest joint error after 2 s " << worst << " rad\n";
    EXPECT_LT(worst, 0.02) << name;
    EXPECT_EQ(DivergenceWarnings(d), 0) << name << ": " << DivergenceReason(d);
  }
}

// The head camera, where the compiled model puts it, sees the middle of the
// table: x in [-0.2, 0.2], y in [-0.2, 0.2], from the table top z = 0.74 to
// 0.80, inside its 37 degree vertical and 4:3 horizontal field of view.
// RoboTwin's view is that narrow: from (-0.032, -0.45, 1.35) it spans about
// x in [-0.29, 0.23] at y = -0.2 and [-0.35, 0.28] at y = 0 (z = 0.8).
TEST(DualarmEmbodiment, HeadCameraSeesTheTableRegion) {
  for (const std::string& name : EmbodimentNames()) {
    Compiled c = Compile(name);
    ASSERT_TRUE(c.model);
    const mjModel* m = c.model.get();
    mjData* d = c.data.get();
    mj_kinematics(m, d);
    mj_camlight(m, d);
    const int cam = Id(m, mjOBJ_CAMERA, kHeadCamera);
    EXPECT_NEAR(m->cam_fovy[cam], 37, 1e-9);
    const Eigen::Vector3d position(d->cam_xpos[3 * cam], d->cam_xpos[3 * cam + 1], d->cam_xpos[3 * cam + 2]);
    const Eigen::Matrix3d r = RowMajor(d->cam_xmat + 9 * cam);
    EXPECT_LT((position - Eigen::Vector3d(-0.032, -0.45, 1.35)).norm(), 1e-9);
    // MuJoCo cameras look along their -z.
    EXPECT_LT((-r.col(2) - Eigen::Vector3d(0, 0.6, -0.8)).norm(), 1e-9);
    const double tan_half_v = std::tan(37.0 / 2 * M_PI / 180);
    const double tan_half_h = tan_half_v * c.spec.image_width / c.spec.image_height;
    for (double x : {-0.2, 0.0, 0.2}) {
      for (double y : {-0.2, 0.0, 0.2}) {
        for (double z : {0.74, 0.80}) {
          const Eigen::Vector3d local = r.transpose() * (Eigen::Vector3d(x, y, z) - position);
          ASSERT_LT(local.z(), 0) << name << ": point behind the camera";
          EXPECT_LT(std::abs(local.x() / -local.z()), tan_half_h) << name << " (" << x << ", " << y << ", " << z << ")";
          EXPECT_LT(std::abs(local.y() / -local.z()), tan_half_v) << name << " (" << x << ", " << y << ", " << z << ")";
        }
      }
    }
  }
}

// Each wrist camera looks past the finger pads: the point 5 cm beyond the
// TCP along the approach axis is in front of it and near the image centre.
TEST(DualarmEmbodiment, WristCamerasLookAtTheFingers) {
  for (const std::string& name : EmbodimentNames()) {
    Compiled c = Compile(name);
    ASSERT_TRUE(c.model);
    const mjModel* m = c.model.get();
    mjData* d = c.data.get();
    mj_kinematics(m, d);
    mj_camlight(m, d);
    for (Side side : kSides) {
      const int cam = Id(m, mjOBJ_CAMERA, WristCameraName(side));
      const int site = Id(m, mjOBJ_SITE, TcpSiteName(side));
      const Eigen::Matrix3d tcp = RowMajor(d->site_xmat + 9 * site);
      const Eigen::Vector3d ahead =
          Eigen::Vector3d(d->site_xpos[3 * site], d->site_xpos[3 * site + 1], d->site_xpos[3 * site + 2]) +
          0.05 * tcp.col(0);
      const Eigen::Vector3d local = RowMajor(d->cam_xmat + 9 * cam).transpose() *
                                    (ahead - Eigen::Vector3d(d->cam_xpos[3 * cam], d->cam_xpos[3 * cam + 1],
                                                             d->cam_xpos[3 * cam + 2]));
      ASSERT_LT(local.z(), 0) << name << " " << SideName(side);
      EXPECT_LT(std::abs(local.x() / -local.z()), 0.05) << name << " " << SideName(side);
      EXPECT_LT(std::abs(local.y() / -local.z()), std::tan(37.0 / 2 * M_PI / 180)) << name << " " << SideName(side);
    }
  }
}

}  // namespace
}  // namespace gauntlet::envs::dualarm
