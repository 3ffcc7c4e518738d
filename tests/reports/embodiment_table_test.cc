// The embodiment table (MergeVLA Table 3) from runs whose configurations name
// different embodiments, and runs that name none (the default, panda).
#include "reports/embodiment_table.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/reports/results_file.h"

namespace gauntlet::reports {
namespace {

using nlohmann::json;

class EmbodimentTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto a = testing::ResultsFile::Policy("policy_a");
    file_.Run("a-panda-old", "libero_spatial", a, 0, 4);  // replaced by the next
    file_.Run("a-panda", "libero_spatial", a, 3, 4);      // no embodiment recorded: panda
    file_.Run("a-ur5e", "libero_spatial", a, 1, 4, {{"embodiment", "ur5e"}});
    file_.Run("a-aloha", "libero_goal", a, 2, 2, {{"suite", {{"embodiment", "aloha"}}}});
    file_.Run("b-ur5e", "libero_spatial", testing::ResultsFile::Policy("policy_b"), 4, 4, {{"embodiment", "ur5e"}});
    file_.Run("a-plus", "libero_spatial", a, 0, 4, {{"perturbations", {{"set", "plus"}}}});  // left out
  }

  EmbodimentTable Table() const {
    auto table = BuildEmbodimentTable(file_.path());
    EXPECT_TRUE(table.ok()) << table.error().message;
    return table.value();
  }

  testing::ResultsFile file_{"embodiment_table"};
};

TEST_F(EmbodimentTableTest, ColumnsAreEmbodimentTaskPairsFromTheRunConfigurations) {
  const EmbodimentTable t = Table();
  using C = EmbodimentTable::Column;
  EXPECT_EQ(t.columns, (std::vector<C>{{"panda", "task_a"}, {"panda", "task_b"}, {"ur5e", "task_a"},
                                       {"ur5e", "task_b"}, {"aloha", "task_a"}, {"aloha", "task_b"}}));
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].runs, (std::vector<std::string>{"a-panda", "a-ur5e", "a-aloha"}));
  // a-panda: task_a episodes 0, 2 succeed (the first 3 of 4 do), task_b 1 of 2.
  EXPECT_EQ(t.rows[0].cells.at({"panda", "task_a"}).successes, 2);
  EXPECT_EQ(t.rows[0].cells.at({"panda", "task_b"}).successes, 1);
  EXPECT_EQ(t.rows[1].cells.count({"panda", "task_a"}), 0u);
}

TEST_F(EmbodimentTableTest, EveryFormatGroupsTasksUnderTheirEmbodiment) {
  const EmbodimentTable t = Table();
  const std::string md = FormatEmbodimentTable(t, TableFormat::kMarkdown);
  EXPECT_NE(md.find("| Policy | panda: task_a | panda: task_b | ur5e: task_a | ur5e: task_b | aloha: task_a | "
                    "aloha: task_b | Pooled |"),
            std::string::npos)
      << md;
  // Pooled: 3 + 1 + 2 = 6 of 10.
  EXPECT_NE(md.find("| policy_a | 100.0 [34.2, 100.0] \u2020 | 50.0 ["), std::string::npos) << md;
  EXPECT_NE(md.find("| 60.0 [31.3, 83.2] \u2020 |\n"), std::string::npos) << md;
  EXPECT_NE(md.find("| policy_b | - | - | 100.0 ["), std::string::npos) << md;
  EXPECT_NE(md.find("else panda"), std::string::npos) << md;
  const std::string tex = FormatEmbodimentTable(t, TableFormat::kLatex);
  for (const char* part : {"\\multicolumn{2}{c}{panda} & \\multicolumn{2}{c}{ur5e} & \\multicolumn{2}{c}{aloha} &  \\\\",
                           "\\cmidrule(lr){2-3}\\cmidrule(lr){4-5}\\cmidrule(lr){6-7}",
                           "Policy & task\\_a & task\\_b & task\\_a"}) {
    EXPECT_NE(tex.find(part), std::string::npos) << part << "\n" << tex;
  }
  const auto records = json::parse(FormatEmbodimentTable(t, TableFormat::kJson));
  bool ur5e = false;
  for (const auto& r : records) {
    if (r["policy"] == "policy_b" && r["embodiment"] == "ur5e" && r["task"] == "task_a") {
      ur5e = true;
      EXPECT_EQ(r["n"], 2);
      EXPECT_EQ(r["successes"], 2);
    }
  }
  EXPECT_TRUE(ur5e);
  EXPECT_EQ(FormatEmbodimentTable(t, TableFormat::kCsv).rfind("policy,embodiment,task,n,successes,rate,ci_low,ci_high,"
                                                              "ci_method\n",
                                                              0),
            0u);
  EXPECT_NE(FormatEmbodimentTable(t, TableFormat::kHtml).find("<th scope=\"colgroup\" colspan=\"2\">ur5e</th>"),
            std::string::npos);
}

}  // namespace
}  // namespace gauntlet::reports
