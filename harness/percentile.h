// Nearest-rank percentiles of timing samples (what policy_timing reports).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace gauntlet {

// The p-th (0..1) nearest-rank value of non-empty, ascending `sorted`.
template <typename T>
T NearestRank(const std::vector<T>& sorted, double p) {
  const auto rank = static_cast<std::size_t>(std::ceil(p * sorted.size()));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

}  // namespace gauntlet
