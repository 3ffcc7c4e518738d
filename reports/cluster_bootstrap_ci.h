// A percentile cluster-bootstrap interval for a success rate whose episodes
// come in clusters (the seeds of one task and initial state): episodes of a
// cluster share a start and tend to succeed or fail together, so resampling
// single episodes, as the Wilson interval assumes, would understate the spread.
#pragma once

#include <cstdint>
#include <vector>

#include "reports/wilson.h"

namespace gauntlet::reports {

// The episodes of one cluster.
struct ClusterCounts {
  int episodes = 0;
  int successes = 0;  // <= episodes
};

// The 95% percentile interval of the pooled rate sum(successes) / sum(episodes)
// over `samples` resamples of the clusters with replacement (each resample
// draws as many clusters as there are). The generator is seeded with `seed`
// alone, so the same clusters and seed give the same interval, whatever else
// a table holds. Needs at least one cluster with an episode.
Interval ClusterBootstrap95(const std::vector<ClusterCounts>& clusters, int samples, std::uint64_t seed);

}  // namespace gauntlet::reports
