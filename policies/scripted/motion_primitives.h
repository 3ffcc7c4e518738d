// Motion primitives shared by the scripted experts of every family: one
// control step each, mapping the end effector's pose (world frame) and a goal
// to an end-effector delta action. What a family's interface means by an
// action (metres and radians per unit, which gripper value opens) is a
// parameter, so the tabletop expert (eef_delta, gripper -1 open), a play-table
// one (relative eef, gripper +1 open) and each arm of a dual-arm one share
// them.
//
// A primitive does not decide when its motion is done: what counts as arrived
// depends on what is moved (a held object's height, a joint's value), so that
// check stays with the skill. The tolerances and the fingers' travel time a
// skill compares against are part of MotionConvention.
#pragma once

#include <array>

#include "harness/action.h"
#include "harness/observation.h"

namespace gauntlet::policies::scripted {

using Vec3 = std::array<double, 3>;
using Quat = std::array<double, 4>;  // w, x, y, z

// A family's end-effector action interface, and how near counts as there.
struct MotionConvention {
  double metres_per_unit = 0;     // translation a unit action commands
  double radians_per_unit = 0;    // rotation (rotation vector) a unit action commands
  double gripper_open = 0;        // gripper value that opens the hand
  double gripper_close = 0;       // and that closes it
  double via_tolerance = 0;       // m: the hand is at a via point (over a grasp, a handle)
  double heading_tolerance = 0;   // rad: and turned as asked there
  double transit_tolerance = 0;   // m: horizontally over a via point, or level with it
  int finger_travel_steps = 0;    // control steps the fingers take to close or open fully
};

enum class Grip { kOpen, kClose };

// The family's gripper value for `grip`.
double GripperValue(Grip grip, const MotionConvention& c);

// Rotation vector (world frame) taking orientation `from` to `to`, the
// shorter way round.
Vec3 RotationVector(const Quat& from, const Quat& to);

// The helper under every primitive: a position error (m) and a rotation
// error (rotation vector, rad) to an action. The translation is scaled down
// to at most `max_step` metres, then each component is expressed in units
// and clipped to [-1, 1]; so is each rotation component. The last value is
// the gripper.
Action ClippedDeltaAction(const Vec3& position_error, const Vec3& rotation_error, double max_step,
                          double gripper, const MotionConvention& c);

// Move toward `goal` (position and orientation), at most `max_step` metres
// this step. The controller tracks about one full-scale step per control
// step; the goal is clipped, so the hand stops there.
Action Approach(const Pose& hand, const Pose& goal, double max_step, Grip grip, const MotionConvention& c);

// Where to head for `above` (a point over the next grasp): while still away
// from it horizontally, not lower than the hand is now, so that the hand
// moving across never sweeps through what it has just left or knocks what
// stands in between; up first where `above` is higher (rising on the way
// would sweep the hand through what stands below it).
Vec3 TransitPoint(const Vec3& hand, const Vec3& above, const MotionConvention& c);

// Close the fingers at `at`, the hand creeping there at most `max_step`
// metres a step; the grasp holds after c.finger_travel_steps steps.
Action Grasp(const Pose& hand, const Vec3& at, const Quat& orientation, double max_step,
             const MotionConvention& c);

// Open the fingers and keep the hand where it is, turning it to
// `orientation`; also keeping still with the hand open.
Action Release(const Pose& hand, const Quat& orientation, const MotionConvention& c);

// Straight up (or down) to height `z` over where the hand is.
Action Lift(const Pose& hand, double z, const Quat& orientation, double max_step, Grip grip,
            const MotionConvention& c);

// Carry, the fingers closed: move the hand so that a held point (the
// object's origin, now at `held`) heads for `waypoint`. A path is followed by
// giving its next waypoint at each step.
Action Carry(const Pose& hand, const Vec3& held, const Vec3& waypoint, const Quat& orientation, double max_step,
             const MotionConvention& c);

// Place: carry the held point down to `spot`, at full speed while more than
// `slow_within` metres above it, then at most `slow_step` a step (set it
// down gently). Then Release.
Action Place(const Pose& hand, const Vec3& held, const Vec3& spot, const Quat& orientation, double slow_within,
             double slow_step, const MotionConvention& c);

// Push: with the fingers closed on or against a part, move the hand to
// `distance` along the unit `direction` from `from` (where the contact began).
Action Push(const Pose& hand, const Vec3& from, const Vec3& direction, double distance, const Quat& orientation,
            double max_step, const MotionConvention& c);

}  // namespace gauntlet::policies::scripted
