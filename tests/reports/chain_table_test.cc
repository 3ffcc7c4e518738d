// The chain table (CALVIN) from subtask rows written through the store:
// the share of chains whose first K subtasks succeeded and the average
// successful length, counted by hand.
#include "reports/chain_table.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "reports/wilson.h"
#include "tests/reports/chain_results.h"
#include "tests/reports/results_file.h"

namespace gauntlet::reports {
namespace {

using nlohmann::json;

class ChainTableTest : public ::testing::Test {
 protected:
  // Subtask rows as a chain runner writes them: positions 0.. in order,
  // successes up to `length`, then the failed one (none after 5).
  static void Chain(std::vector<std::pair<EpisodeKey, Event>>& events, const EpisodeKey& key, int length) {
    for (int position = 0; position < std::min(length + 1, 5); ++position) {
      const std::string name = "step" + std::to_string(position);
      events.push_back({key, SubtaskResult{position, name, "do " + name, position < length, 40, 40 * position}});
    }
  }

  void SetUp() override {
    const auto run = file_.Begin("calvin-run", "calvin_d", testing::ResultsFile::Policy("gr1"));
    std::vector<EpisodeOutcome> outcomes;
    std::vector<std::pair<EpisodeKey, Event>> events;
    const int lengths[] = {5, 5, 4, 3, 3, 2, 1, 1, 0};
    for (int i = 0; i < 9; ++i) {
      outcomes.push_back(testing::ResultsFile::Outcome("calvin_d", "chain", i, lengths[i] == 5));
      Chain(events, outcomes.back().key, lengths[i]);
    }
    // A first subtask failed and a second that succeeded: length 0 all the same.
    outcomes.push_back(testing::ResultsFile::Outcome("calvin_d", "chain", 9, false));
    events.push_back({outcomes.back().key, SubtaskResult{0, "a", "do a", false, 40, 0}});
    events.push_back({outcomes.back().key, SubtaskResult{1, "b", "do b", true, 40, 40}});
    // An episode that ended (an error) before any subtask row: length 0.
    outcomes.push_back(testing::ResultsFile::Outcome("calvin_d", "chain", 10, false));
    outcomes.back().status = EpisodeStatus::kError;
    file_.Write(run, outcomes);
    file_.Write(run, events);
    file_.Run("plain", "libero_spatial", testing::ResultsFile::Policy("oracle"), 5, 5);  // no chains
  }

  ChainTable Table() const {
    auto table = BuildChainTable(file_.path());
    EXPECT_TRUE(table.ok()) << table.error().message;
    return table.value();
  }

  testing::ResultsFile file_{"chain_table"};
};

TEST_F(ChainTableTest, LengthsAreConsecutiveSuccessesFromTheFirstSubtask) {
  const ChainTable t = Table();
  EXPECT_EQ(t.positions, 5);
  ASSERT_EQ(t.runs.size(), 1u);
  std::vector<int> lengths;
  for (const auto& chain : t.runs[0].chains) lengths.push_back(chain.second);
  EXPECT_EQ(lengths, (std::vector<int>{5, 5, 4, 3, 3, 2, 1, 1, 0, 0, 0}));
}

TEST_F(ChainTableTest, EveryFormatHasTheSharesAndTheAverageLength) {
  const ChainTable t = Table();
  // Of 11 chains: >= 1: 8, >= 2: 6, >= 3: 5, >= 4: 3, all 5: 2; Avg. Len. = 24 / 11 = 2.18.
  const std::string md = FormatChainTable(t, TableFormat::kMarkdown);
  EXPECT_NE(md.find("| Policy | Run | Chains | Completed in a row: 1 | Completed in a row: 2 |"), std::string::npos)
      << md;
  EXPECT_NE(md.find("| gr1 | calvin-run | 11 | 72.7 ["), std::string::npos) << md;
  EXPECT_NE(md.find("| 18.2 ["), std::string::npos) << md;
  EXPECT_NE(md.find("| 2.18 |"), std::string::npos) << md;
  const auto records = json::parse(FormatChainTable(t, TableFormat::kJson));
  // Five completed_K, avg_length, then a task_success per task: step0..4 and "a".
  ASSERT_EQ(records.size(), 12u);
  const int expected[] = {8, 6, 5, 3, 2};
  for (int k = 1; k <= 5; ++k) {
    EXPECT_EQ(records[k - 1]["measure"], "completed_" + std::to_string(k));
    EXPECT_EQ(records[k - 1]["n"], 11);
    EXPECT_EQ(records[k - 1]["successes"], expected[k - 1]);
  }
  EXPECT_EQ(records[5]["measure"], "avg_length");
  EXPECT_NEAR(records[5]["avg_length"].get<double>(), 24.0 / 11, 1e-12);
  const std::string csv = FormatChainTable(t, TableFormat::kCsv);
  EXPECT_NE(csv.find("gr1,calvin-run,calvin_d,completed_3,,11,5,0.454545,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("gr1,calvin-run,calvin_d,avg_length,,11,,,,,,2.181818\n"), std::string::npos) << csv;
  const std::string tex = FormatChainTable(t, TableFormat::kLatex);
  EXPECT_NE(tex.find("\\multicolumn{5}{c}{Completed in a row}"), std::string::npos) << tex;
  EXPECT_NE(tex.find("\\cmidrule(lr){4-8}"), std::string::npos) << tex;
  EXPECT_NE(FormatChainTable(t, TableFormat::kHtml).find("colspan=\"5\">Completed in a row</th>"), std::string::npos);
}

TEST_F(ChainTableTest, PerTaskSuccessCountsCompletedSubtasksAndTheFailureThatBrokeEachChain) {
  const ChainTable t = Table();
  const auto& tasks = t.runs[0].tasks;
  // Lengths 5, 5, 4, 3, 3, 2, 1, 1, 0 over step0..step4, then "a" failed
  // first ("b" after it is past the break) and a chain with no rows.
  const std::map<std::string, std::pair<int, int>> expected = {
      {"step0", {8, 9}}, {"step1", {6, 8}}, {"step2", {5, 6}}, {"step3", {3, 5}}, {"step4", {2, 3}}, {"a", {0, 1}}};
  ASSERT_EQ(tasks.size(), expected.size());
  for (const auto& [task, counts] : expected) {
    EXPECT_EQ(tasks.at(task).successes, counts.first) << task;
    EXPECT_EQ(tasks.at(task).episodes, counts.second) << task;
  }
  EXPECT_EQ(t.runs[0].unattributed, 1);
}

// Chains of CALVIN tasks with a run configuration, breaking at different
// positions (tests/reports/chain_results.h has the hand count).
class MixedChainsTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::WriteChainRun(file_, "calvin-mixed", testing::MixedChains()); }

  ChainTable Table() const {
    auto table = BuildChainTable(file_.path());
    EXPECT_TRUE(table.ok()) << table.error().message;
    return table.value();
  }

  testing::ResultsFile file_{"chain_mixed"};
};

TEST_F(MixedChainsTest, InARowSharesAverageLengthAndPerTaskCountsMatchAHandCount) {
  const ChainTable t = Table();
  ASSERT_EQ(t.runs.size(), 1u);
  const RunChains& run = t.runs[0];
  EXPECT_EQ(t.positions, 5);
  EXPECT_EQ(run.length, 5);
  ASSERT_EQ(run.chains.size(), 6u);
  const int in_a_row[] = {4, 4, 3, 2, 1};
  for (int k = 1; k <= 5; ++k) {
    EXPECT_EQ(CompletedInARow(run, k).successes, in_a_row[k - 1]) << k;
    EXPECT_EQ(CompletedInARow(run, k).episodes, 6) << k;
  }
  EXPECT_DOUBLE_EQ(AverageLength(run), 14.0 / 6);
  const std::map<std::string, std::pair<int, int>> expected = {
      {"open_drawer", {4, 4}},           {"turn_on_led", {2, 3}},         {"move_slider_left", {2, 2}},
      {"move_slider_right", {1, 2}},     {"turn_on_lightbulb", {0, 1}},   {"rotate_red_block_right", {0, 1}},
      {"lift_red_block_table", {1, 1}},  {"place_in_drawer", {1, 1}},     {"lift_pink_block_table", {1, 1}},
      {"place_in_slider", {1, 1}},       {"turn_off_led", {1, 1}}};
  ASSERT_EQ(run.tasks.size(), expected.size());
  int successes = 0, failures = 0;
  for (const auto& [task, counts] : expected) {
    EXPECT_EQ(run.tasks.at(task).successes, counts.first) << task;
    EXPECT_EQ(run.tasks.at(task).episodes, counts.second) << task;
    successes += counts.first;
    failures += counts.second - counts.first;
  }
  // Every completed subtask is one task success; every chain that broke at
  // a recorded subtask one failure; the errored chain is charged to none.
  EXPECT_EQ(successes, 14);
  EXPECT_EQ(failures, 4);
  EXPECT_EQ(run.unattributed, 1);
}

TEST_F(MixedChainsTest, ThePerTaskTableIsASecondTableAndTidyRecords) {
  const ChainTable t = Table();
  const std::string md = FormatChainTable(t, TableFormat::kMarkdown);
  EXPECT_NE(md.find("| gr1 | calvin-mixed | 6 | 66.7 ["), std::string::npos) << md;
  EXPECT_NE(md.find("| 2.33 |"), std::string::npos) << md;
  const size_t second = md.find("| Policy | Run | Task | Successes | Total | Success |");
  ASSERT_NE(second, std::string::npos) << md;
  EXPECT_GT(second, md.find("| Policy | Run | Chains |"));
  const Interval ci = Wilson95(2, 3);
  EXPECT_NE(md.find("| gr1 | calvin-mixed | turn_on_led | 2 | 3 | 66.7 [" + Percent(ci.lower) + ", " +
                    Percent(ci.upper) + "]"),
            std::string::npos)
      << md;

  const auto records = json::parse(FormatChainTable(t, TableFormat::kJson));
  int task_records = 0;
  for (const auto& r : records) {
    if (r["measure"] != "task_success") continue;
    ++task_records;
    if (r["task"] != "move_slider_right") continue;
    EXPECT_EQ(r["n"], 2);
    EXPECT_EQ(r["successes"], 1);
    EXPECT_EQ(r["ci_method"], "wilson");
    EXPECT_NEAR(r["ci_low"].get<double>(), Wilson95(1, 2).lower, 1e-12);
  }
  EXPECT_EQ(task_records, 11);
  const std::string csv = FormatChainTable(t, TableFormat::kCsv);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "policy,run,suite,measure,task,n,successes,rate,ci_low,ci_high,ci_method,avg_length");
  EXPECT_NE(csv.find("gr1,calvin-mixed,calvin,task_success,turn_on_led,3,2,0.666667,"), std::string::npos) << csv;

  // The same intervals as the first table: here the cluster bootstrap.
  IntervalOptions bootstrap;
  bootstrap.method = IntervalMethod::kClusterBootstrap;
  bootstrap.bootstrap_samples = 200;
  for (const auto& r : json::parse(FormatChainTable(t, TableFormat::kJson, bootstrap))) {
    if (r["measure"] != "avg_length") {
      EXPECT_EQ(r["ci_method"], "cluster-bootstrap") << r.dump();
    }
  }
}

TEST(ChainColumns, ARunWhoseChainsAllFailedFirstStillShowsItsPlannedLength) {
  testing::ResultsFile file("chain_columns");
  std::vector<testing::PlayedChain> chains;
  for (const auto& c : testing::MixedChains()) chains.push_back({c.name, c.subtasks, 0});
  testing::WriteChainRun(file, "all-fail", chains);
  auto table = BuildChainTable(file.path());
  ASSERT_TRUE(table.ok()) << table.error().message;
  EXPECT_EQ(table.value().positions, 5);
  const std::string md = FormatChainTable(table.value(), TableFormat::kMarkdown);
  EXPECT_NE(md.find("| Completed in a row: 5 | Avg. Len. |"), std::string::npos) << md;
  EXPECT_NE(md.find("| gr1 | all-fail | 6 | 0.0 ["), std::string::npos) << md;
  const auto records = json::parse(FormatChainTable(table.value(), TableFormat::kJson));
  EXPECT_EQ(records[4]["measure"], "completed_5");
  EXPECT_EQ(records[4]["successes"], 0);
  EXPECT_EQ(records[5]["avg_length"], 0.0);

  // A run of two-subtask chains beside it: its columns past 2 are empty and
  // it has no records for them.
  testing::WriteChainRun(file, "pairs", {{"p0", {"open_drawer", "turn_on_led"}, 2}, {"p1", {"turn_on_led", "open_drawer"}, 1}});
  table = BuildChainTable(file.path());
  ASSERT_TRUE(table.ok()) << table.error().message;
  EXPECT_EQ(table.value().positions, 5);
  EXPECT_EQ(table.value().runs[1].length, 2);
  EXPECT_NE(FormatChainTable(table.value(), TableFormat::kMarkdown).find("| gr1 | pairs | 2 | 100.0 ["), std::string::npos);
  EXPECT_NE(FormatChainTable(table.value(), TableFormat::kMarkdown).find("| - | - | - | 1.50 |"), std::string::npos)
      << FormatChainTable(table.value(), TableFormat::kMarkdown);
  int pair_records = 0;
  for (const auto& r : json::parse(FormatChainTable(table.value(), TableFormat::kJson))) {
    if (r["run"] == "pairs" && r["measure"] != "task_success") ++pair_records;
  }
  EXPECT_EQ(pair_records, 3);  // completed_1, completed_2, avg_length
}

}  // namespace
}  // namespace gauntlet::reports
