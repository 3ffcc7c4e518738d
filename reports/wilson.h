// Confidence intervals for a success rate.
#pragma once

namespace gauntlet::reports {

struct Interval {
  double lower = 0;  // in [0, 1]
  double upper = 0;  // in [0, 1]
};

// The Wilson score interval at 95% for `successes` out of `trials` (> 0).
// Chosen over the normal approximation because it stays inside [0, 1] and
// does not collapse to a point at 0/n or n/n, which per-task evaluations of
// 50 episodes hit routinely.
Interval Wilson95(int successes, int trials);

}  // namespace gauntlet::reports
