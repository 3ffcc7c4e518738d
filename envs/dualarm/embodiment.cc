#include "envs/dualarm/embodiment.h"

#include <cmath>

#include "harness/text_join.h"

namespace gauntlet::envs::dualarm {

namespace {

constexpr double kHalfPi = 1.57079632679489661923;

Pose YawPose(double x, double y, double z, double yaw) {
  return Pose{{x, y, z}, {std::cos(yaw / 2), 0, 0, std::sin(yaw / 2)}};
}

// RoboTwin's head camera (robotwin_family.md B.2) and D435 field of view (B.3).
FixedCameraSpec HeadCamera() { return {"head", {-0.032, -0.45, 1.35}, {0, 0.6, -0.8}, {0, 0.8, 0.6}, 37}; }

// The wrist camera sits behind and above the finger pads, pitched 30 degrees
// toward them: the D405 mount of ARX's arx5.urdf (camera_support + camera
// joints: 0.0835 m along link 6, 0.0685 m up, pitch 0.523 rad), re-expressed
// in the TCP frame and used on all three arms.
WristCameraSpec WristCamera() { return {{-0.0615, 0, 0.0685}, 0.523, 37}; }

// AgileX's aloha chassis carries both arms: RoboTwin places its footprint at
// robot_pose (0, -0.65, 0) turned 90 degrees about z (x forward -> world +y),
// and the arms' bases sit on it where arx5_description_isaac.urdf's fixed
// fl_base_joint / fr_base_joint put them (0.2305, 0.297, 0.782) yaw 0.02 and
// (0.2315, -0.3063, 0.781) yaw 0.01: 0.60 m apart, 0.78 m up, 0.23 m ahead of
// the footprint, just behind the table's front edge (y = -0.35).
EmbodimentSpec Aloha() {
  EmbodimentSpec e;
  e.name = "aloha";
  e.robotwin_name = "aloha-agilex";
  e.shared_base = true;
  e.robot_pose = YawPose(0, -0.65, 0, kHalfPi);
  const Eigen::Isometry3d robot = ToIsometry(e.robot_pose);
  const ArmSpec arm = AlohaAgilexArm();
  e.left = {arm, ToPose(robot * ToIsometry(YawPose(0.2305, 0.297, 0.782, 0.02))), {}};
  e.right = {arm, ToPose(robot * ToIsometry(YawPose(0.2315, -0.3063, 0.781, 0.01))), {}};
  e.gripper = {-0.01, 0.045};  // RoboTwin's gripper_scale for aloha-agilex
  e.head = HeadCamera();
  e.wrist = WristCamera();
  return e;
}

// RoboTwin mounts single-arm embodiments in pairs by shifting one robot_pose
// by -+dis/2 in x (envs/robot/robot.py), dis = 0.6 as in RLinf's configs.
// The single arms' robot_pose ships only in RoboTwin's asset zip; gauntlet
// puts the pair on the aloha's arm-base line (y = -0.42, 0.23 m ahead of
// RoboTwin's robot position y = -0.65) at the table's height (0.75): from
// y = -0.65 neither arm reaches the back half of the table (y > 0), where
// RoboTwin's tasks place objects (y up to 0.25).
constexpr double kPairSpacing = 0.6;
constexpr double kPairY = -0.42;
constexpr double kPairZ = 0.75;

EmbodimentSpec Pair(const std::string& name, const std::string& robotwin_name, const ArmSpec& arm) {
  EmbodimentSpec e;
  e.name = name;
  e.robotwin_name = robotwin_name;
  e.shared_base = false;
  e.robot_pose = YawPose(0, kPairY, kPairZ, kHalfPi);
  e.left = {arm, YawPose(-kPairSpacing / 2, kPairY, kPairZ, kHalfPi), {}};
  e.right = {arm, YawPose(kPairSpacing / 2, kPairY, kPairZ, kHalfPi), {}};
  // aloha-agilex's rule (a 1 cm squeeze past closed; open = the finger travel).
  e.gripper = {-0.01, arm.finger_travel};
  e.head = HeadCamera();
  e.wrist = WristCamera();
  return e;
}

}  // namespace

const char* SideName(Side side) { return side == Side::kLeft ? "left" : "right"; }

const std::vector<std::string>& EmbodimentNames() {
  static const std::vector<std::string> names = {"aloha", "arx5", "piper"};
  return names;
}

Result<EmbodimentSpec> FindEmbodiment(const std::string& name) {
  if (name == "aloha") return Aloha();
  if (name == "arx5") return Pair("arx5", "ARX-X5", ArxX5Arm());
  if (name == "piper") return Pair("piper", "piper", PiperArm());
  return Error{"unknown dual-arm embodiment '" + name + "'; known: " + JoinText(EmbodimentNames(), ", ")};
}

}  // namespace gauntlet::envs::dualarm
