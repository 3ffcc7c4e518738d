// The cluster-bootstrap interval against cases computed independently:
// identical clusters, a six-cluster case whose percentiles follow from the
// binomial distribution, coverage over simulated evaluations, and clusters
// that succeed or fail as a whole (where it must be wider than Wilson's).
#include "reports/cluster_bootstrap_ci.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>

#include "reports/table_cells.h"

namespace gauntlet::reports {
namespace {

// A uniform draw in [0, 1) from the raw stream (std distributions vary by library).
double Uniform(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

TEST(ClusterBootstrap, IdenticalClustersGiveAZeroWidthInterval) {
  // Every resample draws 20 clusters of 3 of 5: the rate is 0.6 every time.
  const std::vector<ClusterCounts> clusters(20, ClusterCounts{5, 3});
  const Interval i = ClusterBootstrap95(clusters, 2000, 1);
  EXPECT_DOUBLE_EQ(i.lower, 0.6);
  EXPECT_DOUBLE_EQ(i.upper, 0.6);
}

TEST(ClusterBootstrap, SixSingleEpisodeClustersHaveBinomialPercentiles) {
  // Three of six clusters succeed. A resample's successes are Binomial(6, 1/2):
  // P(0) = 1/64 = 1.6% and P(<= 1) = 7/64 = 10.9%, so the 2.5th percentile of
  // the rate is 1/6 and, by symmetry, the 97.5th is 5/6 -- both far from
  // where the cumulative probability jumps, so 20000 resamples find them.
  const std::vector<ClusterCounts> clusters = {{1, 1}, {1, 1}, {1, 1}, {1, 0}, {1, 0}, {1, 0}};
  const Interval i = ClusterBootstrap95(clusters, 20000, 3);
  EXPECT_DOUBLE_EQ(i.lower, 1.0 / 6);
  EXPECT_DOUBLE_EQ(i.upper, 5.0 / 6);
}

TEST(ClusterBootstrap, UnequalClustersResampleTheirEpisodesTogether) {
  // Two clusters: 3 of 3 and 0 of 1. Resamples: both the first (1/4, rate 1),
  // one of each (1/2, rate 3/4), both the second (1/4, rate 0). The extremes
  // hold 25% each, so the interval is [0, 1]; the point is 3/4, not the
  // mean of the cluster rates (1/2).
  const Interval i = ClusterBootstrap95({{3, 3}, {1, 0}}, 4000, 5);
  EXPECT_DOUBLE_EQ(i.lower, 0.0);
  EXPECT_DOUBLE_EQ(i.upper, 1.0);
  EpisodeCounts counts;
  for (int k = 0; k < 3; ++k) counts.Add("s", "a", 0, true);
  counts.Add("s", "b", 0, false);
  EXPECT_DOUBLE_EQ(FiguresOf(counts, {IntervalMethod::kClusterBootstrap, 4000, 5}).rate, 0.75);
}

TEST(ClusterBootstrap, IsDeterministicForASeed) {
  std::vector<ClusterCounts> clusters;
  for (int k = 0; k < 30; ++k) clusters.push_back({2, k % 3 == 0 ? 2 : k % 3 == 1 ? 1 : 0});
  const Interval a = ClusterBootstrap95(clusters, 300, 42), b = ClusterBootstrap95(clusters, 300, 42);
  EXPECT_EQ(a.lower, b.lower);
  EXPECT_EQ(a.upper, b.upper);
  bool differs = false;
  for (std::uint64_t seed = 43; seed < 48; ++seed) {
    const Interval c = ClusterBootstrap95(clusters, 300, seed);
    differs = differs || c.lower != a.lower || c.upper != a.upper;
  }
  EXPECT_TRUE(differs) << "the seed should reach the generator";
}

TEST(ClusterBootstrap, CoversTheTrueRateAboutNinetyFivePercentOfTheTime) {
  // 400 simulated evaluations of 60 clusters of 2 independent episodes at
  // p = 0.7. A percentile bootstrap of 120 episodes covers close to its
  // nominal 95% (slightly under, as percentile intervals do at this size);
  // the bounds leave room for the simulation's own error (sd 1.1 points).
  std::mt19937_64 rng(2024);
  int covered = 0;
  const int evaluations = 400;
  for (int e = 0; e < evaluations; ++e) {
    std::vector<ClusterCounts> clusters;
    for (int c = 0; c < 60; ++c) clusters.push_back({2, (Uniform(rng) < 0.7) + (Uniform(rng) < 0.7)});
    const Interval i = ClusterBootstrap95(clusters, 400, rng());
    covered += i.lower <= 0.7 && 0.7 <= i.upper;
  }
  EXPECT_GE(covered, 0.90 * evaluations);
  EXPECT_LE(covered, 0.985 * evaluations);
}

TEST(ClusterBootstrap, IsWiderThanWilsonWhenClustersSucceedOrFailAsAWhole) {
  // 20 clusters of 10 episodes, each all successes or all failures: the
  // information is that of 20 trials, not 200. Wilson on 100/200 has a half
  // width of about 7 points; resampling 20 clusters about 22.
  EpisodeCounts counts;
  for (int c = 0; c < 20; ++c) {
    for (int k = 0; k < 10; ++k) counts.Add("s", "task", c, c % 2 == 0);
  }
  ASSERT_EQ(counts.clusters.size(), 20u);
  const Figures wilson = FiguresOf(counts, {});
  const Figures bootstrap = FiguresOf(counts, {IntervalMethod::kClusterBootstrap, 2000, 0});
  EXPECT_EQ(wilson.interval_method, "wilson");
  EXPECT_EQ(bootstrap.interval_method, "cluster-bootstrap");
  const double wilson_width = wilson.interval->upper - wilson.interval->lower;
  const double bootstrap_width = bootstrap.interval->upper - bootstrap.interval->lower;
  EXPECT_NEAR(wilson_width, 0.137, 0.005);
  EXPECT_GT(bootstrap_width, 2.5 * wilson_width);
}

TEST(EpisodeCounts, ClustersAreATasksInitialStateAcrossSeedsAndVariants) {
  EpisodeCounts a, b;
  a.Add("libero_spatial", "task_a", 3, true);   // one seed or variant ...
  a.Add("libero_spatial", "task_a", 3, false);  // ... and another of the same start
  a.Add("libero_spatial", "task_b", 3, true);
  b.Add("libero_goal", "task_a", 3, true);  // another suite's task of that name
  b.Add("libero_spatial", "task_a", 3, true);
  a.Add(b);
  EXPECT_EQ(a.episodes, 5);
  EXPECT_EQ(a.successes, 4);
  ASSERT_EQ(a.clusters.size(), 3u);
  const ClusterCounts& shared = a.clusters.at({"libero_spatial", "task_a", 3});
  EXPECT_EQ(shared.episodes, 3);
  EXPECT_EQ(shared.successes, 2);
}

TEST(IntervalMethod, NamesParseAndUnknownOnesAreListed) {
  EXPECT_EQ(ParseIntervalMethod("wilson").value(), IntervalMethod::kWilson);
  EXPECT_EQ(ParseIntervalMethod("cluster-bootstrap").value(), IntervalMethod::kClusterBootstrap);
  auto bad = ParseIntervalMethod("bca");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("wilson, cluster-bootstrap"), std::string::npos);
  EXPECT_EQ(IntervalDescription({}), "Wilson 95% interval");
  const std::string bootstrap = IntervalDescription({IntervalMethod::kClusterBootstrap, 500, 9});
  for (const char* part : {"cluster-bootstrap", "500 resamples", "(task, initial state)", "seed 9"}) {
    EXPECT_NE(bootstrap.find(part), std::string::npos) << part << " in " << bootstrap;
  }
}

}  // namespace
}  // namespace gauntlet::reports
