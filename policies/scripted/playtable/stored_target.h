// The environment's stored target pose, as the expert keeps track of it.
//
// The play table adds each action's deltas to a target it stores (0.02 m and
// 0.05 rad per unit, euler componentwise) and its controller holds the hand
// there; the target outlives the policy's reset between subtasks. The expert
// therefore starts each subtask by letting the hand settle on the stored
// target, takes the measured pose as the target (the same rotation, maybe
// whole turns apart in roll or yaw, which componentwise deltas keep), and
// from then on adds up its own clipped actions exactly as the environment
// does. Moving the target is never blocked, so a motion always arrives.
//
// The controller holds the target closely but not always exactly: with the
// arm stretched or far from its rest posture it settles up to a few
// centimetres off. Where the hand is free and must be precise (before
// closing on a block or a handle), the expert measures that error and keeps
// a correction (`offset`): from then on it heads the target for goal +
// offset, so the hand itself arrives at the goal.
#pragma once

#include "harness/action.h"
#include "harness/observation.h"
#include "policies/scripted/playtable/hand_orientation.h"

namespace gauntlet::policies::scripted::playtable {

class StoredTarget {
 public:
  // The target is the measured tool pose `hand`.
  void Reset(const Pose& hand);

  // One control step toward (`goal_pos` + offset, `goal_euler`): at most
  // `max_step` metres (straight toward it) and `max_turn` radians per euler
  // component. `gripper` is the action's last value. *arrived: the target is
  // there after this step.
  Action Toward(const Vec3& goal_pos, const Euler& goal_euler, double max_step, double max_turn, double gripper,
                bool* arrived);

  // Folds part of the hand's measured error (goal - measured, the hand at
  // rest and free) into the offsets, position and euler; returns the
  // position error's size (m) plus the euler error's scaled to metres at the
  // fingertips' distance from the wrist.
  double Trim(const Vec3& goal_pos, const Euler& goal_euler, const Pose& measured);

  // The stored target, and the goal that led there (the target less the offset).
  const Vec3& position() const { return position_; }
  Vec3 goal_position() const;
  Euler goal_euler() const;
  const Euler& euler() const { return euler_; }
  const Vec3& offset() const { return offset_; }

 private:
  Vec3 offset_{};
  Euler euler_offset_{};
  Vec3 position_{};
  Euler euler_{};
};

}  // namespace gauntlet::policies::scripted::playtable
