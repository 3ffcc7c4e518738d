// A Franka-Panda-like 7-DoF arm with a parallel-jaw gripper, written for
// gauntlet in primitive geoms. Kinematics, joint limits, torque limits and the
// LIBERO start configuration follow the Panda's published values.
#pragma once

#include <array>
#include <string>

namespace gauntlet::envs {

struct PandaSpec {
  static constexpr int kArmDofs = 7;
  // Franka's published joint limits (rad).
  static constexpr std::array<double, 7> kJointLow = {-2.8973, -1.7628, -2.8973, -3.0718,
                                                       -2.8973, -0.0175, -2.8973};
  static constexpr std::array<double, 7> kJointHigh = {2.8973, 1.7628, 2.8973, -0.0698,
                                                        2.8973, 3.7525, 2.8973};
  // Franka's rated joint torques (N m).
  static constexpr std::array<double, 7> kTorqueLimit = {87, 87, 87, 87, 12, 12, 12};
  // LIBERO's MountedPanda start configuration (init_qpos).
  static constexpr std::array<double, 7> kInitQpos = {0, -0.161037389, 0, -2.44459747,
                                                       0, 2.2267522, 0.78539816339};
  static constexpr double kFingerTravel = 0.04;  // per finger, metres (opening 0..0.08)
  // Tool centre point below the hand frame, between the fingertips (metres).
  static constexpr double kTcpOffset = 0.1034;
};

// Names in the compiled model.
inline constexpr const char* kTcpSite = "robot0_tcp";
inline constexpr const char* kWristCamera = "wrist";
inline constexpr const char* kHandBody = "robot0_hand";
inline constexpr const char* kLeftFingerJoint = "robot0_finger_left";
inline constexpr const char* kRightFingerJoint = "robot0_finger_right";
inline const char* ArmJointName(int i);  // "robot0_joint1" ... "robot0_joint7"

// The <body> tree of the robot, with its base (link0) at `base` in world and
// a camera in the hand named `hand_camera`, and fingers `finger_extension`
// metres longer than the standard hand's (the tool centre point moves out
// with their tips). Its geoms use the default classes "robot" and "finger",
// which the including model defines.
std::string PandaBodyMjcf(const std::array<double, 3>& base, const std::string& hand_camera = kWristCamera,
                          double finger_extension = 0);
// The <actuator> entries: 7 torque motors and 2 finger position servos.
std::string PandaActuatorMjcf();

}  // namespace gauntlet::envs

inline const char* gauntlet::envs::ArmJointName(int i) {
  static const char* names[] = {"robot0_joint1", "robot0_joint2", "robot0_joint3",
                                "robot0_joint4", "robot0_joint5", "robot0_joint6",
                                "robot0_joint7"};
  return names[i];
}
