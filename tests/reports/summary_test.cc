#include "reports/summary.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "reports/chain_table.h"
#include "reports/wilson.h"
#include "results/results_store.h"
#include "tests/reports/chain_results.h"
#include "tests/test_support.h"

namespace gauntlet::reports {
namespace {

using results::ResultsStore;
using results::RunHandle;

const std::string kLongTask =
    "KITCHEN_SCENE3_turn_on_the_stove_and_put_the_moka_pot_on_it_then_close_the_top_drawer";

class SummaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::path(testing::TempDir("summary")) / "results.db").string();
    store_ = ResultsStore::Open(path_).value();
  }

  RunHandle Begin(const std::string& name, int planned) {
    results::RunRecord run;
    run.name = name;
    run.suite = "libero_spatial";
    run.config_json = R"({"name": ")" + name + R"("})";
    run.git_sha = "0123abcd";
    run.render_backend = "egl";
    run.planned_episodes = planned;
    return store_->BeginRun(run, {"oracle", "oracle", "{}", ""}).value();
  }

  // Writes `count` episodes of `task` ending in `status`, seeds continuing
  // from those already written for the task.
  void Write(const RunHandle& run, const std::string& task, EpisodeStatus status, int count) {
    std::vector<EpisodeOutcome> outcomes;
    for (int i = 0; i < count; ++i) {
      EpisodeOutcome outcome;
      outcome.key = EpisodeKey{"libero_spatial", task, "default", 0, next_seed_[task]++};
      outcome.status = status;
      outcomes.push_back(outcome);
    }
    ASSERT_TRUE(store_->WriteEpisodes(run, outcomes).ok());
  }

  std::string Summary(const std::string& run_name = "") const {
    Result<std::string> text = FormatSummary(path_, {run_name});
    EXPECT_TRUE(text.ok()) << text.error().message;
    return text.value();
  }

  std::string path_;
  std::unique_ptr<ResultsStore> store_;
  std::map<std::string, std::uint64_t> next_seed_;
};

// The row whose first cell starts with `label`, with runs of spaces collapsed.
std::string Row(const std::string& text, const std::string& label) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(label, 0) != 0) continue;
    std::istringstream words(line);
    std::string collapsed;
    for (std::string word; words >> word;) collapsed += (collapsed.empty() ? "" : " ") + word;
    return collapsed;
  }
  return "(no row starting with '" + label + "')";
}

TEST_F(SummaryTest, RatesIntervalsAndTotalsComeFromRawCounts) {
  RunHandle run = Begin("oracle-spatial", 100);
  Write(run, "pick_up_the_black_bowl", EpisodeStatus::kSuccess, 45);
  Write(run, "pick_up_the_black_bowl", EpisodeStatus::kFailure, 3);
  Write(run, "pick_up_the_black_bowl", EpisodeStatus::kError, 1);
  Write(run, "pick_up_the_black_bowl", EpisodeStatus::kTimeout, 1);
  Write(run, "open_drawer", EpisodeStatus::kSuccess, 10);
  Write(run, "open_drawer", EpisodeStatus::kFailure, 20);
  ASSERT_TRUE(store_->FinishRun(run, /*completed=*/false).ok());

  std::string text = Summary();
  // task | n | success | rate % | Wilson 95% CI | failures | errors | timeouts
  EXPECT_EQ(Row(text, "pick_up_the_black_bowl"),
            "pick_up_the_black_bowl 50 45 90.0 [78.6, 95.7] 3 1 1")
      << text;
  EXPECT_EQ(Row(text, "open_drawer"), "open_drawer 30 10 33.3 [19.2, 51.2] 20 0 0") << text;
  // 55/80 = 68.8%, not the 61.7% that averaging the two rates would give.
  EXPECT_EQ(Row(text, "total"), "total (libero_spatial) 80 55 68.8 [57.9, 77.8] 23 1 1") << text;
  EXPECT_EQ(Row(text, "task"),
            "task n success rate % Wilson 95% CI failures errors timeouts")
      << text;
}

TEST_F(SummaryTest, HeaderDescribesTheRun) {
  RunHandle run = Begin("oracle-spatial", 1);
  Write(run, "t", EpisodeStatus::kSuccess, 1);
  ASSERT_TRUE(store_->FinishRun(run, /*completed=*/true).ok());
  std::string header = Summary().substr(0, Summary().find('\n'));
  for (const char* part : {"run oracle-spatial", "suite libero_spatial", "policy oracle (oracle)",
                           "completed", "started 20", "git 0123abcd", "render egl"}) {
    EXPECT_NE(header.find(part), std::string::npos) << part << " not in: " << header;
  }
}

TEST_F(SummaryTest, IncompleteRunSaysHowToResume) {
  RunHandle run = Begin("partial", 5);
  Write(run, "t", EpisodeStatus::kSuccess, 3);
  EXPECT_NE(Summary().find("3/5 episodes; run is running; if its process died, rerun the same "
                           "command to resume"),
            std::string::npos)
      << Summary();
  ASSERT_TRUE(store_->FinishRun(run, /*completed=*/false).ok());
  EXPECT_NE(Summary().find("3/5 episodes; run is interrupted \u2014 rerun the same command to "
                           "resume"),
            std::string::npos)
      << Summary();
}

TEST_F(SummaryTest, CompleteRunHasNoResumeNote) {
  RunHandle run = Begin("full", 2);
  Write(run, "t", EpisodeStatus::kSuccess, 2);
  ASSERT_TRUE(store_->FinishRun(run, /*completed=*/true).ok());
  EXPECT_EQ(Summary().find("episodes;"), std::string::npos) << Summary();
}

TEST_F(SummaryTest, LongTaskNamesAreShortenedInTheMiddle) {
  RunHandle run = Begin("long", 1);
  Write(run, kLongTask, EpisodeStatus::kFailure, 1);
  std::string text = Summary();
  EXPECT_EQ(text.find(kLongTask), std::string::npos);
  EXPECT_NE(text.find("KITCHEN_SCENE3_turn_on"), std::string::npos) << text;
  EXPECT_NE(text.find("\u2026"), std::string::npos) << text;
  EXPECT_NE(text.find("close_the_top_drawer"), std::string::npos) << text;
}

TEST_F(SummaryTest, SharedWordsOfTaskNamesAreElidedAndSuiteOrderKept) {
  results::RunRecord run;
  run.name = "ordered";
  run.suite = "libero_spatial";
  // The run's task list fixes the row order (LIBERO task ids), not the alphabet.
  run.config_json = R"({"tasks": [{"name": "pick_up_the_bowl_on_the_stove_and_place_it_on_the_plate"},
                                   {"name": "pick_up_the_bowl_from_table_center_and_place_it_on_the_plate"}]})";
  run.planned_episodes = 2;
  RunHandle handle = store_->BeginRun(run, {"oracle", "oracle", "{}", ""}).value();
  Write(handle, "pick_up_the_bowl_from_table_center_and_place_it_on_the_plate", EpisodeStatus::kSuccess, 1);
  Write(handle, "pick_up_the_bowl_on_the_stove_and_place_it_on_the_plate", EpisodeStatus::kFailure, 1);
  const std::string text = Summary();
  const size_t stove = text.find("\u2026on_the_stove\u2026");
  const size_t center = text.find("\u2026from_table_center\u2026");
  ASSERT_NE(stove, std::string::npos) << text;
  ASSERT_NE(center, std::string::npos) << text;
  EXPECT_LT(stove, center) << text;
}

TEST_F(SummaryTest, SelectsOneRunByName) {
  Write(Begin("first", 1), "t", EpisodeStatus::kSuccess, 1);
  Write(Begin("second", 1), "t", EpisodeStatus::kFailure, 1);
  std::string both = Summary();
  EXPECT_NE(both.find("run first"), std::string::npos);
  EXPECT_NE(both.find("run second"), std::string::npos);
  std::string one = Summary("second");
  EXPECT_EQ(one.find("run first"), std::string::npos) << one;
  EXPECT_NE(one.find("run second"), std::string::npos) << one;

  Result<std::string> missing = FormatSummary(path_, {"third"});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("no run named 'third' (runs: first, second)"),
            std::string::npos)
      << missing.error().message;
}

TEST_F(SummaryTest, ARunWithoutChainsHasNoChainBlock) {
  Write(Begin("plain", 1), "t", EpisodeStatus::kSuccess, 1);
  EXPECT_EQ(Summary().find("completed in a row"), std::string::npos) << Summary();
}

// A CALVIN-style run (tests/reports/chain_results.h has its hand count):
// after the episode table, the chain block with the chain table's numbers.
TEST(SummaryChains, PrintsTheChainBlockAfterTheEpisodeTable) {
  testing::ResultsFile file("summary_chains");
  testing::WriteChainRun(file, "calvin-mixed", testing::MixedChains());
  Result<std::string> summary = FormatSummary(file.path(), {});
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  const std::string& text = summary.value();
  const size_t block = text.find("chains: 6, planned length 5\n");
  ASSERT_NE(block, std::string::npos) << text;
  EXPECT_GT(block, text.find("total (calvin)")) << text;
  EXPECT_EQ(Row(text, "completed in a row"), "completed in a row chains success rate % Wilson 95% CI") << text;
  const int in_a_row[] = {4, 4, 3, 2, 1};
  for (int k = 1; k <= 5; ++k) {
    const Interval ci = Wilson95(in_a_row[k - 1], 6);
    EXPECT_EQ(Row(text, std::to_string(k) + " "),
              std::to_string(k) + " 6 " + std::to_string(in_a_row[k - 1]) + " " + Percent(in_a_row[k - 1] / 6.0) +
                  " [" + Percent(ci.lower) + ", " + Percent(ci.upper) + "]")
        << text;
  }
  EXPECT_NE(text.find("average length 2.33 (14 subtasks done / 6 chains)\n"), std::string::npos) << text;
  EXPECT_EQ(Row(text, "chain task"), "chain task total success rate % Wilson 95% CI") << text;
  const Interval ci = Wilson95(2, 3);
  EXPECT_EQ(Row(text, "turn_on_led"), "turn_on_led 3 2 66.7 [" + Percent(ci.lower) + ", " + Percent(ci.upper) + "]")
      << text;
  EXPECT_NE(text.find("1 chain(s) ended without a failed subtask row"), std::string::npos) << text;

  // Every per-task line says what the report's task_success record says.
  auto table = BuildChainTable(file.path());
  ASSERT_TRUE(table.ok());
  int compared = 0;
  for (const auto& r : nlohmann::json::parse(FormatChainTable(table.value(), TableFormat::kJson))) {
    if (r["measure"] != "task_success") continue;
    const std::string task = r["task"];
    EXPECT_EQ(Row(text, task + " "), task + " " + std::to_string(r["n"].get<int>()) + " " +
                                         std::to_string(r["successes"].get<int>()) + " " +
                                         Percent(r["rate"].get<double>()) + " [" +
                                         Percent(r["ci_low"].get<double>()) + ", " +
                                         Percent(r["ci_high"].get<double>()) + "]");
    ++compared;
  }
  EXPECT_EQ(compared, 11);
}

}  // namespace
}  // namespace gauntlet::reports
