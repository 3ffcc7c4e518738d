// The suite table from a real results file: cells counted from episode rows,
// averages from counts, every format.
#include "reports/suite_table.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "results/results_store.h"
#include "tests/test_support.h"

namespace gauntlet::reports {
namespace {

class SuiteTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::path(testing::TempDir("suite_table")) / "results.db").string();
    store_ = results::ResultsStore::Open(path_).value();
  }

  // A run of `policy` on `suite` with `successes` of `episodes` over two tasks.
  void Run(const std::string& name, const std::string& policy, const std::string& suite, int successes,
           int episodes) {
    results::RunRecord run;
    run.name = name;
    run.suite = suite;
    run.config_json = R"({"run": ")" + name + R"("})";
    run.git_sha = "0123abcd";
    run.render_backend = "egl";
    run.planned_episodes = episodes;
    auto handle = store_->BeginRun(run, {policy, "oracle", "{}", ""}).value();
    std::vector<EpisodeOutcome> outcomes;
    for (int i = 0; i < episodes; ++i) {
      EpisodeOutcome o;
      o.key = EpisodeKey{suite, i % 2 ? "task_b" : "task_a", "default", i, 7};
      o.status = i < successes ? EpisodeStatus::kSuccess : EpisodeStatus::kFailure;
      outcomes.push_back(o);
    }
    ASSERT_TRUE(store_->WriteEpisodes(handle, outcomes).ok());
  }

  SuiteTable Table() const {
    auto table = BuildSuiteTable(path_);
    EXPECT_TRUE(table.ok()) << table.error().message;
    return table.value();
  }

  std::string path_;
  std::unique_ptr<results::ResultsStore> store_;
};

TEST_F(SuiteTableTest, CellsAreTheLatestRunPerPolicyAndSuiteInLiberosOrder) {
  Run("a-goal", "expert_a", "libero_goal", 30, 50);
  Run("a-spatial-old", "expert_a", "libero_spatial", 10, 50);
  Run("a-spatial", "expert_a", "libero_spatial", 40, 50);
  Run("b-spatial", "merged_b", "libero_spatial", 9, 10);
  const SuiteTable t = Table();
  EXPECT_EQ(t.suites, (std::vector<std::string>{"libero_spatial", "libero_goal"}));
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].policy, "expert_a");
  EXPECT_EQ(t.rows[0].cells.at("libero_spatial").run, "a-spatial");
  EXPECT_EQ(t.rows[0].cells.at("libero_spatial").successes, 40);
  EXPECT_EQ(t.rows[1].cells.count("libero_goal"), 0u);
}

TEST_F(SuiteTableTest, MarkdownShowsRatesIntervalsAveragesAndMarksSmallCells) {
  // Wilson by hand, z = 1.96: 40/50 -> centre 0.7786, half width 0.1090 -> [67.0, 88.8];
  // 49/60 -> centre 0.7976, half width 0.0968 -> [70.1, 89.4].
  Run("a-spatial", "expert_a", "libero_spatial", 40, 50);
  Run("a-goal", "expert_a", "libero_goal", 9, 10);         // 90.0, too few episodes
  Run("b-spatial", "merged_b", "libero_spatial", 25, 50);
  const std::string md = FormatSuiteTable(Table(), TableFormat::kMarkdown);
  EXPECT_NE(md.find("| Policy | Spatial | Goal | Avg | Pooled |"), std::string::npos) << md;
  // Avg = (80 + 90) / 2 = 85.0; pooled = 49 / 60 = 81.7.
  EXPECT_NE(md.find("| expert_a | 80.0 [67.0, 88.8] | 90.0 [59.6, 98.2] \u2020 | 85.0 | 81.7 [70.1, 89.4] |"),
            std::string::npos)
      << md;
  // A policy without every suite has no average of rates.
  EXPECT_NE(md.find("| merged_b | 50.0 [36.6, 63.4] | - | - | 50.0 [36.6, 63.4] |"), std::string::npos) << md;
}

TEST_F(SuiteTableTest, CsvAndJsonAreTidyRecordsOfCounts) {
  Run("a-spatial", "expert_a", "libero_spatial", 40, 50);
  Run("a-10", "expert, \"a\"", "libero_10", 45, 50);
  const SuiteTable t = Table();
  const std::string csv = FormatSuiteTable(t, TableFormat::kCsv);
  EXPECT_EQ(csv.rfind("policy,suite,run,n,successes,rate,ci_low,ci_high\n", 0), 0u);
  EXPECT_NE(csv.find("expert_a,libero_spatial,a-spatial,50,40,0.800000,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\"expert, \"\"a\"\"\",libero_10,a-10,50,45,0.900000,"), std::string::npos) << csv;
  const auto json = nlohmann::json::parse(FormatSuiteTable(t, TableFormat::kJson));
  ASSERT_TRUE(json.is_array());
  // expert_a: its cell, pooled (no average: it lacks libero_10); expert "a": the same.
  ASSERT_EQ(json.size(), 4u);
  int cells = 0;
  for (const auto& r : json) {
    if (r["suite"] == "libero_spatial") {
      EXPECT_EQ(r["n"], 50);
      EXPECT_EQ(r["successes"], 40);
      EXPECT_NEAR(r["ci_low"].get<double>(), 0.6696, 2e-4);
      ++cells;
    }
  }
  EXPECT_EQ(cells, 1);
}

TEST_F(SuiteTableTest, LatexIsABooktabsTableWithEscapedNames) {
  Run("a-spatial", "expert_a & co", "libero_spatial", 40, 50);
  const std::string tex = FormatSuiteTable(Table(), TableFormat::kLatex);
  for (const char* part : {"\\begin{tabular}{lrrr}", "\\toprule", "\\midrule", "\\bottomrule",
                           "expert\\_a \\& co & 80.0 {\\scriptsize [67.0, 88.8]}"}) {
    EXPECT_NE(tex.find(part), std::string::npos) << part << "\n" << tex;
  }
}

TEST(SuiteTableFormat, UnknownFormatIsNamed) {
  auto f = ParseTableFormat("xlsx");
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.error().message.find("'xlsx'"), std::string::npos);
  EXPECT_NE(f.error().message.find("md, latex, csv, json"), std::string::npos);
}

}  // namespace
}  // namespace gauntlet::reports
