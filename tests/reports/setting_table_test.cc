// The settings table (X-VLA Table 18: RoboTwin 2.0 Easy / Hard per task) from
// runs whose configurations record a world setting, beside runs that record
// none, runs of a perturbation set, replaced runs and a partial rerun.
#include "reports/setting_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <tuple>

#include "reports/wilson.h"
#include "tests/reports/results_file.h"

namespace gauntlet::reports {
namespace {

using nlohmann::json;
using testing::ResultsFile;

json World(const std::string& setting, const std::string& embodiment = "aloha") {
  return {{"world", {{"setting", setting}, {"instructions", "unseen"}}}, {"embodiment", embodiment}};
}

class SettingTableTest : public ::testing::Test {
 protected:
  // Per task of `tasks` (name, successes, episodes): its episodes at init
  // states 0, 1, ..., the first `successes` succeeding.
  void Run(const std::string& name, const std::string& suite, const std::string& policy, const json& config,
           const std::vector<std::tuple<std::string, int, int>>& tasks) {
    const auto run = file_.Begin(name, suite, ResultsFile::Policy(policy), config);
    std::vector<EpisodeOutcome> outcomes;
    for (const auto& [task, successes, episodes] : tasks) {
      for (int i = 0; i < episodes; ++i) outcomes.push_back(ResultsFile::Outcome(suite, task, i, i < successes));
    }
    file_.Write(run, outcomes);
  }

  void SetUp() override {
    Run("easy-old", "robotwin", "xvla", World("clean"), {{"task_a", 0, 4}, {"task_b", 0, 2}});  // replaced
    Run("easy", "robotwin", "xvla", World("clean"), {{"task_a", 3, 4}, {"task_b", 1, 2}});
    Run("hard", "robotwin_randomized", "xvla", World("randomized"), {{"task_a", 1, 4}, {"task_b", 0, 1}});
    // A rerun of task_b alone replaces that cell and keeps task_a's.
    Run("hard-b", "robotwin_randomized", "xvla", World("randomized"), {{"task_b", 2, 2}});
    Run("easy-piper", "robotwin", "xvla", World("clean", "piper"), {{"task_a", 1, 1}});
    Run("other-easy", "robotwin", "other", World("clean"), {{"task_c", 0, 3}, {"task_a", 2, 2}});
    // Left out: no world setting (another family), a perturbation set.
    Run("libero", "robotwin", "xvla", {{"embodiment", "aloha"}}, {{"task_a", 4, 4}, {"task_d", 1, 1}});
    Run("libero-only", "libero_spatial", "panda_policy", json::object(), {{"task_a", 1, 1}});
    json plus = World("clean");
    plus["perturbations"] = {{"set", "plus"}};
    Run("plus", "robotwin", "xvla", plus, {{"task_a", 0, 4}});
  }

  SettingTable Table() const {
    auto table = BuildSettingTable(file_.path());
    EXPECT_TRUE(table.ok()) << table.error().message;
    return table.value();
  }

  static const SettingTable::Column& ColumnOf(const SettingTable& t, const std::string& policy,
                                              const std::string& embodiment, const std::string& setting) {
    for (const auto& c : t.columns) {
      if (c.policy == policy && c.embodiment == embodiment && c.setting == setting) return c;
    }
    ADD_FAILURE() << "no column " << policy << " " << embodiment << " " << setting;
    static const SettingTable::Column none;
    return none;
  }

  ResultsFile file_{"setting_table"};
};

TEST_F(SettingTableTest, CellsCountTheLatestRunOfEachTaskInEachSetting) {
  const SettingTable t = Table();
  EXPECT_EQ(t.tasks, (std::vector<std::string>{"task_a", "task_b", "task_c"}));
  std::vector<std::string> columns;
  for (const auto& c : t.columns) columns.push_back(c.policy + "/" + c.embodiment + "/" + c.setting);
  // Every (policy, embodiment) has both settings, a column without runs included.
  EXPECT_EQ(columns, (std::vector<std::string>{"xvla/aloha/clean", "xvla/aloha/randomized", "xvla/piper/clean",
                                               "xvla/piper/randomized", "other/aloha/clean", "other/aloha/randomized"}));
  const auto& easy = ColumnOf(t, "xvla", "aloha", "clean");
  ASSERT_EQ(easy.cells.size(), 2u);
  EXPECT_EQ(easy.cells.at("task_a").run, "easy");
  EXPECT_EQ(easy.cells.at("task_a").counts.episodes, 4);
  EXPECT_EQ(easy.cells.at("task_a").counts.successes, 3);
  EXPECT_EQ(easy.cells.at("task_b").counts.episodes, 2);
  EXPECT_EQ(easy.cells.at("task_b").counts.successes, 1);
  EXPECT_EQ(easy.cells.at("task_a").counts.clusters.size(), 4u);  // one per initial state
  const auto& hard = ColumnOf(t, "xvla", "aloha", "randomized");
  EXPECT_EQ(hard.cells.at("task_a").run, "hard");
  EXPECT_EQ(hard.cells.at("task_a").counts.successes, 1);
  EXPECT_EQ(hard.cells.at("task_b").run, "hard-b");
  EXPECT_EQ(hard.cells.at("task_b").counts.episodes, 2);
  EXPECT_EQ(hard.cells.at("task_b").counts.successes, 2);
  EXPECT_TRUE(ColumnOf(t, "xvla", "piper", "randomized").cells.empty());
  EXPECT_EQ(ColumnOf(t, "other", "aloha", "clean").cells.at("task_c").counts.episodes, 3);
}

TEST_F(SettingTableTest, RunsWithoutASettingAndPerturbationSetsAreLeftOut) {
  const SettingTable t = Table();
  for (const auto& c : t.columns) {
    EXPECT_NE(c.policy, "panda_policy");
    for (const auto& [task, cell] : c.cells) {
      EXPECT_NE(cell.run, "libero");
      EXPECT_NE(cell.run, "plus");
    }
  }
  EXPECT_EQ(std::count(t.tasks.begin(), t.tasks.end(), "task_d"), 0);
}

TEST_F(SettingTableTest, AverageIsTheMeanOfTaskRatesAndPooledCountsAllEpisodes) {
  const SettingTable t = Table();
  const auto& easy = ColumnOf(t, "xvla", "aloha", "clean");
  // task_a 3/4, task_b 1/2: the mean of rates 0.625, the pooled 4 of 6.
  const auto average = AverageOfTasks(easy);
  ASSERT_TRUE(average.has_value());
  EXPECT_DOUBLE_EQ(average->rate, 0.625);
  EXPECT_FALSE(average->episodes.has_value());
  EXPECT_FALSE(average->interval.has_value());
  const auto pooled = PooledOfTasks(easy, {});
  ASSERT_TRUE(pooled.has_value());
  EXPECT_EQ(*pooled->episodes, 6);
  EXPECT_EQ(*pooled->successes, 4);
  EXPECT_DOUBLE_EQ(pooled->rate, 4.0 / 6);
  EXPECT_DOUBLE_EQ(pooled->interval->lower, Wilson95(4, 6).lower);
  // Hard: task_a 1/4, task_b 2/2 (the rerun): mean 0.625, pooled 3 of 6.
  const auto& hard = ColumnOf(t, "xvla", "aloha", "randomized");
  EXPECT_DOUBLE_EQ(AverageOfTasks(hard)->rate, 0.625);
  EXPECT_DOUBLE_EQ(PooledOfTasks(hard, {})->rate, 0.5);
  // Over the tasks with episodes only: other's clean column, task_c 0/3 and task_a 2/2.
  EXPECT_DOUBLE_EQ(AverageOfTasks(ColumnOf(t, "other", "aloha", "clean"))->rate, 0.5);
  EXPECT_DOUBLE_EQ(PooledOfTasks(ColumnOf(t, "other", "aloha", "clean"), {})->rate, 0.4);
  EXPECT_FALSE(AverageOfTasks(ColumnOf(t, "other", "aloha", "randomized")).has_value());
  EXPECT_FALSE(PooledOfTasks(ColumnOf(t, "other", "aloha", "randomized"), {}).has_value());
}

TEST_F(SettingTableTest, EveryFormatShowsEasyAndHardPerPolicy) {
  const SettingTable t = Table();
  const std::string md = FormatSettingTable(t, TableFormat::kMarkdown);
  for (const char* part :
       {"| Task | xvla (aloha): Easy | xvla (aloha): Hard | xvla (piper): Easy | xvla (piper): Hard | other: Easy | "
        "other: Hard |\n|---|---:|---:|---:|---:|---:|---:|\n",
        "| task_a | 75.0 [30.1, 95.4] \u2020 | 25.0 [4.6, 69.9] \u2020 | 100.0 [20.7, 100.0] \u2020 | - | "
        "100.0 [34.2, 100.0] \u2020 | - |\n",
        "| task_c | - | - | - | - | 0.0 [0.0, 56.1] \u2020 | - |\n",
        "| Average | 62.5 | 62.5 | 100.0 | - | 50.0 | - |\n",
        "| Pooled | 66.7 [30.0, 90.3] \u2020 | 50.0 [18.8, 81.2] \u2020 |",
        "Easy is the clean setting, Hard the randomized one", "Average: the mean of the column's per-task rates"}) {
    EXPECT_NE(md.find(part), std::string::npos) << part << "\n" << md;
  }
  const std::string tex = FormatSettingTable(t, TableFormat::kLatex);
  for (const char* part : {"\\multicolumn{2}{c}{xvla (aloha)} & \\multicolumn{2}{c}{xvla (piper)} & "
                           "\\multicolumn{2}{c}{other} \\\\",
                           "Task & Easy & Hard & Easy & Hard & Easy & Hard \\\\", "task\\_a & 75.0 {\\scriptsize"}) {
    EXPECT_NE(tex.find(part), std::string::npos) << part << "\n" << tex;
  }
  EXPECT_NE(FormatSettingTable(t, TableFormat::kHtml).find("<th scope=\"colgroup\" colspan=\"2\">other</th>"),
            std::string::npos);
  const std::string csv = FormatSettingTable(t, TableFormat::kCsv);
  EXPECT_EQ(csv.rfind("policy,embodiment,setting,task,run,tasks,n,successes,rate,ci_low,ci_high,ci_method\n", 0), 0u)
      << csv;
  EXPECT_NE(csv.find("\nxvla,aloha,randomized,task_b,hard-b,,2,2,1.000000,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\nxvla,aloha,clean,average,,2,,,0.625000,,,\n"), std::string::npos) << csv;

  IntervalOptions bootstrap;
  bootstrap.method = IntervalMethod::kClusterBootstrap;
  bootstrap.bootstrap_samples = 300;
  const json records = json::parse(FormatSettingTable(t, TableFormat::kJson, bootstrap));
  int cells = 0;
  for (const auto& r : records) {
    for (const char* field : {"policy", "embodiment", "setting", "task", "n", "successes", "rate", "ci_low",
                              "ci_high", "ci_method"}) {
      EXPECT_TRUE(r.contains(field)) << field << " " << r.dump();
    }
    if (r["task"] == "average") {
      EXPECT_TRUE(r["n"].is_null()) << r.dump();
      EXPECT_TRUE(r["ci_method"].is_null()) << r.dump();
      continue;
    }
    EXPECT_EQ(r["ci_method"], "cluster-bootstrap") << r.dump();
    if (r["task"] == "pooled" && r["policy"] == "xvla" && r["embodiment"] == "aloha" && r["setting"] == "clean") {
      EXPECT_EQ(r["n"], 6);
      EXPECT_EQ(r["successes"], 4);
      EXPECT_EQ(r["tasks"], 2);
    }
    if (r["task"] != "pooled") ++cells;
  }
  EXPECT_EQ(cells, 7);  // xvla on aloha 2 + 2, on piper 1; other 2
}

TEST_F(SettingTableTest, LatexCompiles) {
  if (std::system("command -v pdflatex >/dev/null 2>&1") != 0) GTEST_SKIP() << "pdflatex is not installed";
  const SettingTable t = Table();
  IntervalOptions bootstrap;
  bootstrap.method = IntervalMethod::kClusterBootstrap;
  bootstrap.bootstrap_samples = 200;
  const std::string dir = gauntlet::testing::TempDir("setting_latex");
  std::ofstream(dir + "/table.tex") << "\\documentclass{article}\n\\usepackage{booktabs}\n\\begin{document}\n"
                                    << FormatSettingTable(t, TableFormat::kLatex) << "\\clearpage\n"
                                    << FormatSettingTable(t, TableFormat::kLatex, bootstrap) << "\\end{document}\n";
  const std::string command =
      "cd '" + dir + "' && pdflatex -interaction=nonstopmode -halt-on-error table.tex >pdflatex.out 2>&1";
  EXPECT_EQ(std::system(command.c_str()), 0) << "see " << dir << "/table.log";
  EXPECT_TRUE(std::ifstream(dir + "/table.pdf").good());
}

}  // namespace
}  // namespace gauntlet::reports
