// Whether a scene has come to rest: RoboTwin skips a seed whose objects are
// still moving after setup (its UnStableError); gauntlet's seed acceptance
// does the same with this check, after letting the scene settle.
#pragma once

#include <string>

#include <mujoco/mujoco.h>

namespace gauntlet::envs::dualarm {

struct RestThresholds {
  double linear_speed = 0.005;  // m/s, of any free body's origin
  double angular_speed = 0.05;  // rad/s
};

struct RestReport {
  bool at_rest = true;
  double max_linear_speed = 0;   // m/s over the free bodies
  double max_angular_speed = 0;  // rad/s
  std::string fastest_body;      // the body of the largest speed relative to its threshold ("" if none)
};

// Steps the physics for `seconds` (no controls change).
void SettleScene(const mjModel* m, mjData* d, double seconds);

// The free bodies' speeds in `d` against `thresholds`.
RestReport CheckAtRest(const mjModel* m, const mjData* d, const RestThresholds& thresholds = {});

}  // namespace gauntlet::envs::dualarm
