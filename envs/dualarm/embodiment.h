// A dual-arm embodiment as data: two arms with their bases in the world, the
// gripper command mapping, and the cameras. The family's three embodiments
// follow RoboTwin 2.0 (robotwin_family.md B.2/B.3):
//   aloha  two ARX5-type arms on AgileX's mobile base (RoboTwin's default)
//   arx5   a pair of ARX-X5 arms, bases dis = 0.6 m apart in x
//   piper  a pair of AgileX PiPER arms, mounted likewise
// World frame (the family's): table centre at the origin, table top at
// z = 0.74, +y away from the robots, +z up.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "envs/dualarm/arm_kinematics.h"
#include "envs/dualarm/arm_spec.h"
#include "harness/result.h"

namespace gauntlet::envs::dualarm {

enum class Side { kLeft, kRight };
inline constexpr Side kSides[] = {Side::kLeft, Side::kRight};
const char* SideName(Side side);  // "left", "right"

struct ArmMount {
  ArmSpec arm;
  Pose base;       // link 0 (the URDF's base_link) in the world
  ArmJoints home;  // the reset configuration (RoboTwin's homestate)
};

// RoboTwin's gripper command (robotwin_family.md B.3): g in [0, 1], 1 open,
// drives each finger's joint toward closed_target + g (open_target -
// closed_target). A closed target below 0 keeps a closed gripper squeezing.
struct GripperCommand {
  double closed_target;  // metres (RoboTwin's gripper_scale[0])
  double open_target;    // metres (gripper_scale[1])
  double FingerTarget(double g) const { return closed_target + g * (open_target - closed_target); }
};

// A fixed camera in the world: MuJoCo's camera looks along `forward`, with
// the image's up toward `up` (made orthogonal to forward).
struct FixedCameraSpec {
  std::string name;
  std::array<double, 3> position;
  std::array<double, 3> forward;
  std::array<double, 3> up;
  double fovy_deg;
};

// A camera on each gripper, placed in the TCP frame: at `offset` (metres),
// looking along the approach axis pitched `pitch` radians toward the fingers.
struct WristCameraSpec {
  std::array<double, 3> offset;
  double pitch;
  double fovy_deg;
};

struct EmbodimentSpec {
  std::string name;         // "aloha", "arx5", "piper"
  std::string robotwin_name;  // RoboTwin's: "aloha-agilex", "ARX-X5", "piper"
  ArmMount left;
  ArmMount right;
  GripperCommand gripper;
  // Drawn under the arms: one chassis box for a shared base (aloha), else a
  // pedestal column under each arm.
  bool shared_base = false;
  Pose robot_pose;          // RoboTwin's robot_pose: the aloha chassis' footprint; a pair's unshifted pose
  FixedCameraSpec head;
  WristCameraSpec wrist;
  int image_width = 320;    // RoboTwin's D435 images
  int image_height = 240;

  const ArmMount& mount(Side side) const { return side == Side::kLeft ? left : right; }
};

// "aloha", "arx5", "piper".
const std::vector<std::string>& EmbodimentNames();
// The embodiment called `name`; an error naming the known ones otherwise.
Result<EmbodimentSpec> FindEmbodiment(const std::string& name);

}  // namespace gauntlet::envs::dualarm
