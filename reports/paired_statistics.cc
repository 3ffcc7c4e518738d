#include "reports/paired_statistics.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "harness/check.h"

namespace gauntlet::reports {

double ExactMcNemarP(int b, int c) {
  const int n = b + c;
  if (n == 0) return 1.0;
  const int k_max = std::min(b, c);
  if (n <= 60) {
    // Exact: the binomial coefficients fit in 64 bits (C(60, 30) < 2^57, and
    // C(n, k) (n - k) < 2^63 on the way).
    std::uint64_t coefficient = 1, sum = 0;
    for (int k = 0; k <= k_max; ++k) {
      sum += coefficient;
      coefficient = coefficient * (n - k) / (k + 1);
    }
    return std::min(1.0, std::ldexp(static_cast<double>(sum), 1 - n));
  }
  // Sum C(n, k) / 2^n in log space: n can be in the thousands.
  double tail = 0;
  for (int k = 0; k <= k_max; ++k) {
    tail += std::exp(std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0) -
                     n * std::log(2.0));
  }
  return std::min(1.0, 2 * tail);
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
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                             1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  const double low = 0.02425;
  double x;
  if (prob < low) {
    const double q = std::sqrt(-2 * std::log(prob));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (prob <= 1 - low) {
    const double q = prob - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const double q = std::sqrt(-2 * std::log(1 - prob));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  // One Halley step on Phi(x) - p brings the error to machine precision.
  const double e = 0.5 * std::erfc(-x / std::sqrt(2.0)) - prob;
  const double u = e * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
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
