// `compare` on real SQLite files with known outcomes.
#include "reports/paired_comparison.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "results/results_store.h"
#include "tests/test_support.h"

namespace gauntlet::reports {
namespace {

class CompareTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::path(testing::TempDir("compare")) / "runs.db").string();
    store_ = results::ResultsStore::Open(path_).value();
  }
  // Writes a run whose episode i of `task` succeeds when success(i).
  template <class F>
  void Run(const std::string& name, const std::string& task, int n, F success, int seed = 7) {
    results::RunRecord run;
    run.name = name;
    run.suite = "s";
    run.config_json = "{\"n\": \"" + name + "\"}";
    run.planned_episodes = n;
    auto handle = store_->BeginRun(run, {"p", "p", "{}", ""});
    ASSERT_TRUE(handle.ok()) << handle.error().message;
    std::vector<EpisodeOutcome> outcomes;
    for (int i = 0; i < n; ++i) {
      EpisodeOutcome o;
      o.key = {"s", task, "default", i, static_cast<std::uint64_t>(seed)};
      o.status = success(i) ? EpisodeStatus::kSuccess : EpisodeStatus::kFailure;
      outcomes.push_back(o);
    }
    ASSERT_TRUE(store_->WriteEpisodes(handle.value(), outcomes).ok());
  }
  std::string path_;
  std::unique_ptr<results::ResultsStore> store_;
};

TEST_F(CompareTest, IdenticalRunsAreNotARegression) {
  Run("a", "t", 30, [](int i) { return i % 3 != 0; });
  Run("b", "t", 30, [](int i) { return i % 3 != 0; });
  auto c = CompareRuns(path_, {"a", "b"});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c.value().pairs, 30);
  EXPECT_EQ(c.value().difference, 0);
  EXPECT_EQ(c.value().tasks.at(0).p_value, 1.0);
  EXPECT_FALSE(c.value().regression);
}

TEST_F(CompareTest, ASignificantDropIsARegressionWithExactMcNemar) {
  Run("base", "t", 20, [](int) { return true; });
  Run("cand", "t", 20, [](int i) { return i >= 10; });  // 10 discordant pairs, all against
  auto c = CompareRuns(path_, {"base", "cand"});
  ASSERT_TRUE(c.ok());
  const TaskComparison& t = c.value().tasks.at(0);
  EXPECT_EQ(t.baseline_only, 10);
  EXPECT_EQ(t.candidate_only, 0);
  EXPECT_DOUBLE_EQ(t.p_value, 2.0 / 1024);
  EXPECT_DOUBLE_EQ(t.difference, -0.5);
  EXPECT_TRUE(t.regressed);
  EXPECT_TRUE(c.value().regression);
  EXPECT_NE(FormatComparison(c.value()).find("verdict: REGRESSION"), std::string::npos);
}

TEST_F(CompareTest, AMarginToleratesSmallDrops) {
  Run("base", "t", 20, [](int) { return true; });
  Run("cand", "t", 20, [](int i) { return i >= 10; });
  CompareOptions options{"base", "cand"};
  options.margin = 0.6;  // a 50-point drop is within a 60-point margin
  auto c = CompareRuns(path_, options);
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c.value().regression);
}

TEST_F(CompareTest, FewIdenticalClustersAloneDoNotMakeAVerdict) {
  // 4 pairs, all lost: the bootstrap interval collapses to [-1, -1], but the
  // exact test says p = 2/16, not significant at 0.05.
  Run("base", "t", 4, [](int) { return true; });
  Run("cand", "t", 4, [](int) { return false; });
  auto c = CompareRuns(path_, {"base", "cand"});
  ASSERT_TRUE(c.ok());
  EXPECT_DOUBLE_EQ(c.value().upper, -1.0);
  EXPECT_DOUBLE_EQ(c.value().p_value, 0.125);
  EXPECT_FALSE(c.value().regression);
}

TEST_F(CompareTest, UnpairedEpisodesAreCountedNotCompared) {
  Run("base", "t", 10, [](int) { return true; });
  Run("cand", "t", 12, [](int) { return true; });
  Run("other-seed", "t", 10, [](int) { return true; }, /*seed=*/8);
  auto c = CompareRuns(path_, {"base", "cand"});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c.value().pairs, 10);
  EXPECT_EQ(c.value().unpaired_candidate, 2);
  EXPECT_EQ(c.value().unpaired_baseline, 0);
  EXPECT_NE(FormatComparison(c.value()).find("2 only in the candidate"), std::string::npos);
  auto none = CompareRuns(path_, {"base", "other-seed"});
  ASSERT_FALSE(none.ok());  // nothing paired: an error, never a passing gate
  EXPECT_NE(none.error().message.find("share no episode key"), std::string::npos);
}

TEST_F(CompareTest, UnknownRunListsTheRuns) {
  Run("base", "t", 1, [](int) { return true; });
  auto c = CompareRuns(path_, {"base", "nightly-42"});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("no run named 'nightly-42' (runs: base)"), std::string::npos);
}

}  // namespace
}  // namespace gauntlet::reports
