#include "results/run_reader.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "results/results_store.h"
#include "tests/test_support.h"

namespace gauntlet::results {
namespace {

EpisodeOutcome Outcome(const std::string& task, std::uint64_t seed, EpisodeStatus status,
                       int steps) {
  EpisodeOutcome outcome;
  outcome.key = EpisodeKey{"suite", task, "default", 0, seed};
  outcome.status = status;
  outcome.steps = steps;
  return outcome;
}

TEST(RunReaderTest, ListsRunsAndCountsEpisodesByTask) {
  std::string path = (std::filesystem::path(testing::TempDir("run_reader")) / "r.db").string();
  {
    std::unique_ptr<ResultsStore> store = ResultsStore::Open(path).value();
    RunRecord record;
    record.name = "baseline";
    record.suite = "suite";
    record.config_json = "{}";
    record.git_sha = "abc";
    record.render_backend = "osmesa";
    record.planned_episodes = 10;
    RunHandle run = store->BeginRun(record, {"noop", "noop", "{}", ""}).value();
    ASSERT_TRUE(store
                    ->WriteEpisodes(run, {Outcome("b", 1, EpisodeStatus::kSuccess, 100),
                                          Outcome("b", 2, EpisodeStatus::kSuccess, 50),
                                          Outcome("b", 3, EpisodeStatus::kTimeout, 300),
                                          Outcome("a", 1, EpisodeStatus::kFailure, 220),
                                          Outcome("a", 2, EpisodeStatus::kError, 5)})
                    .ok());
    ASSERT_TRUE(store->FinishRun(run, /*completed=*/false).ok());
  }

  Result<RunReader> reader = RunReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  std::vector<RunInfo> runs = reader.value().ListRuns().value();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].name, "baseline");
  EXPECT_EQ(runs[0].status, "interrupted");
  EXPECT_FALSE(runs[0].finished_at.empty());
  EXPECT_EQ(runs[0].policy_name, "noop");
  EXPECT_EQ(runs[0].render_backend, "osmesa");
  EXPECT_EQ(runs[0].planned_episodes, 10);
  EXPECT_EQ(runs[0].recorded_episodes, 5);

  std::vector<TaskCounts> tasks = reader.value().CountByTask(runs[0].run_id).value();
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0].task, "a");
  EXPECT_EQ(tasks[0].episodes, 2);
  EXPECT_EQ(tasks[0].successes, 0);
  EXPECT_EQ(tasks[0].failures, 1);
  EXPECT_EQ(tasks[0].errors, 1);
  EXPECT_FALSE(tasks[0].mean_success_steps.has_value());
  EXPECT_EQ(tasks[1].task, "b");
  EXPECT_EQ(tasks[1].episodes, 3);
  EXPECT_EQ(tasks[1].successes, 2);
  EXPECT_EQ(tasks[1].timeouts, 1);
  EXPECT_DOUBLE_EQ(tasks[1].mean_success_steps.value(), 75.0);  // timeouts' steps excluded
}

TEST(RunReaderTest, MissingFileIsAnErrorNamingIt) {
  std::string path = testing::TempDir("run_reader") + "/absent.db";
  Result<RunReader> reader = RunReader::Open(path);
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.error().message.find(path), std::string::npos) << reader.error().message;
  EXPECT_FALSE(std::filesystem::exists(path));  // reading never creates a database
}

}  // namespace
}  // namespace gauntlet::results
