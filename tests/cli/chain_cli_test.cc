// Instruction chains through the real binary: a two-subtask LIBERO-Goal chain
// suite (suites/libero_goal_chains.yaml) run by the tabletop family's expert.
#include <gtest/gtest.h>

#include "tests/cli/cli_support.h"

namespace gauntlet {
namespace {

std::string ChainSuite() { return testing::SourceDir() + "/suites/libero_goal_chains.yaml"; }

// (chain, position) -> (subtask, success, steps) of one run.
using SubtaskRows = std::map<std::pair<std::string, int>, std::tuple<std::string, int, int>>;
SubtaskRows Subtasks(const std::string& db, const std::string& run) {
  sqlite3* h = nullptr;
  sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(h,
                     "SELECT s.task, s.position, s.subtask, s.success, s.steps FROM subtasks s "
                     "JOIN runs r ON r.run_id = s.run_id WHERE r.name = ?",
                     -1, &st, nullptr);
  sqlite3_bind_text(st, 1, run.c_str(), -1, SQLITE_TRANSIENT);
  SubtaskRows rows;
  while (sqlite3_step(st) == SQLITE_ROW) {
    rows[{reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), sqlite3_column_int(st, 1)}] = {
        reinterpret_cast<const char*>(sqlite3_column_text(st, 2)), sqlite3_column_int(st, 3),
        sqlite3_column_int(st, 4)};
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return rows;
}

TEST(ChainCli, TheExpertRunsTwoInstructionChainsAndEverySubtaskIsARow) {
  const std::string db = testing::TempDir("chain") + "/r.db";
  const Ran ran = Gauntlet("run " + ChainSuite() + " --policy oracle --chains 0-2 --quiet --db " + db + " --run-name c");
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  const Rows episodes = Episodes(db, "c");
  ASSERT_EQ(episodes.size(), 3u);
  const SubtaskRows subtasks = Subtasks(db, "c");
  for (const auto& [key, episode] : episodes) {
    const auto& [status, steps, hash] = episode;
    // Every chain's episode key names the chain; its subtasks are rows in
    // order, their steps adding up to the episode's.
    int total = 0, done = 0;
    for (int position = 0; position < 2; ++position) {
      auto it = subtasks.find({key.first, position});
      if (it == subtasks.end()) break;
      total += std::get<2>(it->second);
      done += std::get<1>(it->second);
      if (!std::get<1>(it->second)) break;
    }
    EXPECT_EQ(total, steps) << key.first;
    EXPECT_EQ(status == "success", done == 2) << key.first;
  }
  // The expert finishes these chains (each subtask is one of LIBERO-Goal's
  // tasks it solves from the states those chains reach).
  const auto first = subtasks.at({"drawer_then_bowl_on_plate", 0});
  EXPECT_EQ(std::get<0>(first), "open_the_middle_drawer_of_the_cabinet");
  EXPECT_EQ(std::get<1>(first), 1);
  EXPECT_EQ(std::get<0>(subtasks.at({"drawer_then_bowl_on_plate", 1})), "put_the_bowl_on_the_plate");
  int successes = 0;
  for (const auto& [key, episode] : episodes) successes += std::get<0>(episode) == "success";
  EXPECT_GE(successes, 2);

  // The chain table counts chains with their first 1 and 2 subtasks done.
  const Ran table = Gauntlet("report --db " + db + " --table chains --format csv");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("c"), std::string::npos);

  // The same chains on two workers: identical episodes.
  ASSERT_EQ(Gauntlet("run " + ChainSuite() + " --policy oracle --chains 0-2 --quiet --workers 2 --db " + db +
                     " --run-name c2")
                .exit_code,
            0);
  EXPECT_EQ(Episodes(db, "c2"), episodes);
  EXPECT_EQ(Subtasks(db, "c2"), subtasks);
}

TEST(ChainCli, AChainStopsAtTheFirstSubtaskThatFails) {
  // noop never reaches a goal: one failed subtask row per chain, no second.
  const std::string db = testing::TempDir("chain") + "/r.db";
  const Ran ran = Gauntlet("run " + ChainSuite() + " --policy noop --chains 1 --quiet --db " + db + " --run-name n");
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  const SubtaskRows subtasks = Subtasks(db, "n");
  ASSERT_EQ(subtasks.size(), 1u);
  EXPECT_EQ(std::get<1>(subtasks.begin()->second), 0);
  EXPECT_EQ(std::get<2>(subtasks.begin()->second), 300);
  EXPECT_EQ(QueryText(db, "SELECT termination FROM episodes"), "subtask 0 (turn_on_the_stove): max_steps");
}

TEST(ChainCli, ChainSelectionsAreChecked) {
  const std::string db = testing::TempDir("chain") + "/r.db";
  Ran ran = Gauntlet("run " + ChainSuite() + " --policy noop --chains 9 --db " + db);
  EXPECT_EQ(ran.exit_code, 2);
  EXPECT_NE(ran.err.find("has 6 chains"), std::string::npos) << ran.err;
  ran = Gauntlet("run " + ChainSuite() + " --policy noop --tasks 0 --db " + db);
  EXPECT_EQ(ran.exit_code, 2);
  EXPECT_NE(ran.err.find("--chains"), std::string::npos) << ran.err;
  ran = Gauntlet("run " + Suite() + " --policy noop --chains 0 --db " + db);
  EXPECT_EQ(ran.exit_code, 2);
  EXPECT_NE(ran.err.find("has no chains"), std::string::npos) << ran.err;
}

TEST(ChainCli, AnUnknownFamilyListsTheRegisteredOnes) {
  const std::string dir = testing::TempDir("chain");
  std::ofstream(dir + "/task.bddl") << "";
  std::ofstream(dir + "/odd.yaml") << "name: odd\nversion: 1\nfamily: tablet0p\ninit_state_seed: 1\n"
                                      "protocol: {max_steps: 5}\ntasks:\n  - {name: t, file: task.bddl, "
                                      "instruction: x, init_states: s.json}\n";
  const Ran ran = Gauntlet("run " + dir + "/odd.yaml --policy noop --db " + dir + "/r.db");
  EXPECT_EQ(ran.exit_code, 2);
  EXPECT_NE(ran.err.find("unknown family 'tablet0p' (registered: dualarm, playtable, tabletop)"), std::string::npos) << ran.err;
}

}  // namespace
}  // namespace gauntlet
