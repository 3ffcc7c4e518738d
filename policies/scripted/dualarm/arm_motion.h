// One arm's absolute command and how it moves toward a goal. The family's
// eef_abs interface takes the TCP's target pose and gripper per arm; the IK
// turns each into joint targets that the servos reach within the 1/25 s
// control period. So the command walks toward the goal at most `speed`
// metres and kMaxTurn radians a period (the motion primitives' clipped
// step, motion_primitives.h, with the goal as the target): the IK stays on
// one branch and the servos keep up.
#pragma once

#include "harness/action.h"
#include "policies/scripted/dualarm/dualarm_view.h"

namespace gauntlet::policies::scripted::dualarm {

inline constexpr double kCruise = 0.012;    // m per control period (0.3 m/s)
inline constexpr double kSlow = 0.005;      // m per period: descending onto a grasp or a placement
inline constexpr double kMaxTurn = 0.06;    // rad per period
inline constexpr double kGripperOpen = 1;
inline constexpr double kGripperClosed = 0;

struct ArmGoal {
  Vec3 pos{};
  Quat quat{1, 0, 0, 0};
  double gripper = kGripperOpen;
  double speed = kCruise;
};

class ArmCommand {
 public:
  // Starts where the arm is, gripper open.
  void Start(const ArmView& arm);
  // One period toward `goal`; the gripper command jumps (the env ramps it).
  void StepToward(const ArmGoal& goal);
  // Whether the command has reached `goal` (position and orientation).
  bool Reached(const ArmGoal& goal) const;
  // Appends x y z qw qx qy qz gripper.
  void AppendTo(Action& action) const;

  const Vec3& pos() const { return pos_; }
  const Quat& quat() const { return quat_; }
  double gripper() const { return gripper_; }

 private:
  Vec3 pos_{};
  Quat quat_{1, 0, 0, 0};
  double gripper_ = kGripperOpen;
};

// The measured TCP within `tolerance` metres of `goal`'s position.
bool ArmAt(const ArmView& arm, const ArmGoal& goal, double tolerance);

}  // namespace gauntlet::policies::scripted::dualarm
