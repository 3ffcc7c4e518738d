// Statistics for comparing two runs on identical (paired) episodes.
#pragma once

#include <cstdint>
#include <vector>


namespace gauntlet::reports {

// Two-sided exact McNemar test: under H0 the b + c discordant pairs split
// Binomial(b + c, 1/2); p = min(1, 2 * P[X <= min(b, c)]). 1 when b + c = 0.
double ExactMcNemarP(int b, int c);

// Benjamini-Hochberg adjusted p-values (q-values), in the input's order:
// q_(i) = min_{j >= i} min(1, p_(j) m / j) over p sorted ascending.
std::vector<double> BenjaminiHochberg(const std::vector<double>& p);

// Quantile of the standard normal distribution (Boost.Math's, through the
// inverse complementary error function: exact to a few ulps on (0, 1)).
double NormalQuantile(double probability);

// One cluster of paired episodes (e.g. all seeds of one task and initial state).
struct PairedCluster {
  int pairs = 0;
  int baseline_successes = 0;
  int candidate_successes = 0;
};

struct BootstrapResult {
  double difference = 0;  // candidate rate - baseline rate, pooled over all pairs, in [-1, 1]
  double lower = 0;       // percentile interval of the difference
  double upper = 0;
};

// Paired cluster bootstrap of the pooled success-rate difference: resamples
// whole clusters with replacement `iterations` times (generator seeded with
// `seed`, so the interval is reproducible) and takes the alpha/2 and
// 1 - alpha/2 percentiles.
BootstrapResult PairedClusterBootstrap(const std::vector<PairedCluster>& clusters, int iterations,
                                       std::uint64_t seed, double alpha);

// Smallest true difference a paired comparison of n pairs detects with the
// given power at two-sided level alpha, by the normal approximation to
// McNemar's test: (z_{1-alpha/2} + z_{power}) * sqrt(discordance / n), where
// discordance is the fraction of discordant pairs (at least 1/n).
double MinimumDetectableEffect(int pairs, double discordance, double alpha, double power);

}  // namespace gauntlet::reports
