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
#pragma once

#include "harness/action.h"
#include "harness/observation.h"
#include "policies/scripted/playtable/hand_orientation.h"

namespace gauntlet::policies::scripted::playtable {

class StoredTarget {
 public:
  // The target is the measured tool pose `hand`.
  void Reset(const Pose& hand);

  // One control step toward (`goal_pos`, `goal_euler`): at most `max_step`
  // metres (straight toward the goal) and `max_turn` radians per euler
  // component. `gripper` is the action's last value. *arrived: the target is
  // at the goal after this step.
  Action Toward(const Vec3& goal_pos, const Euler& goal_euler, double max_step, double max_turn, double gripper,
                bool* arrived);

  const Vec3& position() const { return position_; }
  const Euler& euler() const { return euler_; }

 private:
  Vec3 position_{};
  Euler euler_{};
};

}  // namespace gauntlet::policies::scripted::playtable
