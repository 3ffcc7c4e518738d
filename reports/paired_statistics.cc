#include "reports/paired_statistics.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/normal.hpp>

#include "harness/check.h"

namespace gauntlet::reports {

double ExactMcNemarP(int b, int c) {
  const int n = b + c;
  if (n == 0) return 1.0;
  // P[X <= min(b, c)] for X ~ Binomial(n, 1/2); Boost evaluates it through
  // the regularised incomplete beta function, exact to rounding for any n.
  const boost::math::binomial_distribution<double> split(n, 0.5);
  return std::min(1.0, 2 * boost::math::cdf(split, std::min(b, c)));
}

std::vector<double> BenjaminiHochberg(const std::vector<double>& p) {
  const size_t m = p.size();
  std::vector<size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p[a] < p[b]; });
  std::vector<double> q(m);
  double running = 1.0;
  for (size_t rank = m; rank >= 1; --rank) {
    const size_t i = order[rank - 1];
    running = std::min(running, p[i] * m / rank);
    q[i] = std::min(1.0, running);
  }
  return q;
}

double NormalQuantile(double prob) {
  GAUNTLET_CHECK(prob > 0 && prob < 1, "NormalQuantile needs 0 < p < 1");
  return boost::math::quantile(boost::math::normal_distribution<double>(), prob);
}

BootstrapResult PairedClusterBootstrap(const std::vector<PairedCluster>& clusters, int iterations,
                                       std::uint64_t seed, double alpha) {
  BootstrapResult result;
  long pairs = 0, delta = 0;
  for (const auto& c : clusters) {
    pairs += c.pairs;
    delta += c.candidate_successes - c.baseline_successes;
  }
  if (pairs == 0 || clusters.empty()) return result;
  result.difference = static_cast<double>(delta) / pairs;
  std::mt19937_64 rng(seed);
  std::vector<double> stats;
  stats.reserve(iterations);
  const std::uint64_t k = clusters.size();
  for (int it = 0; it < iterations; ++it) {
    long n = 0, dsum = 0;
    for (std::uint64_t j = 0; j < k; ++j) {
      // Uniform index from the raw stream (std distributions vary by library).
      const PairedCluster& c = clusters[rng() % k];
      n += c.pairs;
      dsum += c.candidate_successes - c.baseline_successes;
    }
    stats.push_back(n > 0 ? static_cast<double>(dsum) / n : 0.0);
  }
  std::sort(stats.begin(), stats.end());
  auto percentile = [&](double q) {
    const double pos = q * (stats.size() - 1);
    const size_t lo = static_cast<size_t>(std::floor(pos));
    const size_t hi = std::min(lo + 1, stats.size() - 1);
    return stats[lo] + (pos - lo) * (stats[hi] - stats[lo]);
  };
  result.lower = percentile(alpha / 2);
  result.upper = percentile(1 - alpha / 2);
  return result;
}

double MinimumDetectableEffect(int pairs, double discordance, double alpha, double power) {
  if (pairs <= 0) return 1.0;
  const double d = std::max(discordance, 1.0 / pairs);
  return (NormalQuantile(1 - alpha / 2) + NormalQuantile(power)) * std::sqrt(d / pairs);
}

}  // namespace gauntlet::reports
