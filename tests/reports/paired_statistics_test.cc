// Paired statistics against values computed independently (exact binomial
// sums by hand, textbook BH examples, published normal quantiles).
#include "reports/paired_statistics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace gauntlet::reports {
namespace {

TEST(PairedStatistics, ExactMcNemarMatchesBinomialSums) {
  // b=1, c=9: 2 * (C(10,0) + C(10,1)) / 2^10 = 22 / 1024.
  EXPECT_DOUBLE_EQ(ExactMcNemarP(1, 9), 22.0 / 1024);
  EXPECT_DOUBLE_EQ(ExactMcNemarP(9, 1), 22.0 / 1024);
  // b=0, c=6: 2 / 64.
  EXPECT_NEAR(ExactMcNemarP(0, 6), 2.0 / 64, 1e-15);
  // b=3, c=12: 2 * (1 + 15 + 105 + 455) / 32768 = 1152 / 32768.
  EXPECT_NEAR(ExactMcNemarP(3, 12), 1152.0 / 32768, 1e-14);
  EXPECT_EQ(ExactMcNemarP(5, 5), 1.0);
  EXPECT_EQ(ExactMcNemarP(0, 0), 1.0);
  // Large counts stay finite and symmetric.
  EXPECT_NEAR(ExactMcNemarP(400, 520), ExactMcNemarP(520, 400), 1e-15);
  EXPECT_LT(ExactMcNemarP(400, 520), 1e-4);
  EXPECT_GT(ExactMcNemarP(400, 520), 0);
}

TEST(PairedStatistics, BenjaminiHochbergStepUp) {
  // Sorted 0.005, 0.01, 0.03, 0.04 (m = 4): 0.02, 0.02, 0.04, 0.04.
  const std::vector<double> q = BenjaminiHochberg({0.01, 0.04, 0.03, 0.005});
  ASSERT_EQ(q.size(), 4u);
  EXPECT_DOUBLE_EQ(q[0], 0.02);
  EXPECT_DOUBLE_EQ(q[1], 0.04);
  EXPECT_DOUBLE_EQ(q[2], 0.04);
  EXPECT_DOUBLE_EQ(q[3], 0.02);
  // Monotonicity: a larger p never gets a smaller q; capped at 1.
  const std::vector<double> capped = BenjaminiHochberg({0.9, 0.8, 0.6});
  EXPECT_DOUBLE_EQ(capped[0], 0.9);
  EXPECT_DOUBLE_EQ(capped[1], 0.9);
  EXPECT_DOUBLE_EQ(capped[2], 0.9);
}

TEST(PairedStatistics, NormalQuantileMatchesTables) {
  EXPECT_NEAR(NormalQuantile(0.975), 1.959963984540054, 1e-12);
  EXPECT_NEAR(NormalQuantile(0.8), 0.8416212335729143, 1e-12);
  EXPECT_NEAR(NormalQuantile(0.5), 0.0, 1e-15);
  EXPECT_NEAR(NormalQuantile(1e-6), -4.753424308822899, 1e-10);
  EXPECT_NEAR(NormalQuantile(0.999), 3.090232306167813, 1e-12);
}

TEST(PairedStatistics, BootstrapIntervalIsReproducibleAndBracketsTheEstimate) {
  std::vector<PairedCluster> same(20, PairedCluster{5, 4, 3});
  BootstrapResult flat = PairedClusterBootstrap(same, 2000, 1, 0.05);
  EXPECT_DOUBLE_EQ(flat.difference, -0.2);
  EXPECT_DOUBLE_EQ(flat.lower, -0.2);
  EXPECT_DOUBLE_EQ(flat.upper, -0.2);

  std::vector<PairedCluster> mixed;
  for (int i = 0; i < 30; ++i) mixed.push_back({1, i % 2, i % 3 == 0 ? 1 : 0});
  BootstrapResult a = PairedClusterBootstrap(mixed, 5000, 7, 0.05);
  BootstrapResult b = PairedClusterBootstrap(mixed, 5000, 7, 0.05);
  EXPECT_EQ(a.lower, b.lower);
  EXPECT_EQ(a.upper, b.upper);
  EXPECT_LE(a.lower, a.difference);
  EXPECT_GE(a.upper, a.difference);
  EXPECT_GE(a.lower, -1.0);
  EXPECT_LE(a.upper, 1.0);
  EXPECT_LT(a.lower, a.upper);
}

TEST(PairedStatistics, MinimumDetectableEffect) {
  // (z_0.975 + z_0.8) * sqrt(0.1 / 500).
  EXPECT_NEAR(MinimumDetectableEffect(500, 0.1, 0.05, 0.8),
              (1.959963984540054 + 0.8416212335729143) * std::sqrt(0.1 / 500), 1e-12);
  // No observed discordance still gives a finite floor (one pair in n).
  EXPECT_NEAR(MinimumDetectableEffect(100, 0.0, 0.05, 0.8),
              (1.959963984540054 + 0.8416212335729143) * std::sqrt(0.01 / 100), 1e-12);
}

}  // namespace
}  // namespace gauntlet::reports
