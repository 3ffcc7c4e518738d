#include "reports/wilson.h"

#include <gtest/gtest.h>

namespace gauntlet::reports {
namespace {

// Expected bounds computed by hand from Wilson's formula with z = 1.95996.
TEST(WilsonTest, MatchesHandComputedBounds) {
  Interval ci = Wilson95(45, 50);
  EXPECT_NEAR(ci.lower, 0.7864, 5e-5);
  EXPECT_NEAR(ci.upper, 0.9565, 5e-5);
  ci = Wilson95(10, 30);
  EXPECT_NEAR(ci.lower, 0.1923, 5e-5);
  EXPECT_NEAR(ci.upper, 0.5122, 5e-5);
}

TEST(WilsonTest, StaysInsideTheUnitIntervalAtTheExtremes) {
  Interval none = Wilson95(0, 10);
  EXPECT_EQ(none.lower, 0.0);
  EXPECT_NEAR(none.upper, 0.2775, 5e-5);
  Interval all = Wilson95(10, 10);
  EXPECT_NEAR(all.lower, 0.7225, 5e-5);
  EXPECT_LE(all.upper, 1.0);
  EXPECT_NEAR(all.upper, 1.0, 1e-12);
}

}  // namespace
}  // namespace gauntlet::reports
