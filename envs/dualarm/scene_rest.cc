#include "envs/dualarm/scene_rest.h"

#include <cmath>

namespace gauntlet::envs::dualarm {

void SettleScene(const mjModel* m, mjData* d, double seconds) {
  const int steps = static_cast<int>(std::ceil(seconds / m->opt.timestep));
  for (int i = 0; i < steps; ++i) mj_step(m, d);
}

RestReport CheckAtRest(const mjModel* m, const mjData* d, const RestThresholds& thresholds) {
  RestReport report;
  double worst = 0;
  for (int j = 0; j < m->njnt; ++j) {
    if (m->jnt_type[j] != mjJNT_FREE) continue;
    // A free joint's velocity: linear (world frame), then angular (body frame).
    const double* v = d->qvel + m->jnt_dofadr[j];
    const double linear = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    const double angular = std::sqrt(v[3] * v[3] + v[4] * v[4] + v[5] * v[5]);
    report.max_linear_speed = std::max(report.max_linear_speed, linear);
    report.max_angular_speed = std::max(report.max_angular_speed, angular);
    const double relative = std::max(linear / thresholds.linear_speed, angular / thresholds.angular_speed);
    if (relative > worst) {
      worst = relative;
      const char* name = mj_id2name(m, mjOBJ_BODY, m->jnt_bodyid[j]);
      report.fastest_body = name ? name : "";
    }
  }
  report.at_rest = worst < 1;
  return report;
}

}  // namespace gauntlet::envs::dualarm
