// The router table from router_decisions rows written through the store: the
// first decision scored, re-routings counted, the confusion matrix, every format.
#include "reports/router_table.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "tests/reports/results_file.h"

namespace gauntlet::reports {
namespace {

using nlohmann::json;

class RouterTableTest : public ::testing::Test {
 protected:
  // Decision rows as a router writes them: one per candidate per decision step.
  static void Decide(std::vector<std::pair<EpisodeKey, Event>>& events, const EpisodeKey& key, int step,
                     const std::string& chosen, const std::optional<std::string>& true_task) {
    for (const std::string candidate : {"task_a", "task_b"}) {
      events.push_back(
          {key, RouterDecision{step, candidate, candidate == chosen ? 2.0 : 1.0, std::nullopt, candidate == chosen,
                               true_task}});
    }
  }

  void SetUp() override {
    const auto routed = file_.Begin("routed", "libero_spatial",
                                    testing::ResultsFile::Policy("mergevla", "merged", {{"route", "router:subspace"}}));
    auto key = [](const std::string& task, int init) { return EpisodeKey{"libero_spatial", task, "default", init, 7}; };
    std::vector<std::pair<EpisodeKey, Event>> events;
    Decide(events, key("task_a", 0), 0, "task_a", "task_a");   // right, and stays
    Decide(events, key("task_a", 0), 10, "task_a", "task_a");
    Decide(events, key("task_a", 1), 0, "task_b", "task_a");   // wrong first; then changes twice
    Decide(events, key("task_a", 1), 10, "task_a", "task_a");
    Decide(events, key("task_a", 1), 20, "task_b", "task_a");
    Decide(events, key("task_b", 0), 0, "task_b", "task_b");
    Decide(events, key("task_b", 1), 0, "task_b", "task_b");
    Decide(events, key("task_c", 0), 0, "task_a", std::nullopt);  // no true task: not scored
    std::set<EpisodeKey> episodes;
    for (const auto& event : events) episodes.insert(event.first);
    std::vector<EpisodeOutcome> outcomes;
    for (const EpisodeKey& k : episodes) outcomes.push_back(testing::ResultsFile::Outcome(k.suite, k.task, k.init_state, true));
    file_.Write(routed, outcomes);
    file_.Write(routed, events);
    file_.Run("unrouted", "libero_spatial", testing::ResultsFile::Policy("oracle"), 5, 5);  // no decisions
  }

  RouterTable Table() const {
    auto table = BuildRouterTable(file_.path());
    EXPECT_TRUE(table.ok()) << table.error().message;
    return table.value();
  }

  testing::ResultsFile file_{"router_table"};
};

TEST_F(RouterTableTest, EpisodesAreScoredOnTheirFirstDecision) {
  const RouterTable t = Table();
  ASSERT_EQ(t.runs.size(), 1u);
  EXPECT_EQ(t.runs[0].policy, "mergevla");
  ASSERT_EQ(t.runs[0].episodes.size(), 5u);
  const RoutedEpisode& rerouted = t.runs[0].episodes[1];
  EXPECT_EQ(rerouted.key.init_state, 1);
  EXPECT_EQ(rerouted.chosen, "task_b");
  EXPECT_EQ(rerouted.decisions, 3);
  EXPECT_EQ(rerouted.reroutings, 2);
  EXPECT_EQ(t.runs[0].episodes[4].true_task, kUnknownTask);
}

TEST_F(RouterTableTest, MarkdownHasAccuracyReroutingsAndTheConfusionMatrix) {
  const std::string md = FormatRouterTable(Table(), TableFormat::kMarkdown);
  // 3 of 4 scored episodes routed right; Wilson 3/4 by hand: centre 0.6514,
  // half width 0.3453 -> [30.1, 95.4]. 8 decisions; one episode re-routed twice.
  EXPECT_NE(md.find("| Policy | Run | Suite | Scored | Accuracy | Decisions | Re-routed | Re-routings |"), std::string::npos)
      << md;
  EXPECT_NE(md.find("| mergevla | routed | libero_spatial | 4 | 75.0 [30.1, 95.4] \u2020 | 8 | 1 | 2 |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("scored on its first decision"), std::string::npos) << md;
  EXPECT_NE(md.find("Router confusion of run routed (policy mergevla)"), std::string::npos) << md;
  EXPECT_NE(md.find("| True task | Chosen: task_a | Chosen: task_b |\n|---|---:|---:|\n"
                    "| (unknown) | 1 | 0 |\n| task_a | 1 | 1 |\n| task_b | 0 | 2 |\n"),
            std::string::npos)
      << md;
}

TEST_F(RouterTableTest, CsvAndJsonHoldAccuracyAndConfusionRecords) {
  const RouterTable t = Table();
  const auto records = json::parse(FormatRouterTable(t, TableFormat::kJson));
  int accuracy = 0, confusion = 0;
  for (const auto& r : records) {
    if (r["record"] == "accuracy") {
      ++accuracy;
      EXPECT_EQ(r["n"], 4);
      EXPECT_EQ(r["successes"], 3);
      EXPECT_EQ(r["unscored"], 1);
      EXPECT_EQ(r["reroutings"], 2);
      EXPECT_EQ(r["ci_method"], "wilson");
    } else if (r["true_task"] == "task_a" && r["chosen"] == "task_b") {
      ++confusion;
      EXPECT_EQ(r["n"], 2);  // task_a's episodes
      EXPECT_EQ(r["successes"], 1);
      EXPECT_DOUBLE_EQ(r["rate"].get<double>(), 0.5);
    }
  }
  EXPECT_EQ(accuracy, 1);
  EXPECT_EQ(confusion, 1);
  EXPECT_EQ(records.size(), 1u + 3 * 2);  // accuracy + a 3 x 2 matrix
  const std::string csv = FormatRouterTable(t, TableFormat::kCsv);
  EXPECT_EQ(csv.rfind("record,policy,run,suite,true_task,chosen,n,successes,rate,ci_low,ci_high,ci_method,decisions,"
                      "rerouted_episodes,reroutings,unscored\n",
                      0),
            0u)
      << csv;
  EXPECT_NE(csv.find("accuracy,mergevla,routed,libero_spatial,,,4,3,0.750000,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("confusion,mergevla,routed,,task_b,task_b,2,2,1.000000,"), std::string::npos) << csv;
}

TEST_F(RouterTableTest, LatexAndHtmlCarryBothTables) {
  const RouterTable t = Table();
  const std::string tex = FormatRouterTable(t, TableFormat::kLatex);
  EXPECT_NE(tex.find("\\multicolumn{2}{c}{Chosen}"), std::string::npos) << tex;
  EXPECT_NE(tex.find("mergevla & routed & libero\\_spatial & 4 & 75.0 {\\scriptsize [30.1, 95.4]}$^\\dagger$ & 8 & 1 & 2"),
            std::string::npos)
      << tex;
  const std::string html = FormatRouterTable(t, TableFormat::kHtml);
  EXPECT_EQ(html.find("<table>", html.find("<table>") + 1) != std::string::npos, true) << html;
  EXPECT_NE(html.find("<th scope=\"row\">task_a</th><td class=\"number\">1</td><td class=\"number\">1</td>"),
            std::string::npos)
      << html;
}

}  // namespace
}  // namespace gauntlet::reports
