// CALVIN's success rules ("task oracle", calvin_env/envs/tasks.py) for the 34
// play-table tasks. A rule compares two snapshots: `start`, taken when the
// subtask begins (after the policy's reset, before its first action), and
// `now`, taken after a control step. The environment asks after every control
// step and the subtask succeeds the first time the rule holds. Only the
// commanded task is tested, so side effects (toggling a light while pushing a
// block) never fail a subtask.
//
// The rules, per kind (block B = task.block; "touches" = B's contact set):
//   rotate:  R = R_now * R_start^-1 as extrinsic xyz euler (x, y, z) in degrees;
//            |p_now - p_start| <= 0.1, B touches something besides the robot now,
//            |x| < 30, |y| < 30 and 60 < z < 180 (left) or -180 < z < -60 (right)
//   push:    contacts without the robot, as (body, link): non-empty at start and
//            now, start a subset of now; dx > 0.1 (right) or dx < -0.1 (left)
//   lift:    dz > 0.05 (table, drawer) or 0.03 (slider); B touches only the
//            robot now; at start B touched the desk link (base, plank, drawer)
//   place:   at start the robot touches exactly one thing, a block X, and X
//            touches only the robot; now the robot does not touch X and X
//            touches the desk link (plank for the slider, drawer)
//   stack:   some block touched no block at start; now it touches at least one
//            block and only blocks, every velocity component below 1
//   unstack: some block touched at least one block and only blocks at start,
//            every velocity component below 1 at start; now it touches no block
//   slider / drawer: joint change > +threshold or < -threshold (sign = task)
//   lights:  logical state s0 at start and s1 now
//   push_into_drawer: some block touched exactly the desk top at start and
//            touches the drawer link now (robot contact now is allowed: CALVIN's
//            check against it never fires, see task_oracle.cc)
// "Touches only X" and "exactly one thing" count bodies, as CALVIN does: the
// desk is one body whatever links are touched.
#pragma once

#include <array>
#include <string>

#include "envs/playtable/playtable_tasks.h"
#include "envs/playtable/scene_info.h"

namespace gauntlet::envs::playtable {

// CALVIN's thresholds: tasks.py defaults and new_playtable_tasks.yaml.
inline constexpr double kRotateMinDegrees = 60.0;       // |z| beyond this
inline constexpr double kRotateMaxDegrees = 180.0;      // |z| below this (z_threshold)
inline constexpr double kRotateMaxTiltDegrees = 30.0;   // |x|, |y| below this
inline constexpr double kRotateMaxMovement = 0.1;       // m; a rotated block may not travel more
inline constexpr double kPushDistance = 0.1;            // m along world x (+x = robot's right)
inline constexpr double kLiftFromTableHeight = 0.05;    // m
inline constexpr double kLiftFromSliderHeight = 0.03;   // m
inline constexpr double kLiftFromDrawerHeight = 0.05;   // m
inline constexpr double kSliderMoveDistance = 0.15;     // m of base__slide
inline constexpr double kDrawerMoveDistance = 0.12;     // m of base__drawer
// Stack and unstack: every component of the linear (m/s) and angular (rad/s)
// velocity must satisfy |v_i| < this (CALVIN: np.all(np.abs(v) < max_vel)).
inline constexpr double kStackMaxVelocity = 1.0;

// True when `task`'s rule holds between `start` and `now`. When it does not
// and `why_not` is given, *why_not says which condition failed, with the
// values (for logs and tests; left alone on success). Precondition: `task` is
// one of PlaytableTasks().
bool TaskSucceeded(const PlaytableTask& task, const SceneInfo& start, const SceneInfo& now,
                   std::string* why_not = nullptr);

// The world-frame rotation taking orientation `from` to `to` (R_to * R_from^-1),
// as extrinsic x-y-z euler angles in degrees: R = Rz(z) * Ry(y) * Rx(x), with x and
// z in (-180, 180] and y in [-90, 90] (scipy's as_euler("xyz", degrees=True)).
// Quaternions are (w, x, y, z).
std::array<double, 3> RelativeRotationDegrees(const std::array<double, 4>& from,
                                              const std::array<double, 4>& to);

}  // namespace gauntlet::envs::playtable
