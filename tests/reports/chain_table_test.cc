// The chain table (CALVIN) from subtask rows written through the store:
// the share of chains whose first K subtasks succeeded and the average
// successful length, counted by hand.
#include "reports/chain_table.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

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
  ASSERT_EQ(records.size(), 6u);
  const int expected[] = {8, 6, 5, 3, 2};
  for (int k = 1; k <= 5; ++k) {
    EXPECT_EQ(records[k - 1]["measure"], "completed_" + std::to_string(k));
    EXPECT_EQ(records[k - 1]["n"], 11);
    EXPECT_EQ(records[k - 1]["successes"], expected[k - 1]);
  }
  EXPECT_EQ(records[5]["measure"], "avg_length");
  EXPECT_NEAR(records[5]["avg_length"].get<double>(), 24.0 / 11, 1e-12);
  const std::string csv = FormatChainTable(t, TableFormat::kCsv);
  EXPECT_NE(csv.find("gr1,calvin-run,calvin_d,completed_3,11,5,0.454545,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("gr1,calvin-run,calvin_d,avg_length,11,,,,,,2.181818\n"), std::string::npos) << csv;
  const std::string tex = FormatChainTable(t, TableFormat::kLatex);
  EXPECT_NE(tex.find("\\multicolumn{5}{c}{Completed in a row}"), std::string::npos) << tex;
  EXPECT_NE(tex.find("\\cmidrule(lr){4-8}"), std::string::npos) << tex;
  EXPECT_NE(FormatChainTable(t, TableFormat::kHtml).find("colspan=\"5\">Completed in a row</th>"), std::string::npos);
}

}  // namespace
}  // namespace gauntlet::reports
