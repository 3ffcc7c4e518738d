// `gauntlet report --table ...` through the real binary: the new tables and
// formats, the interval options and a named row, and their errors (exit 2).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_support.h"
#include "tests/reports/results_file.h"

namespace gauntlet {
namespace {

using testing::ResultsFile;

// Two experts each on its own suite, a merged model with a router on both.
void Fill(ResultsFile& file) {
  file.Run("spatial-ft", "libero_spatial", ResultsFile::Policy("expert_spatial"), 9, 10);
  file.Run("goal-ft", "libero_goal", ResultsFile::Policy("expert_goal"), 8, 10);
  for (const char* suite : {"libero_spatial", "libero_goal"}) {
    const auto run = file.Begin(std::string("merged-") + suite, suite,
                                ResultsFile::Policy("mergevla", "merged", {{"merge_method", "ties"}, {"route", "router:lookup"}}));
    std::vector<EpisodeOutcome> outcomes;
    std::vector<std::pair<EpisodeKey, Event>> decisions;
    for (int i = 0; i < 4; ++i) {
      outcomes.push_back(ResultsFile::Outcome(suite, "task_a", i, i < 3));
      decisions.push_back({outcomes.back().key, RouterDecision{0, i < 3 ? suite : "other", 1.0, 1.0, true, suite}});
    }
    file.Write(run, outcomes);
    file.Write(run, decisions);
  }
}

// Written once per test process, and closed before the binary reads it.
std::string WriteResults() {
  static const std::string path = [] {
    ResultsFile file("cli-report-tables");
    Fill(file);
    return file.path();
  }();
  return path;
}

TEST(ReportTablesCli, SuiteTableWithANamedRowAndMergedGroupAsHtml) {
  const std::string db = WriteResults();
  Ran r = Gauntlet("report --db " + db + " --table suites --format html --row 'Single-task experts=spatial-ft,goal-ft'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(r.out.find("<th scope=\"row\">Single-task experts</th>"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(">Merged</th>"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("<td>router:lookup</td>"), std::string::npos) << r.out;
}

TEST(ReportTablesCli, RouterTableWithClusterBootstrapIntervalsAsCsv) {
  const std::string db = WriteResults();
  const std::string args = "report --db " + db + " --table router --format csv --ci cluster-bootstrap --bootstrap-samples 500";
  Ran a = Gauntlet(args + " --seed 3");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_NE(a.out.find("accuracy,mergevla,merged-libero_spatial,libero_spatial,,,4,3,0.750000,"), std::string::npos)
      << a.out;
  EXPECT_NE(a.out.find(",cluster-bootstrap,"), std::string::npos) << a.out;
  EXPECT_EQ(Gauntlet(args + " --seed 3").out, a.out);
}

TEST(ReportTablesCli, ChainAndEmbodimentTablesPrint) {
  const std::string db = WriteResults();
  Ran chains = Gauntlet("report --db " + db + " --table chains --format md");
  ASSERT_EQ(chains.exit_code, 0) << chains.err;
  Ran embodiments = Gauntlet("report --db " + db + " --table embodiments --format latex");
  ASSERT_EQ(embodiments.exit_code, 0) << embodiments.err;
  EXPECT_NE(embodiments.out.find("\\multicolumn{2}{c}{panda}"), std::string::npos) << embodiments.out;
}

// X-VLA's RoboTwin table from real dual-arm runs: the clean suite (Easy) and
// the randomized one (Hard) into one results file; noop fails every episode.
TEST(ReportTablesCli, SettingsTableShowsEasyAndHardFromRobotwinRuns) {
  const std::string db = testing::TempDir("cli-report-settings") + "/r.db";
  for (const char* suite : {"robotwin", "robotwin_randomized"}) {
    const Ran ran = Gauntlet("run " + testing::SourceDir() + "/suites/" + suite +
                             ".yaml --policy noop --tasks click_bell,place_container_plate --trials 2 --quiet --db " +
                             db);
    ASSERT_EQ(ran.exit_code, 0) << ran.err;
  }
  const Ran csv = Gauntlet("report --db " + db + " --table settings --format csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  for (const char* setting : {"clean", "randomized"}) {
    for (const char* task : {"click_bell", "place_container_plate"}) {
      const std::string line = std::string("\nnoop,aloha,") + setting + "," + task + ",";
      const size_t at = csv.out.find(line);
      ASSERT_NE(at, std::string::npos) << line << "\n" << csv.out;
      // n 2, no success, rate 0 (after the run's name and the empty tasks field).
      EXPECT_NE(csv.out.substr(at, csv.out.find('\n', at + 1) - at).find(",,2,0,0.000000,"), std::string::npos)
          << csv.out;
    }
    EXPECT_NE(csv.out.find(std::string("\nnoop,aloha,") + setting + ",pooled,,2,4,0,0.000000,"), std::string::npos)
        << csv.out;
  }
  const Ran md = Gauntlet("report --db " + db + " --table settings --format md");
  ASSERT_EQ(md.exit_code, 0) << md.err;
  EXPECT_NE(md.out.find("| Task | noop: Easy | noop: Hard |"), std::string::npos) << md.out;
  EXPECT_NE(md.out.find("| Average | 0.0 | 0.0 |"), std::string::npos) << md.out;
}

TEST(ReportTablesCli, ErrorsNameTheProblemAndExitTwo) {
  const std::string db = WriteResults();
  Ran missing = Gauntlet("report --db " + db + " --row 'Experts=spatial-ft,nosuch-ft'");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no run named 'nosuch-ft'"), std::string::npos) << missing.err;
  Ran table = Gauntlet("report --db " + db + " --table tasks");
  EXPECT_EQ(table.exit_code, 2);
  EXPECT_NE(table.err.find("known: suites, perturbations, router, chains, embodiments"), std::string::npos) << table.err;
  Ran ci = Gauntlet("report --db " + db + " --ci bca");
  EXPECT_EQ(ci.exit_code, 2);
  EXPECT_NE(ci.err.find("unknown interval method 'bca'"), std::string::npos) << ci.err;
}

}  // namespace
}  // namespace gauntlet
