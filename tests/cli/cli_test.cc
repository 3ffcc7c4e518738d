// End-to-end: the real `gauntlet` binary, real worlds, a real SQLite file.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <sstream>
#include <algorithm>
#include <chrono>
#include <thread>
#include <tuple>

#include "tests/cli/cli_support.h"
#include "tests/test_support.h"
#include "gauntlet_build_paths.h"

namespace gauntlet {
namespace {

// The CI slice of the solvability sweep: initial state 0 of every task, for
// every suite.
class CliSuite : public ::testing::TestWithParam<const char*> {};

TEST_P(CliSuite, OracleSolvesInitialStateZeroOfEveryTask) {
  const std::string suite = GetParam();
  const std::string db = testing::TempDir("cli") + "/r.db";
  Ran r = Gauntlet("run " + testing::SourceDir() + "/suites/" + suite +
                   ".yaml --policy oracle --trials 1 --workers 2 --quiet --db " + db);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Rows rows = Episodes(db, suite + "-oracle");
  ASSERT_EQ(rows.size(), 10u);
  for (const auto& [key, row] : rows) EXPECT_EQ(std::get<0>(row), "success") << key.first;
  EXPECT_NE(r.out.find("total (" + suite + ")"), std::string::npos) << r.out;
  Ran summary = Gauntlet("summary --db " + db);
  EXPECT_EQ(summary.exit_code, 0);
  EXPECT_NE(summary.out.find("10  "), std::string::npos) << summary.out;
}

INSTANTIATE_TEST_SUITE_P(Suites, CliSuite, ::testing::Values("libero_spatial", "libero_object", "libero_goal", "libero_10"),
                         [](const ::testing::TestParamInfo<const char*>& info) { return std::string(info.param); });

TEST(Cli, SameCommandAndWorkerCountsGiveIdenticalEpisodes) {
  const std::string db = testing::TempDir("cli") + "/r.db";
  const std::string common = "run " + Suite() + " --policy oracle --tasks 3,7 --trials 2 --quiet --db " + db;
  ASSERT_EQ(Gauntlet(common + " --run-name a --workers 1").exit_code, 0);
  ASSERT_EQ(Gauntlet(common + " --run-name b --workers 1").exit_code, 0);
  ASSERT_EQ(Gauntlet(common + " --run-name c --workers 2").exit_code, 0);
  Rows a = Episodes(db, "a"), b = Episodes(db, "b"), c = Episodes(db, "c");
  ASSERT_EQ(a.size(), 4u);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, c);
}

TEST(Cli, ResumeSkipsStoredEpisodesAndRefusesAnotherConfiguration) {
  const std::string db = testing::TempDir("cli") + "/r.db";
  const std::string base = "run " + Suite() + " --policy noop --tasks 0 --quiet --db " + db;
  ASSERT_EQ(Gauntlet(base + " --trials 1").exit_code, 1 - 1);
  Ran again = Gauntlet(base + " --trials 1 --workers 2");  // execution options may differ
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("resumed, 1 of 1 episodes already stored"), std::string::npos) << again.err;
  EXPECT_EQ(Episodes(db, "libero_spatial-noop").size(), 1u);
  Ran other = Gauntlet(base + " --trials 2");
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_NE(other.err.find("trials: 1 -> 2"), std::string::npos) << other.err;
  // A new name starts a new run beside the old one.
  EXPECT_EQ(Gauntlet(base + " --trials 2 --run-name longer").exit_code, 0);
  EXPECT_EQ(Episodes(db, "longer").size(), 2u);
  EXPECT_EQ(Episodes(db, "libero_spatial-noop").size(), 1u);
}

int CountEpisodes(const std::string& db) {
  sqlite3* h = nullptr;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(h);
    return 0;
  }
  sqlite3_stmt* st = nullptr;
  int n = 0;
  if (sqlite3_prepare_v2(h, "SELECT count(*) FROM episodes", -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    n = sqlite3_column_int(st, 0);
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return n;
}

// A set of suites killed with SIGKILL mid-run and started again finishes
// with every episode exactly once and the outcomes of an uninterrupted run.
TEST(Cli, ASetOfSuitesResumesAfterSigkillWithTheSameOutcomes) {
  const std::string dir = testing::TempDir("cli-set");
  const std::string set = dir + "/pair.yaml";
  std::ofstream(set) << "name: pair\nsuites:\n  - " << testing::SourceDir() << "/suites/libero_spatial.yaml\n  - "
                     << testing::SourceDir() << "/suites/libero_goal.yaml\n";
  const std::string args = "run " + set + " --policy oracle --trials 1 --workers 2 --quiet --db ";
  ASSERT_EQ(Gauntlet(args + dir + "/whole.db").exit_code, 0);
  ASSERT_EQ(CountEpisodes(dir + "/whole.db"), 20);

  const std::string killed = dir + "/killed.db";
  const std::string background = std::string(GAUNTLET_BINARY) + " " + args + killed + " >/dev/null 2>&1 & echo $! >" +
                                 dir + "/pid";
  ASSERT_EQ(std::system(background.c_str()), 0);
  std::string pid;
  for (int i = 0; i < 100 && pid.empty(); ++i) {
    std::ifstream(dir + "/pid") >> pid;
    if (pid.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_FALSE(pid.empty());
  // Kill it once a few episodes are stored, while it is still running.
  for (int i = 0; i < 1200 && CountEpisodes(killed) < 4; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(std::system(("kill -9 " + pid).c_str()), 0) << "the run had already finished";
  const int stored = CountEpisodes(killed);
  EXPECT_GE(stored, 4);
  EXPECT_LT(stored, 20);

  ASSERT_EQ(Gauntlet(args + killed).exit_code, 0);
  EXPECT_EQ(CountEpisodes(killed), 20);
  for (const std::string suite : {"libero_spatial", "libero_goal"}) {
    EXPECT_EQ(Episodes(killed, suite + "-oracle"), Episodes(dir + "/whole.db", suite + "-oracle")) << suite;
  }
}

TEST(Cli, TheLiberoSetHoldsTheFourSuites) {
  Ran all = Gauntlet("list");
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_NE(all.out.find("libero  40 tasks, 2000 episodes (set: libero_spatial libero_object libero_goal libero_10)"),
            std::string::npos)
      << all.out;
  Ran tasks = Gauntlet("list libero");
  ASSERT_EQ(tasks.exit_code, 0) << tasks.err;
  EXPECT_EQ(std::count(tasks.out.begin(), tasks.out.end(), '\n'), 40);
  EXPECT_NE(tasks.out.find("libero_10/9  KITCHEN_SCENE6_put_the_yellow_and_white_mug_in_the_microwave_and_close_it"),
            std::string::npos);
}

TEST(Cli, ASetNamingAMissingSuiteIsAnErrorWithFileAndLine) {
  const std::string dir = testing::TempDir("cli-badset");
  std::ofstream(dir + "/bad.yaml") << "name: bad\nsuites:\n  - " << Suite() << "\n  - nowhere.yaml\n";
  Ran r = Gauntlet("run " + dir + "/bad.yaml --policy noop --db " + dir + "/r.db");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(dir + "/bad.yaml:4: suite file not found"), std::string::npos) << r.err;
}

// The expert's step-by-step account of one episode: turning the stove's dial.
TEST(Cli, TraceShowsTheExpertStepByStep) {
  const std::string png = testing::TempDir("cli-trace") + "/step.png";
  Ran r = Gauntlet("trace libero_goal/7 --init 0 --every 50 --png-at 5 --out " + png);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("handle approach"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("flat_stove_1_knob_joint"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(": success"), std::string::npos) << r.out;
  cv::Mat image = cv::imread(png);
  EXPECT_EQ(image.cols, 2 * image.rows);
}

TEST(Cli, ReportWritesTheSuiteTableFromTheDatabase) {
  const std::string dir = testing::TempDir("cli-report");
  ASSERT_EQ(Gauntlet("run " + Suite() + " --policy noop --tasks 0,1 --trials 2 --quiet --db " + dir + "/r.db").exit_code,
            0);
  Ran md = Gauntlet("report --db " + dir + "/r.db --table suites --format md");
  ASSERT_EQ(md.exit_code, 0) << md.err;
  EXPECT_NE(md.out.find("| Policy | Spatial | Avg | Pooled |"), std::string::npos) << md.out;
  EXPECT_NE(md.out.find("| noop | 0.0 [0.0, 49.0] \u2020 |"), std::string::npos) << md.out;
  ASSERT_EQ(Gauntlet("report --db " + dir + "/r.db --format csv --out " + dir + "/t.csv").exit_code, 0);
  std::ifstream csv(dir + "/t.csv");
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header, "policy,suite,run,n,successes,rate,ci_low,ci_high,ci_method,group,merge_method,merged_parts,route");
  Ran bad = Gauntlet("report --db " + dir + "/r.db --table tasks");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("unknown table 'tasks'"), std::string::npos) << bad.err;
}

TEST(Cli, ReplayReproducesAStoredRun) {
  const std::string db = testing::TempDir("cli") + "/r.db";
  const std::string args = "run " + Suite() + " --tasks 0,9 --trials 2 --quiet --db " + db;
  ASSERT_EQ(Gauntlet(args + " --policy oracle --run-name original").exit_code, 0);
  Ran replay = Gauntlet(args + " --policy replay --replay-run original --run-name replayed");
  ASSERT_EQ(replay.exit_code, 0) << replay.err;
  Rows original = Episodes(db, "original"), replayed = Episodes(db, "replayed");
  ASSERT_EQ(original.size(), 4u);
  EXPECT_EQ(original, replayed);
  Ran missing = Gauntlet(args + " --policy replay --replay-run nosuchrun --run-name x");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no run named 'nosuchrun'"), std::string::npos) << missing.err;
}

TEST(Cli, CompareGatesOnAPairedRegression) {
  const std::string db = testing::TempDir("cli") + "/r.db";
  const std::string args = "run " + Suite() + " --tasks 2 --trials 6 --quiet --db " + db;
  ASSERT_EQ(Gauntlet(args + " --policy oracle --run-name last-night").exit_code, 0);
  ASSERT_EQ(Gauntlet(args + " --policy noop --run-name tonight").exit_code, 0);
  ASSERT_EQ(Gauntlet(args + " --policy replay --replay-run last-night --run-name same").exit_code, 0);
  Ran worse = Gauntlet("compare --baseline last-night --candidate tonight --db " + db);
  EXPECT_EQ(worse.exit_code, 1) << worse.out << worse.err;
  EXPECT_NE(worse.out.find("on 6 paired episodes"), std::string::npos) << worse.out;
  EXPECT_NE(worse.out.find("verdict: REGRESSION"), std::string::npos) << worse.out;
  Ran same = Gauntlet("compare --baseline last-night --candidate same --db " + db);
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
  EXPECT_NE(same.out.find("no significant regression"), std::string::npos) << same.out;
}

TEST(Cli, VideoIsWrittenPerEpisodeNamedByItsKey) {
  const std::string dir = testing::TempDir("cli");
  Ran r = Gauntlet("run " + Suite() + " --policy oracle --tasks 2 --trials 1 --quiet --video " + dir +
                   "/videos --db " + dir + "/r.db");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string video = dir +
      "/videos/libero_spatial.pick_up_the_black_bowl_from_table_center_and_place_it_on_the_plate."
      "default.init0.seed7.mp4";
  ASSERT_TRUE(std::filesystem::exists(video)) << r.err;
  EXPECT_GT(std::filesystem::file_size(video), 1000u);
}

TEST(Cli, NoopEpisodesFailAfterTheProtocolsStepLimit) {
  const std::string db = testing::TempDir("cli") + "/r.db";
  ASSERT_EQ(Gauntlet("run " + Suite() + " --policy noop --tasks 2 --trials 1 --quiet --db " + db).exit_code, 0);
  Rows rows = Episodes(db, "libero_spatial-noop");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(std::get<0>(rows.begin()->second), "failure");
  EXPECT_EQ(std::get<1>(rows.begin()->second), 220);
}

TEST(Cli, MalformedSuiteFileIsRejectedWithFileAndLine) {
  const std::string dir = testing::TempDir("cli");
  std::ofstream(dir + "/bad.yaml") << "name: x\nversion: 1\nfamily: tabletop\ninit_state_seed: 1\n"
                                      "protocol:\n  max_step: 220\n";
  Ran r = Gauntlet("run " + dir + "/bad.yaml --db " + dir + "/r.db");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(dir + "/bad.yaml:6: unknown key 'max_step'"), std::string::npos) << r.err;
}

TEST(Cli, MalformedTaskFileMakesItsEpisodesErrorsAndTheRunGoesOn) {
  const std::string dir = testing::TempDir("cli");
  const std::string src = testing::SourceDir() + "/suites/libero_spatial/";
  std::ofstream(dir + "/broken.bddl") << "(define (problem LIBERO_Tabletop_Manipulation)\n"
                                         "  (:domain robosuite)\n  (:language oops)\n"
                                         "  (:colours red)\n)\n";
  std::ofstream(dir + "/suite.yaml")
      << "name: mixed\nversion: 1\nfamily: tabletop\ninit_state_seed: 1\nprotocol:\n  max_steps: 220\n"
         "  trials: 1\ntasks:\n"
         "  - name: broken\n    file: broken.bddl\n    instruction: x\n    init_states: none.json\n"
         "  - name: good\n"
      << "    file: " << src << "pick_up_the_black_bowl_from_table_center_and_place_it_on_the_plate.bddl\n"
      << "    instruction: pick up the black bowl from table center and place it on the plate\n"
      << "    init_states: " << src
      << "init_states/pick_up_the_black_bowl_from_table_center_and_place_it_on_the_plate.json\n";
  const std::string db = dir + "/r.db";
  Ran r = Gauntlet("run " + dir + "/suite.yaml --policy oracle --db " + db);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  Rows rows = Episodes(db, "mixed-oracle");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(std::get<0>(rows.at({"broken", 0})), "error");
  EXPECT_EQ(std::get<0>(rows.at({"good", 0})), "success");
  EXPECT_NE(r.err.find("broken.bddl:4:"), std::string::npos) << r.err;
}

TEST(Cli, ATaskFileOfKnownCategoriesRunsUnmodified) {
  const std::string dir = testing::TempDir("cli");
  std::filesystem::copy_file(
      testing::SourceDir() + "/suites/libero_spatial/pick_up_the_black_bowl_on_the_ramekin_and_place_it_on_the_plate.bddl",
      dir + "/my_task.bddl");
  Ran r = Gauntlet("run --task-file " + dir + "/my_task.bddl --trials 2 --quiet --db " + dir + "/r.db");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Rows rows = Episodes(dir + "/r.db", "my_task-oracle");
  ASSERT_EQ(rows.size(), 2u);
  for (const auto& [key, row] : rows) EXPECT_EQ(std::get<0>(row), "success") << key.first;
  // The generated initial states are reused: the second run resumes, generates nothing.
  Ran again = Gauntlet("run --task-file " + dir + "/my_task.bddl --trials 2 --quiet --db " + dir + "/r.db");
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.err.find("generating"), std::string::npos) << again.err;
  EXPECT_NE(again.err.find("2 of 2 episodes already stored"), std::string::npos) << again.err;
}

TEST(Cli, ATaskFileWithAnUnknownCategoryIsAnErrorNamingIt) {
  const std::string dir = testing::TempDir("cli");
  std::ofstream(dir + "/teapot.bddl") << "(define (problem LIBERO_Tabletop_Manipulation)\n"
                                         "  (:domain robosuite)\n"
                                         "  (:language put the teapot on the table)\n"
                                         "  (:regions (spot (:target main_table) (:ranges ((0 0 0.1 0.1)))))\n"
                                         "  (:fixtures main_table - table)\n"
                                         "  (:objects teapot_1 - teapot)\n"
                                         "  (:init (On teapot_1 main_table_spot))\n"
                                         "  (:goal (And (On teapot_1 main_table_spot)))\n)\n";
  Ran r = Gauntlet("run --task-file " + dir + "/teapot.bddl --db " + dir + "/r.db");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("teapot.bddl:6: unknown object category 'teapot'"), std::string::npos) << r.err;
  Ran both = Gauntlet("run " + Suite() + " --task-file " + dir + "/teapot.bddl --db " + dir + "/r.db");
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("not both"), std::string::npos) << both.err;
}

TEST(Cli, ShowWritesBothCameraViews) {
  const std::string png = testing::TempDir("cli") + "/task.png";
  Ran r = Gauntlet("show libero_spatial/4 --init 2 --size 128 --out " + png);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  cv::Mat image = cv::imread(png);
  ASSERT_FALSE(image.empty());
  EXPECT_EQ(image.cols, 256);
  EXPECT_EQ(image.rows, 128);
}

TEST(Cli, UnknownTaskAndPolicyAreClearErrors) {
  Ran task = Gauntlet("run " + Suite() + " --tasks 12 --db /tmp/unused.db");
  EXPECT_EQ(task.exit_code, 2);
  EXPECT_NE(task.err.find("'12' is not a task of suite libero_spatial"), std::string::npos) << task.err;
  Ran policy = Gauntlet("run " + Suite() + " --policy gpt --db /tmp/unused.db");
  EXPECT_EQ(policy.exit_code, 2);
  EXPECT_NE(policy.err.find("unknown policy 'gpt'"), std::string::npos) << policy.err;
  // A typo gets its fix first.
  Ran typo = Gauntlet("run libero_spatail --policy orcale --db /tmp/unused.db");
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("cannot open suite file; did you mean 'libero_spatial'? known: libero_spatial, "),
            std::string::npos)
      << typo.err;
  Ran policy_typo = Gauntlet("run " + Suite() + " --policy orcale --db /tmp/unused.db");
  EXPECT_NE(policy_typo.err.find("did you mean 'oracle'?"), std::string::npos) << policy_typo.err;
  Ran method = Gauntlet("merge --method ties_merging --base a.pt --experts b.pt --out /tmp/unused.gmerge");
  EXPECT_NE(method.err.find("did you mean 'ties'?"), std::string::npos) << method.err;
}

}  // namespace
}  // namespace gauntlet
