#include "reports/wilson.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "harness/check.h"

namespace gauntlet::reports {

Interval Wilson95(int successes, int trials) {
  GAUNTLET_CHECK(trials > 0 && successes >= 0 && successes <= trials,
                 std::to_string(successes) + " successes in " + std::to_string(trials) + " trials");
  // Wilson (1927), with p = k/n and z the 97.5th normal percentile:
  //   centre = (p + z^2/2n) / (1 + z^2/n)
  //   half   = z / (1 + z^2/n) * sqrt(p(1-p)/n + z^2/4n^2)
  constexpr double z = 1.959963984540054;
  const double n = trials;
  const double p = successes / n;
  const double denominator = 1 + z * z / n;
  const double centre = (p + z * z / (2 * n)) / denominator;
  const double half = z / denominator * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n));
  // Exact bounds lie in [0, 1]; the clamp only absorbs rounding at 0/n and n/n.
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

}  // namespace gauntlet::reports
