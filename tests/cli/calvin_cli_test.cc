// CALVIN's chains through the real binary (suites/calvin.yaml, family
// playtable): generated chains selected with --chains, one subtasks row per
// attempted subtask with CALVIN's instruction and step budget, the chain
// table, and identical results on one and two workers.
#include <gtest/gtest.h>

#include "tests/cli/cli_support.h"

namespace gauntlet {
namespace {

std::string Calvin() { return testing::SourceDir() + "/suites/calvin.yaml"; }

TEST(CalvinCli, ChainsRunAsEpisodesWithASubtaskRowEachOnAnyWorkerCount) {
  const std::string db = testing::TempDir("calvin") + "/r.db";
  // A seeded random policy never completes a subtask: every chain ends at its
  // first, after CALVIN's 360 steps.
  const Ran ran = Gauntlet("run " + Calvin() + " --policy random --chains 0-2 --quiet --db " + db + " --run-name r1");
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  const Rows episodes = Episodes(db, "r1");
  ASSERT_EQ(episodes.size(), 3u);
  EXPECT_EQ(episodes.begin()->first.first, "chain0000");
  EXPECT_EQ(QueryText(db, "SELECT COUNT(*) FROM subtasks"), "3");
  EXPECT_EQ(QueryText(db, "SELECT MAX(steps) || ' ' || MIN(steps) || ' ' || MAX(position) FROM subtasks"), "360 360 0");
  // Chain 0 begins with rotate_blue_block_right (CALVIN's chain 0), told
  // CALVIN's evaluation instruction for it.
  EXPECT_EQ(QueryText(db, "SELECT subtask || ': ' || instruction FROM subtasks WHERE task = 'chain0000'"),
            "rotate_blue_block_right: take the blue block and rotate it to the right");
  EXPECT_EQ(QueryText(db, "SELECT termination FROM episodes WHERE task = 'chain0000'"),
            "subtask 0 (rotate_blue_block_right): max_steps");
  // The run records the chains it played and the family's world settings.
  EXPECT_NE(QueryText(db, "SELECT config_json FROM runs").find("\"subtasks\":[\"rotate_blue_block_right\",\"move_slider_right\""),
            std::string::npos);
  EXPECT_NE(QueryText(db, "SELECT config_json FROM runs").find("\"world\":{\"scene\":\"D\"}"), std::string::npos);

  const Ran table = Gauntlet("report --db " + db + " --table chains --format csv");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("r1"), std::string::npos);

  ASSERT_EQ(Gauntlet("run " + Calvin() + " --policy random --chains 0-2 --quiet --workers 2 --db " + db +
                     " --run-name r2")
                .exit_code,
            0);
  EXPECT_EQ(Episodes(db, "r2"), episodes);
}

TEST(CalvinCli, TheExpertSolvesChainsInCalvinsAbsoluteInterfaceToo) {
  const std::string db = testing::TempDir("calvin") + "/r.db";
  const Ran rel = Gauntlet("run " + Calvin() + " --policy oracle --chains 0-3 --quiet --db " + db + " --run-name rel");
  ASSERT_EQ(rel.exit_code, 0) << rel.err;
  const Ran abs = Gauntlet("run " + Calvin() + " --policy oracle --policy-opt action=eef_abs --chains 0-3 --quiet --db " +
                           db + " --run-name abs");
  ASSERT_EQ(abs.exit_code, 0) << abs.err;
  // The policy's declared kind picks the family's interface; the run says which.
  auto action_of = [&](const std::string& run) {
    return QueryText(db, "SELECT json_extract(config_json, '$.action.kind') FROM runs WHERE name = '" + run + "'");
  };
  EXPECT_EQ(action_of("rel"), "eef_delta");
  EXPECT_EQ(action_of("abs"), "eef_abs");
  const std::string solved = "SELECT SUM(s.success) FROM subtasks s JOIN runs r ON s.run_id = r.run_id WHERE r.name = ";
  EXPECT_GE(std::stoi(QueryText(db, solved + "'abs'")), 16);  // of 20 subtasks
  EXPECT_EQ(QueryText(db, solved + "'abs'"), QueryText(db, solved + "'rel'"));
}

TEST(CalvinCli, ChainSuitesRefuseTasksAndOutOfRangeChains) {
  const std::string db = testing::TempDir("calvin") + "/r.db";
  Ran ran = Gauntlet("run " + Calvin() + " --policy noop --chains 1000 --db " + db);
  EXPECT_EQ(ran.exit_code, 2);
  EXPECT_NE(ran.err.find("has 1000 chains"), std::string::npos) << ran.err;
  ran = Gauntlet("init-states " + Calvin() + " --tasks 0");
  EXPECT_NE(ran.exit_code, 0);
  EXPECT_NE(ran.err.find("stores no initial states"), std::string::npos) << ran.err;
}

}  // namespace
}  // namespace gauntlet
