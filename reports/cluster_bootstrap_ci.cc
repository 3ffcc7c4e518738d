#include "reports/cluster_bootstrap_ci.h"

#include <string>

#include "harness/check.h"
#include "reports/paired_statistics.h"

namespace gauntlet::reports {

Interval ClusterBootstrap95(const std::vector<ClusterCounts>& clusters, int samples, std::uint64_t seed) {
  GAUNTLET_CHECK(samples > 0, "ClusterBootstrap95 needs samples > 0, got " + std::to_string(samples));
  // A rate is the paired difference against a baseline that never succeeds:
  // the paired bootstrap's resampling and percentiles are then exactly the
  // ones this interval needs, so they are not written twice.
  std::vector<PairedCluster> paired;
  int episodes = 0;
  for (const ClusterCounts& c : clusters) {
    GAUNTLET_CHECK(c.episodes >= 0 && c.successes >= 0 && c.successes <= c.episodes,
                   std::to_string(c.successes) + " successes in a cluster of " + std::to_string(c.episodes));
    paired.push_back({c.episodes, 0, c.successes});
    episodes += c.episodes;
  }
  GAUNTLET_CHECK(episodes > 0, "ClusterBootstrap95 needs at least one episode");
  const BootstrapResult r = PairedClusterBootstrap(paired, samples, seed, 0.05);
  return {r.lower, r.upper};
}

}  // namespace gauntlet::reports
