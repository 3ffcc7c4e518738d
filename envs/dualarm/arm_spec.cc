#include "envs/dualarm/arm_spec.h"

namespace gauntlet::envs::dualarm {

namespace {

constexpr double kHalfPi = 1.57079632679489661923;
constexpr double kEffort = 100;  // N m: every joint's effort limit in both URDFs

}  // namespace

// Joint origins, axes, limits and link masses as published in ARX's arx5.urdf
// (ARXroboticsX/ARX_Model; read from wei-hsuan-cheng/robot_descriptions,
// manipulator/ARX/arx5_description/urdf/arx5.urdf). The URDF's 3.1416 flips
// are kept as written (they are pi to 7e-6 rad). The gripper centre is the
// URDF's `gripper_center` link, 0.145 m along link 6's x; the fingers slide
// along link 6's y from 0.0866 m out, pads meeting on the axis when closed.
ArmSpec ArxX5Arm() {
  ArmSpec a;
  a.name = "arx5";
  a.source = "ARXroboticsX/ARX_Model arx5.urdf (as in wei-hsuan-cheng/robot_descriptions "
             "manipulator/ARX/arx5_description/urdf/arx5.urdf)";
  a.joints = {{
      {{0, 0, 0.0605}, {0, 0, 0}, {0, 0, 1}, -2.87, 3.14, kEffort, 0.066982},
      {{0.02, 0, 0.04}, {0, 0, 0}, {0, 1, 0}, 0, 3.66, kEffort, 1.0795},
      {{-0.264, 0, 0}, {3.1416, 0, 0}, {0, 1, 0}, 0, 3.14, kEffort, 0.54534},
      {{0.245, 0, -0.056}, {0, 0, 0}, {0, 1, 0}, -1.57, 1.57, kEffort, 0.11714},
      {{0.06775, 0.0005, -0.0865}, {0, 0, 0}, {0, 0, 1}, -1.57, 1.57, kEffort, 0.63488},
      {{0.02895, 0, 0.0865}, {-3.1416, 0, 0}, {1, 0, 0}, -1.57, 1.57, kEffort, 0.44089},
  }};
  a.tcp_xyz = {0.145, 0, 0};
  a.tcp_rpy = {0, 0, 0};  // link 6's x is already the approach axis, its y the fingers'
  a.finger_travel = 0.044;
  a.finger_behind_tcp = 0.058;
  a.finger_beyond_tcp = 0.02;
  a.link_radius = 0.03;
  return a;
}

// AgileX's piper_description.urdf (agilexrobotics/Piper_ros,
// src/piper_description/urdf/piper_description.urdf): joint origins with their
// roll-pitch-yaw twists, the two joints turning about -z, limits and link
// masses as written there. Link 6's z points out of the gripper and the
// fingers (joint7/joint8, 0.13503 m out) slide along its x, so the TCP frame
// is link 6 turned by (-pi/2, -pi/2, 0): x_tcp = z6, y_tcp = x6, z_tcp = y6.
ArmSpec PiperArm() {
  ArmSpec a;
  a.name = "piper";
  a.source = "agilexrobotics/Piper_ros src/piper_description/urdf/piper_description.urdf";
  a.joints = {{
      {{0, 0, 0.123}, {0, 0, -1.5708}, {0, 0, 1}, -2.618, 2.618, kEffort, 0.0978680},
      {{0, 0, 0}, {1.5708, -0.10095, -1.5708}, {0, 0, 1}, 0, 3.14, kEffort, 0.289571},
      {{0.28503, 0, 0}, {0, 0, 1.3826}, {0, 0, 1}, -2.967, 0, kEffort, 0.290583},
      {{0.021984, 0.25075, 0}, {-1.5708, 0, 0}, {0, 0, -1}, -1.832, 1.832, kEffort, 0.127087},
      {{0, 0, 0}, {1.5708, -0.087266, 0}, {0, 0, 1}, -1.22, 1.22, kEffort, 0.144711},
      {{0, 0.091, 0.0014165}, {-1.5708, -1.5708, 0}, {0, 0, -1}, -3.14, 3.14, kEffort, 0.150196},
  }};
  a.tcp_xyz = {0, 0, 0.13503};
  a.tcp_rpy = {-kHalfPi, -kHalfPi, 0};
  a.finger_travel = 0.038;
  a.finger_behind_tcp = 0.06;
  a.finger_beyond_tcp = 0.01;
  a.link_radius = 0.03;
  return a;
}

// RoboTwin 2.0's aloha-agilex arms (embodiments/aloha-agilex/urdf/
// arx5_description_isaac.urdf in the TianxingChen/RoboTwin2.0 asset set, fl_
// and fr_ chains identical): the ARX5 layout with slightly different offsets
// and a 0.9 degree yaw between links 2 and 3 and links 4 and 5. The axes
// (z, y, y, y, z, x) are those of agilexrobotics' mobile_aloha_sim
// arx5_description_isaac.urdf (also in isaac-sim/IsaacLab at
// aloha_isaac_sim/urdf/arx5_description_isaac.urdf). That URDF's limits are
// simulation values (+-10 rad), so the ARX-X5's published limits stand in; the
// TCP is RoboTwin's gripper_bias, 0.12 m along link 6's x. Masses are the
// mobile_aloha_sim URDF's.
ArmSpec AlohaAgilexArm() {
  ArmSpec a;
  a.name = "aloha_arx5";
  a.source = "RoboTwin 2.0 embodiments/aloha-agilex/urdf/arx5_description_isaac.urdf "
             "(axes as in agilexrobotics/mobile_aloha_sim aloha_isaac_sim/urdf/arx5_description_isaac.urdf)";
  a.joints = {{
      {{0, 0, 0.058}, {0, 0, 0}, {0, 0, 1}, -2.87, 3.14, kEffort, 0.0608351},
      {{0.025013, 0.00060169, 0.042}, {0, 0, 0}, {0, 1, 0}, 0, 3.66, kEffort, 1.0733279},
      {{-0.26396, 0.0044548, 0}, {-3.1416, 0, -0.015928}, {0, 1, 0}, 0, 3.14, kEffort, 0.4994047},
      {{0.246, -0.00025, -0.06}, {0, 0, 0}, {0, 1, 0}, -1.57, 1.57, kEffort, 0.0809713},
      {{0.06775, 0.0015, -0.0855}, {0, 0, -0.015928}, {0, 0, 1}, -1.57, 1.57, kEffort, 0.6023574},
      {{0.03095, 0, 0.0855}, {-3.1416, 0, 0}, {1, 0, 0}, -1.57, 1.57, kEffort, 0.4622450},
  }};
  a.tcp_xyz = {0.12, 0, 0};
  a.tcp_rpy = {0, 0, 0};
  // RoboTwin drives the finger between gripper_scale's -0.01 (squeezing past
  // closed) and 0.045 (open): 0.045 is the travel a command of 1 reaches.
  a.finger_travel = 0.045;
  a.finger_behind_tcp = 0.046;
  a.finger_beyond_tcp = 0.02;
  a.link_radius = 0.03;
  return a;
}

}  // namespace gauntlet::envs::dualarm
