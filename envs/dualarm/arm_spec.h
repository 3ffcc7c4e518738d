// A 6-DoF arm with a parallel gripper, as data: its kinematic chain as the
// manufacturer's URDF publishes it, its joint limits, its tool centre point and
// its finger travel, plus the few masses and sizes that primitive geometry
// needs. The three arms of the dual-arm family (RoboTwin's aloha-agilex arms,
// ARX-X5, AgileX PiPER) are values of this one type; kinematics and MJCF are
// computed from it, never written per arm.
#pragma once

#include <array>
#include <string>

namespace gauntlet::envs::dualarm {

// A rigid pose: position (metres) and orientation as a unit quaternion (w, x, y, z).
struct Pose {
  std::array<double, 3> position{0, 0, 0};
  std::array<double, 4> quat_wxyz{1, 0, 0, 0};
};

// One revolute joint as a URDF writes it: the joint frame sits at
// `origin_xyz` in the parent link's frame, turned by `origin_rpy` (URDF's
// fixed-axis roll, pitch, yaw: R = Rz(yaw) Ry(pitch) Rx(roll)); the child link
// is the joint frame turned about `axis` by the joint angle.
struct JointSpec {
  std::array<double, 3> origin_xyz;  // metres, in the parent link's frame
  std::array<double, 3> origin_rpy;  // radians
  std::array<double, 3> axis;        // unit vector in the joint frame
  double lower;                      // radians
  double upper;                      // radians
  double effort;                     // N m: the servo's force limit
  double mass;                       // kg of the child link
};

// The tool centre point (TCP) frame, the same convention on every arm: origin
// at the gripper centre (between the finger pads), x out of the gripper (the
// approach direction), y along the fingers' opening, z = x cross y. RoboTwin
// states end poses the same way (its aloha arms' link 6 already has x along
// the gripper; its delta_matrix turns other flanges onto that).
struct ArmSpec {
  std::string name;    // "aloha_arx5", "arx5", "piper"
  std::string source;  // where the chain's numbers were published (repository and path)
  std::array<JointSpec, 6> joints;
  std::array<double, 3> tcp_xyz;  // metres, in link 6's frame
  std::array<double, 3> tcp_rpy;  // link 6 -> TCP frame, URDF roll-pitch-yaw
  double finger_travel;           // metres each finger opens from closed (pads touching at 0)
  double finger_behind_tcp;       // metres the finger extends from the TCP back toward link 6
  double finger_beyond_tcp;       // metres the finger tip reaches past the TCP
  double link_radius;             // metres: the capsules drawn along the links
};

// ARX-X5 (ARX robotics' arx5.urdf).
ArmSpec ArxX5Arm();
// AgileX PiPER (agilexrobotics' piper_description.urdf).
ArmSpec PiperArm();
// The ARX5-type arms of RoboTwin 2.0's aloha-agilex embodiment
// (arx5_description_isaac.urdf, fl_/fr_ chains; both arms share it).
ArmSpec AlohaAgilexArm();

}  // namespace gauntlet::envs::dualarm
