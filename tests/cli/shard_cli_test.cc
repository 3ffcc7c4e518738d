// A run split into shards (`run --shard I/N`) and merged back (`db merge`)
// is the run done on one machine: the same episode rows and byte-identical
// summary (below its header line), report and compare output, for N = 1, 3
// and 7 (more shards than episodes), in any merge order and when merged
// twice. Conflicting duplicates, another configuration and missing shards
// are named.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/cli/cli_support.h"
#include "tests/test_support.h"

namespace gauntlet {
namespace {

const char kRun[] = "run libero_spatial --policy noop --tasks 0,1 --trials 2 --quiet";

std::string ShardFile(const std::string& dir, int i, int n) {
  return dir + "/r.libero_spatial.shard-" + std::to_string(i) + "-of-" + std::to_string(n) + ".db";
}

// The episode rows that do not depend on where or when they ran.
std::string Rows(const std::string& db) {
  std::string rows;
  for (const char* sql : {"SELECT group_concat(x, '|') FROM (SELECT suite || task || variant || init_state || seed || "
                          "status || steps || state_hash || hex(actions) || embodiment AS x FROM episodes ORDER BY x)",
                          "SELECT group_concat(x, '|') FROM (SELECT r.name || r.config_hash || r.planned_episodes || "
                          "r.status AS x FROM runs r ORDER BY x)"}) {
    rows += QueryText(db, sql) + "\n";
  }
  return rows;
}

std::string WithoutFirstLine(const std::string& text) { return text.substr(text.find('\n') + 1); }

TEST(ShardCli, MergedShardsAreTheUnshardedRun) {
  const std::string dir = testing::TempDir("shards");
  ASSERT_EQ(Gauntlet(std::string(kRun) + " --db " + dir + "/full.db").exit_code, 0);
  const std::string full_rows = Rows(dir + "/full.db");
  const std::string full_summary = WithoutFirstLine(Gauntlet("summary --db " + dir + "/full.db").out);
  const std::string full_report = Gauntlet("report --db " + dir + "/full.db").out;
  ASSERT_NE(full_rows.find("libero_spatial-noop"), std::string::npos) << full_rows;

  for (int n : {1, 3, 7}) {
    std::vector<std::string> files;
    for (int i = 0; i < n; ++i) {
      const Ran shard = Gauntlet(std::string(kRun) + " --db " + dir + "/r.db --shard " + std::to_string(i) + "/" +
                                 std::to_string(n));
      ASSERT_EQ(shard.exit_code, 0) << shard.err;
      files.push_back(ShardFile(dir, i, n));
      ASSERT_TRUE(std::filesystem::exists(files.back())) << files.back();
      EXPECT_EQ(QueryText(files.back(), "SELECT json_extract(execution_json, '$.shard.count') FROM runs"),
                std::to_string(n));
    }
    // Forward, and backward then again: the same rows.
    const std::string forward = dir + "/forward" + std::to_string(n) + ".db";
    const std::string backward = dir + "/backward" + std::to_string(n) + ".db";
    std::string all, reversed;
    for (size_t i = 0; i < files.size(); ++i) {
      all += " " + files[i];
      reversed += " " + files[files.size() - 1 - i];
    }
    const Ran merged = Gauntlet("db merge " + forward + all);
    ASSERT_EQ(merged.exit_code, 0) << merged.err;
    EXPECT_NE(merged.out.find("4 / 4 episodes, " + std::to_string(n) + " / " + std::to_string(n) + " shards"),
              std::string::npos)
        << merged.out;
    ASSERT_EQ(Gauntlet("db merge " + backward + reversed).exit_code, 0);
    const Ran again = Gauntlet("db merge " + backward + all);
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.out.find("0 episodes added, 4 identical duplicates skipped"), std::string::npos) << again.out;
    EXPECT_EQ(Rows(forward), full_rows) << n << " shards";
    EXPECT_EQ(Rows(backward), full_rows) << n << " shards";
    EXPECT_EQ(WithoutFirstLine(Gauntlet("summary --db " + forward).out), full_summary) << n << " shards";
    EXPECT_EQ(Gauntlet("report --db " + backward).out, full_report) << n << " shards";
    const Ran compare = Gauntlet("compare --db " + forward + " --baseline libero_spatial-noop --candidate libero_spatial-noop");
    const Ran compare_full = Gauntlet("compare --db " + dir + "/full.db --baseline libero_spatial-noop --candidate libero_spatial-noop");
    EXPECT_EQ(compare.out, compare_full.out);
    EXPECT_EQ(compare.exit_code, compare_full.exit_code);
  }
}

TEST(ShardCli, MissingShardsConflictsAndOtherRunsAreNamed) {
  const std::string dir = testing::TempDir("shards-bad");
  for (int i : {0, 2}) {
    ASSERT_EQ(Gauntlet(std::string(kRun) + " --db " + dir + "/r.db --shard " + std::to_string(i) + "/3").exit_code, 0);
  }
  // Shard 1 never ran: the coverage says so with the command that runs it.
  const Ran partial = Gauntlet("db merge " + dir + "/out.db " + dir);
  EXPECT_EQ(partial.exit_code, 1) << partial.err;
  EXPECT_NE(partial.out.find("3 / 4 episodes, 2 / 3 shards"), std::string::npos) << partial.out;
  EXPECT_NE(partial.out.find("rerun: "), std::string::npos) << partial.out;
  EXPECT_NE(partial.out.find("--shard 1/3"), std::string::npos) << partial.out;
  EXPECT_EQ(QueryText(dir + "/out.db", "SELECT status FROM runs"), "interrupted");

  // A shard whose episode came out otherwise is refused, naming the episode.
  const std::string changed = dir + "/changed.db";
  std::filesystem::copy_file(ShardFile(dir, 0, 3), changed);
  ASSERT_EQ(std::system(("sqlite3 " + changed + " \"UPDATE episodes SET state_hash = 'x' WHERE rowid = "
                                                "(SELECT min(rowid) FROM episodes)\"").c_str()),
            0);
  const Ran conflict = Gauntlet("db merge " + dir + "/out.db " + changed);
  EXPECT_EQ(conflict.exit_code, 2);
  EXPECT_NE(conflict.err.find("with another outcome"), std::string::npos) << conflict.err;
  EXPECT_NE(conflict.err.find("libero_spatial-noop libero_spatial/"), std::string::npos) << conflict.err;

  // The same run name with another configuration (fewer trials) is not a shard of it.
  ASSERT_EQ(Gauntlet("run libero_spatial --policy noop --tasks 0,1 --trials 1 --quiet --db " + dir +
                     "/other.db --shard 1/3")
                .exit_code,
            0);
  const Ran other = Gauntlet("db merge " + dir + "/out.db " + dir + "/other.libero_spatial.shard-1-of-3.db");
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_NE(other.err.find("another configuration"), std::string::npos) << other.err;
  // Another split of the same run is refused too.
  ASSERT_EQ(Gauntlet(std::string(kRun) + " --db " + dir + "/split.db --shard 0/2").exit_code, 0);
  const Ran split = Gauntlet("db merge " + dir + "/out.db " + dir + "/split.libero_spatial.shard-0-of-2.db");
  EXPECT_EQ(split.exit_code, 2);
  EXPECT_NE(split.err.find("is a shard of 2 but"), std::string::npos) << split.err;
}

}  // namespace
}  // namespace gauntlet
