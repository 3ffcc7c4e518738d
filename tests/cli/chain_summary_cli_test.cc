// The chain reports through the real binary: chains that all break at their
// first subtask (noop on the two-subtask LIBERO-Goal chains) still report
// both positions, the per-task table charges each first subtask, and
// `gauntlet summary` prints the same chain block.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_support.h"

namespace gauntlet {
namespace {

TEST(ChainSummaryCli, ChainsThatAllFailFirstStillReportEveryPlannedPosition) {
  const std::string db = testing::TempDir("chain_summary") + "/r.db";
  const Ran ran = Gauntlet("run " + testing::SourceDir() + "/suites/libero_goal_chains.yaml --policy noop --chains 0-1 "
                           "--quiet --db " + db + " --run-name n");
  ASSERT_EQ(ran.exit_code, 0) << ran.err;

  const Ran md = Gauntlet("report --db " + db + " --table chains");
  ASSERT_EQ(md.exit_code, 0) << md.err;
  EXPECT_NE(md.out.find("| Completed in a row: 1 | Completed in a row: 2 | Avg. Len. |"), std::string::npos) << md.out;
  EXPECT_NE(md.out.find("| Policy | Run | Task | Successes | Total | Success |"), std::string::npos) << md.out;

  const Ran json = Gauntlet("report --db " + db + " --table chains --format json");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  std::map<std::string, std::pair<int, int>> tasks;  // task -> (successes, n)
  int completed_2 = -1;
  for (const auto& r : nlohmann::json::parse(json.out)) {
    if (r["measure"] == "completed_2") completed_2 = r["successes"];
    if (r["measure"] == "task_success") tasks[r["task"]] = {r["successes"], r["n"]};
  }
  EXPECT_EQ(completed_2, 0);
  // Chains 0 and 1 start with these; nothing after a first failure is charged.
  const std::map<std::string, std::pair<int, int>> expected = {{"open_the_middle_drawer_of_the_cabinet", {0, 1}},
                                                               {"turn_on_the_stove", {0, 1}}};
  EXPECT_EQ(tasks, expected);

  const Ran summary = Gauntlet("summary --db " + db);
  ASSERT_EQ(summary.exit_code, 0) << summary.err;
  EXPECT_NE(summary.out.find("chains: 2, planned length 2\n"), std::string::npos) << summary.out;
  EXPECT_NE(summary.out.find("average length 0.00 (0 subtasks done / 2 chains)"), std::string::npos) << summary.out;
  EXPECT_NE(summary.out.find("turn_on_the_stove"), std::string::npos) << summary.out;
}

}  // namespace
}  // namespace gauntlet
