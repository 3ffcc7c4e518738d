// Splitting a run's work list into shards: parsing I/N, the cost-balanced
// deal (every item in exactly one shard, loads within one item of each
// other, round robin when costs are equal) and where a shard writes.
#include "app/shard_plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

namespace gauntlet::app {
namespace {

TEST(ShardPlan, ParsesIOverNAndRefusesWhatIsNot) {
  auto shard = ParseShard("2/7");
  ASSERT_TRUE(shard.ok()) << shard.error().message;
  EXPECT_EQ(shard.value().index, 2);
  EXPECT_EQ(shard.value().count, 7);
  for (const char* bad : {"7/7", "-1/3", "1", "1/0", "a/3", "1/3x", "/3", "1/"}) {
    auto refused = ParseShard(bad);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_NE(refused.error().message.find(std::string("'") + bad + "'"), std::string::npos) << refused.error().message;
  }
}

TEST(ShardPlan, EqualCostsAreDealtRoundRobinOverThePlan) {
  const std::vector<int> shard = AssignShards(std::vector<long long>(7, 220), 3);
  EXPECT_EQ(shard, (std::vector<int>{0, 1, 2, 0, 1, 2, 0}));
}

TEST(ShardPlan, MixedCostsStayBalancedAndEveryItemLandsOnce) {
  // RoboTwin-like step limits: 400, 500 and 1500 steps, 100 items each.
  std::vector<long long> costs;
  for (long long c : {400LL, 1500LL, 500LL}) costs.insert(costs.end(), 100, c);
  for (int n : {1, 2, 3, 7, 16}) {
    const std::vector<int> shard = AssignShards(costs, n);
    ASSERT_EQ(shard.size(), costs.size());
    std::vector<long long> load(n, 0);
    for (size_t i = 0; i < costs.size(); ++i) {
      ASSERT_GE(shard[i], 0);
      ASSERT_LT(shard[i], n);
      load[shard[i]] += costs[i];
    }
    const auto [lo, hi] = std::minmax_element(load.begin(), load.end());
    EXPECT_LE(*hi - *lo, 1500) << n << " shards";
    EXPECT_EQ(std::accumulate(load.begin(), load.end(), 0LL), std::accumulate(costs.begin(), costs.end(), 0LL));
    EXPECT_EQ(AssignShards(costs, n), shard);  // deterministic
  }
}

TEST(ShardPlan, AShardWritesBesideTheDbUnderTheRunsName) {
  EXPECT_EQ(ShardDbPath("out/results.db", "libero_spatial", {2, 7}), "out/results.libero_spatial.shard-2-of-7.db");
  EXPECT_EQ(ShardDbPath("r.db", "my run/a:b", {0, 1}), "r.my_run_a_b.shard-0-of-1.db");
}

}  // namespace
}  // namespace gauntlet::app
