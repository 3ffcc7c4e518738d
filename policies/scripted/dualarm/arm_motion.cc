#include "policies/scripted/dualarm/arm_motion.h"

#include <cmath>

namespace gauntlet::policies::scripted::dualarm {

namespace {

// The motion primitives' convention read as absolute steps: one unit is one
// metre, and a rotation component is clipped at kMaxTurn.
constexpr MotionConvention StepConvention() {
  MotionConvention c;
  c.metres_per_unit = 1.0;
  c.radians_per_unit = kMaxTurn;
  c.gripper_open = kGripperOpen;
  c.gripper_close = kGripperClosed;
  return c;
}

}  // namespace

void ArmCommand::Start(const ArmView& arm) {
  pos_ = arm.pos;
  quat_ = arm.quat;
  gripper_ = kGripperOpen;
}

void ArmCommand::StepToward(const ArmGoal& goal) {
  constexpr MotionConvention c = StepConvention();
  const Action delta = Approach(Pose{pos_, quat_}, Pose{goal.pos, goal.quat}, goal.speed, Grip::kOpen, c);
  for (int i = 0; i < 3; ++i) pos_[i] += delta[i];
  const Vec3 turn{delta[3] * c.radians_per_unit, delta[4] * c.radians_per_unit, delta[5] * c.radians_per_unit};
  quat_ = Normalized(QuatMul(FromRotationVector(turn), quat_));
  gripper_ = goal.gripper;
}

bool ArmCommand::Reached(const ArmGoal& goal) const {
  return Norm(Sub(goal.pos, pos_)) < 1e-4 && Norm(RotationVector(quat_, goal.quat)) < 1e-3;
}

void ArmCommand::AppendTo(Action& action) const {
  action.insert(action.end(), pos_.begin(), pos_.end());
  action.insert(action.end(), quat_.begin(), quat_.end());
  action.push_back(gripper_);
}

bool ArmAt(const ArmView& arm, const ArmGoal& goal, double tolerance) {
  return Norm(Sub(goal.pos, arm.pos)) < tolerance;
}

}  // namespace gauntlet::policies::scripted::dualarm
