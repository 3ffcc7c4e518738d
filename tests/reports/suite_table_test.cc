// The suite table from a real results file: cells counted from episode rows,
// averages from counts, every format.
#include "reports/suite_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "tests/reports/results_file.h"

namespace gauntlet::reports {
namespace {

class SuiteTableTest : public ::testing::Test {
 protected:
  // A run of `policy` on `suite` with `successes` of `episodes` over two tasks.
  void Run(const std::string& name, const std::string& policy, const std::string& suite, int successes,
           int episodes) {
    file_.Run(name, suite, testing::ResultsFile::Policy(policy), successes, episodes);
  }

  SuiteTable Table(const std::vector<NamedRow>& named_rows = {}) const {
    auto table = BuildSuiteTable(file_.path(), named_rows);
    EXPECT_TRUE(table.ok()) << table.error().message;
    return table.value();
  }

  testing::ResultsFile file_{"suite_table"};
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
  EXPECT_EQ(t.rows[0].cells.at("libero_spatial").counts.successes, 40);
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
  EXPECT_EQ(csv.rfind("policy,suite,run,n,successes,rate,ci_low,ci_high,ci_method,group,merge_method,merged_parts,"
                      "route\n", 0),
            0u)
      << csv;
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
      EXPECT_EQ(r["ci_method"], "wilson");
      EXPECT_EQ(r["group"], "reference");
      EXPECT_EQ(r["merge_method"], "-");
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

// MergeVLA Table 1: four single-task experts, each fine-tuned on one suite,
// combined into one row; merged models grouped apart with their merge.
class MergeVlaTableTest : public SuiteTableTest {
 protected:
  void SetUp() override {
    const char* const suites[] = {"libero_spatial", "libero_object", "libero_goal", "libero_10"};
    const int expert_successes[] = {49, 48, 45, 40};  // of 50 each
    for (int i = 0; i < 4; ++i) {
      const std::string expert = std::string("expert_") + suites[i];
      file_.Run(expert + "-ft", suites[i], testing::ResultsFile::Policy(expert), expert_successes[i], 50);
      // Experts also tried on a suite not their own: their own rows keep those.
      if (i == 0) file_.Run("spatial-on-goal", "libero_goal", testing::ResultsFile::Policy(expert), 3, 50);
      file_.Run(std::string("ties-") + suites[i], suites[i],
                testing::ResultsFile::Policy("mergevla", "merged",
                                             {{"merge_method", "ties"}, {"merged_parts", "vlm.*,expert.*"},
                                              {"route", "router:subspace"}}),
                40, 50);
      file_.Run(std::string("ta-") + suites[i], suites[i],
                testing::ResultsFile::Policy("task_arithmetic", "merged", {{"merge_method", "task_arithmetic"}}), 20,
                50);
    }
    file_.Run("oracle-spatial", "libero_spatial", testing::ResultsFile::Policy("oracle"), 50, 50);
  }

  static NamedRow Experts() {
    return {"Single-task experts", {"expert_libero_spatial-ft", "expert_libero_object-ft", "expert_libero_goal-ft",
                                    "expert_libero_10-ft"}};
  }
};

TEST_F(MergeVlaTableTest, ANamedRowCombinesTheExpertsAndMergedRowsFollowWithTheirMerge) {
  const SuiteTable t = Table({Experts()});
  EXPECT_EQ(t.suites, (std::vector<std::string>{"libero_spatial", "libero_object", "libero_goal", "libero_10"}));
  std::vector<std::string> labels;
  for (const auto& row : t.rows) labels.push_back(row.policy);
  // The named row first; expert_libero_spatial keeps only its run on another suite.
  EXPECT_EQ(labels, (std::vector<std::string>{"Single-task experts", "expert_libero_spatial", "oracle", "mergevla",
                                              "task_arithmetic"}));
  EXPECT_EQ(t.rows[0].cells.at("libero_goal").run, "expert_libero_goal-ft");
  EXPECT_EQ(t.rows[1].cells.size(), 1u);
  EXPECT_EQ(t.rows[1].cells.at("libero_goal").run, "spatial-on-goal");
  EXPECT_FALSE(t.rows[0].merged);
  EXPECT_TRUE(t.rows[3].merged);
  EXPECT_EQ(t.rows[3].merged_parts, "vlm.*,expert.*");
  EXPECT_EQ(t.rows[4].merged_parts, kNotRecorded);

  const std::string md = FormatSuiteTable(t, TableFormat::kMarkdown);
  EXPECT_NE(md.find("| Policy | Merge | Parts | Route | Spatial | Object | Goal | Long | Avg | Pooled |"),
            std::string::npos)
      << md;
  // Avg = (98 + 96 + 90 + 80) / 4 = 91.0; pooled 182 / 200 = 91.0 as well, here.
  EXPECT_NE(md.find("| **Single-task fine-tuned (references)** |"), std::string::npos) << md;
  EXPECT_NE(md.find("| Single-task experts | - | - | - | 98.0 [89.5, 99.6] | 96.0 ["), std::string::npos) << md;
  EXPECT_NE(md.find("80.0 [67.0, 88.8] | 91.0 | 91.0 ["), std::string::npos) << md;
  EXPECT_LT(md.find("| **Single-task fine-tuned"), md.find("| **Merged** |"));
  EXPECT_NE(md.find("| mergevla | ties | vlm.\\*,expert.\\* | router:subspace | 80.0 ["), std::string::npos) << md;
  EXPECT_NE(md.find("| task_arithmetic | task_arithmetic | - | - | 40.0 ["), std::string::npos) << md;
  // The caption says what the averages are and which runs the named row holds.
  for (const char* part : {"Avg: the mean of the per-suite rates", "Pooled: all episodes counted together",
                           "Single-task experts: runs expert_libero_spatial-ft, expert_libero_object-ft, "
                           "expert_libero_goal-ft, expert_libero_10-ft."}) {
    EXPECT_NE(md.find(part), std::string::npos) << part << "\n" << md;
  }

  const auto records = nlohmann::json::parse(FormatSuiteTable(t, TableFormat::kJson));
  int merged = 0;
  for (const auto& r : records) {
    if (r["policy"] != "mergevla") continue;
    ++merged;
    EXPECT_EQ(r["group"], "merged");
    EXPECT_EQ(r["merge_method"], "ties");
    EXPECT_EQ(r["route"], "router:subspace");
  }
  EXPECT_EQ(merged, 6);  // four suites, avg, pooled
  const std::string tex = FormatSuiteTable(t, TableFormat::kLatex);
  EXPECT_NE(tex.find("\\multicolumn{10}{l}{\\textit{Merged}}"), std::string::npos) << tex;
  EXPECT_NE(tex.find("mergevla & ties & vlm.*,expert.* & router:subspace & 80.0"), std::string::npos) << tex;
  const std::string html = FormatSuiteTable(t, TableFormat::kHtml);
  EXPECT_NE(html.find("<th scope=\"rowgroup\" colspan=\"10\">Merged</th>"), std::string::npos) << html;
}

TEST_F(MergeVlaTableTest, ANamedRowOfMergedRunsIsMergedAndListsTheirMerges) {
  const SuiteTable t = Table({{"Mixed merges", {"ties-libero_spatial", "ta-libero_object", "ties-libero_goal"}}});
  const auto mixed = std::find_if(t.rows.begin(), t.rows.end(), [](const auto& r) { return r.policy == "Mixed merges"; });
  ASSERT_NE(mixed, t.rows.end());
  EXPECT_TRUE(mixed->merged);
  EXPECT_EQ(mixed->merge_method, "ties / task_arithmetic");
  EXPECT_EQ(mixed->merged_parts, "vlm.*,expert.* / -");
  EXPECT_EQ(mixed->route, "router:subspace / -");
  // After the references, first of the merged rows.
  EXPECT_FALSE((mixed - 1)->merged);
  EXPECT_TRUE((mixed + 1)->merged);
  // A named row with one run of a reference policy is a reference.
  const SuiteTable u = Table({{"Half", {"ties-libero_spatial", "expert_libero_goal-ft"}}});
  EXPECT_FALSE(u.rows[0].merged);
  EXPECT_EQ(u.rows[0].merge_method, kNotRecorded);
}

TEST_F(MergeVlaTableTest, ANamedRowsRunsMustExistAndEachBeOnItsOwnSuite) {
  auto missing = BuildSuiteTable(file_.path(), {{"Experts", {"expert_libero_spatial-ft", "no-such-run"}}});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("no run named 'no-such-run'"), std::string::npos) << missing.error().message;
  EXPECT_NE(missing.error().message.find("--row 'Experts'"), std::string::npos);
  auto twice = BuildSuiteTable(file_.path(), {{"Experts", {"expert_libero_goal-ft", "spatial-on-goal"}}});
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.error().message.find("both on suite libero_goal"), std::string::npos) << twice.error().message;
}

TEST_F(MergeVlaTableTest, ClusterBootstrapIntervalsAreStatedRecordedAndReproducible) {
  const SuiteTable t = Table({Experts()});
  const IntervalOptions bootstrap{IntervalMethod::kClusterBootstrap, 500, 11};
  const std::string md = FormatSuiteTable(t, TableFormat::kMarkdown, bootstrap);
  EXPECT_NE(md.find("95% cluster-bootstrap interval"), std::string::npos) << md;
  EXPECT_EQ(md, FormatSuiteTable(t, TableFormat::kMarkdown, bootstrap));
  EXPECT_NE(md, FormatSuiteTable(t, TableFormat::kMarkdown));
  // Every (task, initial state) of these runs is its own cluster of one
  // episode: the oracle's 50/50 resamples to 50/50 every time.
  EXPECT_NE(md.find("| oracle | - | - | - | 100.0 [100.0, 100.0] |"), std::string::npos) << md;
  const std::string csv = FormatSuiteTable(t, TableFormat::kCsv, bootstrap);
  EXPECT_NE(csv.find("oracle,libero_spatial,oracle-spatial,50,50,1.000000,1.000000,1.000000,cluster-bootstrap,"
                     "reference,-,-,-\n"),
            std::string::npos)
      << csv;
  // The average of rates has no interval, so no method.
  EXPECT_NE(csv.find("Single-task experts,avg,,,,0.910000,,,,reference"), std::string::npos) << csv;
}

TEST(NamedRow, ParsesNameAndRuns) {
  auto row = ParseNamedRow("Single-task experts=a,b,c");
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row.value().name, "Single-task experts");
  EXPECT_EQ(row.value().runs, (std::vector<std::string>{"a", "b", "c"}));
  for (const char* bad : {"no-equals", "=a,b", "name=", "name=,"}) {
    auto r = ParseNamedRow(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message.find("NAME=RUN,RUN"), std::string::npos);
  }
}

}  // namespace
}  // namespace gauntlet::reports
