// Migration to schema version 3 on a file as gauntlet wrote it at version 2:
// every row survives, episodes get ids (their old rowids) and the
// per-episode tables reference them. The version 2 schema below is a frozen
// copy of migrations 1 and 2 (released migrations never change).
#include "results/schema.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "results/results_store.h"
#include "results/sqlite_handle.h"
#include "tests/test_support.h"

namespace gauntlet::results {
namespace {

const char* kSchemaVersion1 = R"sql(
CREATE TABLE policies (
  policy_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  spec_json TEXT NOT NULL,
  checkpoint_sha256 TEXT NOT NULL,
  UNIQUE (name, kind, spec_json, checkpoint_sha256)
);
CREATE TABLE runs (
  run_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  suite TEXT NOT NULL,
  policy_id INTEGER NOT NULL REFERENCES policies (policy_id),
  started_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  finished_at TEXT,
  status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'interrupted')),
  git_sha TEXT NOT NULL,
  host TEXT NOT NULL,
  config_json TEXT NOT NULL,
  config_hash TEXT NOT NULL,
  execution_json TEXT NOT NULL,
  mujoco_version TEXT NOT NULL,
  render_backend TEXT NOT NULL,
  cpu_flags TEXT NOT NULL,
  gauntlet_version TEXT NOT NULL,
  planned_episodes INTEGER NOT NULL
);
CREATE TABLE episodes (
  run_id INTEGER NOT NULL REFERENCES runs (run_id),
  suite TEXT NOT NULL,
  task TEXT NOT NULL,
  variant TEXT NOT NULL,
  init_state INTEGER NOT NULL,
  seed INTEGER NOT NULL,
  policy_id INTEGER NOT NULL REFERENCES policies (policy_id),
  status TEXT NOT NULL CHECK (status IN ('success', 'failure', 'error', 'timeout')),
  success INTEGER NOT NULL CHECK (success = (status = 'success')),
  steps INTEGER NOT NULL,
  wall_s REAL NOT NULL,
  termination TEXT NOT NULL,
  state_hash TEXT NOT NULL,
  video_path TEXT NOT NULL,
  policy_queries INTEGER NOT NULL,
  policy_s REAL NOT NULL,
  render_s REAL NOT NULL,
  action_dim INTEGER NOT NULL DEFAULT 0,
  actions BLOB,  -- executed policy actions: steps x action_dim float64, little-endian, row-major
  finished_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE UNIQUE INDEX episodes_by_key ON episodes (run_id, suite, task, variant, init_state, seed);
CREATE TABLE subtasks (
  run_id INTEGER NOT NULL REFERENCES runs (run_id),
  suite TEXT NOT NULL,
  task TEXT NOT NULL,
  variant TEXT NOT NULL,
  init_state INTEGER NOT NULL,
  seed INTEGER NOT NULL,
  step INTEGER NOT NULL,
  position INTEGER,
  subtask TEXT,
  success INTEGER,
  steps INTEGER
);
CREATE INDEX subtasks_by_episode ON subtasks (run_id, suite, task, variant, init_state, seed);
CREATE TABLE router_decisions (
  run_id INTEGER NOT NULL REFERENCES runs (run_id),
  suite TEXT NOT NULL,
  task TEXT NOT NULL,
  variant TEXT NOT NULL,
  init_state INTEGER NOT NULL,
  seed INTEGER NOT NULL,
  step INTEGER NOT NULL,
  candidate TEXT,
  score REAL,
  probability REAL,
  chosen INTEGER,
  true_task TEXT
);
CREATE INDEX router_decisions_by_episode
  ON router_decisions (run_id, suite, task, variant, init_state, seed);
CREATE TABLE perturbations (
  variant TEXT PRIMARY KEY,
  dimension TEXT,
  level,
  params_json TEXT
);
CREATE TABLE events (
  run_id INTEGER NOT NULL REFERENCES runs (run_id),
  suite TEXT NOT NULL,
  task TEXT NOT NULL,
  variant TEXT NOT NULL,
  init_state INTEGER NOT NULL,
  seed INTEGER NOT NULL,
  kind TEXT NOT NULL,
  step INTEGER NOT NULL,
  payload_json TEXT NOT NULL
);
CREATE INDEX events_by_episode ON events (run_id, suite, task, variant, init_state, seed);
)sql";

const char* kSchemaVersion2 = R"sql(
CREATE TABLE policies_v2 (
  policy_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  source TEXT NOT NULL,
  checkpoint_sha256 TEXT NOT NULL,
  spec_json TEXT NOT NULL,
  adapters_json TEXT NOT NULL,
  settings_json TEXT NOT NULL,
  metadata_json TEXT NOT NULL,
  UNIQUE (name, kind, source, checkpoint_sha256, spec_json, adapters_json, settings_json, metadata_json)
);
INSERT INTO policies_v2
  SELECT policy_id, name, kind, '', checkpoint_sha256, '{}', '[]', spec_json, '{}' FROM policies;
DROP TABLE policies;
ALTER TABLE policies_v2 RENAME TO policies;
PRAGMA user_version = 2;
)sql";

// Rows as version 2 held them: two episodes of one run, a subtask and an
// event of the second, a router decision of the first and one whose episode
// was never written (WriteEvents allowed that), and a perturbation.
const char* kVersion2Rows = R"sql(
INSERT INTO policies VALUES (1, 'oracle', 'oracle', '', '', '{}', '[]', '{"noise":0}', '{}');
INSERT INTO runs (run_id, name, suite, policy_id, started_at, status, git_sha, host, config_json, config_hash,
                  execution_json, mujoco_version, render_backend, cpu_flags, gauntlet_version, planned_episodes)
  VALUES (1, 'baseline', 'libero_spatial', 1, '2026-01-02T03:04:05Z', 'completed', '0123abcd', 'box', '{"a":1}',
          'ffff', '{}', '3.2.0', 'egl', 'avx2', '0.1', 2);
INSERT INTO episodes (run_id, suite, task, variant, init_state, seed, policy_id, status, success, steps, wall_s,
                      termination, state_hash, video_path, policy_queries, policy_s, render_s, action_dim, actions,
                      finished_at)
  VALUES (1, 'libero_spatial', 'a', 'light_dim', 0, -1, 1, 'success', 1, 120, 1.5, 'goal', 'h0', 'v0.mp4', 12,
          0.25, 0.5, 2, x'000000000000F03F0000000000000040', '2026-01-02T03:05:00Z'),
         (1, 'libero_spatial', 'b', 'default', 3, 7, 1, 'failure', 0, 220, 2.5, 'max_steps', 'h1', '', 22,
          0.75, 1.0, 0, NULL, '2026-01-02T03:06:00Z');
INSERT INTO subtasks VALUES (1, 'libero_spatial', 'b', 'default', 3, 7, 40, 0, 'open_drawer', 1, 40);
INSERT INTO router_decisions VALUES (1, 'libero_spatial', 'a', 'light_dim', 0, -1, 0, 'a', 2.5, 0.8, 1, 'a'),
                                    (1, 'libero_spatial', 'z', 'default', 9, 7, 0, 'z', NULL, NULL, 1, NULL);
INSERT INTO perturbations VALUES ('light_dim', 'lighting', 2, '{"scale":0.5}');
INSERT INTO events VALUES (1, 'libero_spatial', 'b', 'default', 3, 7, 'policy_timing', 219, '{"requests":22}');
)sql";

// Every column of version 2's episodes table.
const std::vector<std::string> kEpisodeColumns = {
    "run_id", "suite", "task", "variant", "init_state", "seed", "policy_id", "status", "success", "steps", "wall_s",
    "termination", "state_hash", "video_path", "policy_queries", "policy_s", "render_s", "action_dim", "actions",
    "finished_at"};
const std::vector<std::string> kKeyColumns = {"run_id", "suite", "task", "variant", "init_state", "seed"};

// Each row of `table` as "value|value|..." (SQL literals), ordered by `order`.
std::vector<std::string> Rows(const Database& db, const std::string& table, const std::vector<std::string>& columns,
                              const std::string& order = "rowid") {
  std::string row;
  for (const std::string& c : columns) row += (row.empty() ? "" : " || '|' || ") + ("quote(" + c + ")");
  Result<Statement> query = db.Prepare("SELECT " + row + " FROM " + table + " ORDER BY " + order);
  EXPECT_TRUE(query.ok()) << query.error().message;
  if (!query.ok()) return {};
  std::vector<std::string> rows;
  while (true) {
    Result<bool> more = query.value().Step();
    EXPECT_TRUE(more.ok()) << more.error().message;
    if (!more.ok() || !more.value()) return rows;
    rows.push_back(query.value().ColumnText(0));
  }
}

std::vector<std::string> With(std::vector<std::string> columns, const std::vector<std::string>& more) {
  columns.insert(columns.end(), more.begin(), more.end());
  return columns;
}

class SchemaMigrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::path(testing::TempDir("schema")) / "results.db").string();
    Result<Database> db = Database::Open(path_, Database::Access::kReadWrite);
    ASSERT_TRUE(db.ok()) << db.error().message;
    for (const char* sql : {kSchemaVersion1, kSchemaVersion2, kVersion2Rows}) {
      Status s = db.value().Execute(sql);
      ASSERT_TRUE(s.ok()) << db.value().Fail("version 2 setup").message;
    }
    // What version 2 held, read before the migration.
    episodes_ = Rows(db.value(), "episodes", With({"rowid"}, kEpisodeColumns));
    subtasks_ = Rows(db.value(), "subtasks", With(kKeyColumns, {"step", "position", "subtask", "success", "steps"}));
    decisions_ = Rows(db.value(), "router_decisions",
                      With(kKeyColumns, {"step", "candidate", "score", "probability", "chosen", "true_task"}));
    events_ = Rows(db.value(), "events", With(kKeyColumns, {"kind", "step", "payload_json"}));
    perturbations_ = Rows(db.value(), "perturbations", {"variant", "dimension", "level", "params_json"});
    ASSERT_EQ(episodes_.size(), 2u);
  }

  std::string path_;
  std::vector<std::string> episodes_, subtasks_, decisions_, events_, perturbations_;
};

TEST_F(SchemaMigrationTest, EveryRowSurvivesAndChildRowsReferenceTheirEpisode) {
  Result<std::unique_ptr<ResultsStore>> store = ResultsStore::Open(path_);
  ASSERT_TRUE(store.ok()) << store.error().message;
  store.value().reset();

  Result<Database> db = Database::Open(path_, Database::Access::kReadOnly);
  ASSERT_TRUE(db.ok()) << db.error().message;
  EXPECT_TRUE(CheckSchemaCurrent(db.value()).ok());
  // Episode ids are the old rowids; every other column as it was.
  EXPECT_EQ(Rows(db.value(), "episodes", With({"episode_id"}, kEpisodeColumns)), episodes_);
  EXPECT_EQ(Rows(db.value(), "subtasks", With(kKeyColumns, {"step", "position", "subtask", "success", "steps"})),
            subtasks_);
  EXPECT_EQ(Rows(db.value(), "router_decisions",
                 With(kKeyColumns, {"step", "candidate", "score", "probability", "chosen", "true_task"})),
            decisions_);
  EXPECT_EQ(Rows(db.value(), "events", With(kKeyColumns, {"kind", "step", "payload_json"})), events_);
  EXPECT_EQ(Rows(db.value(), "perturbations", {"variant", "dimension", "level", "params_json"}), perturbations_);
  // The second episode (rowid 2) owns the subtask and the event; the first
  // the decision; the decision without an episode row references none.
  EXPECT_EQ(Rows(db.value(), "subtasks", {"episode_id", "instruction"}), std::vector<std::string>{"2|NULL"});
  EXPECT_EQ(Rows(db.value(), "events", {"episode_id"}), std::vector<std::string>{"2"});
  EXPECT_EQ(Rows(db.value(), "router_decisions", {"episode_id", "task"}), (std::vector<std::string>{"1|'a'", "NULL|'z'"}));
  EXPECT_EQ(Rows(db.value(), "sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'", {"name"}, "name"),
            (std::vector<std::string>{"'episodes_by_key'", "'events_by_episode'", "'events_by_episode_id'",
                                      "'router_decisions_by_episode'", "'router_decisions_by_episode_id'",
                                      "'subtasks_by_episode'", "'subtasks_by_episode_id'"}));
  EXPECT_TRUE(Rows(db.value(), "pragma_foreign_key_check", {"\"table\""}, "1").empty());
}

TEST_F(SchemaMigrationTest, TheMigratedFileTakesNewEpisodesAndRefusesRecordedOnes) {
  Result<std::unique_ptr<ResultsStore>> store = ResultsStore::Open(path_);
  ASSERT_TRUE(store.ok()) << store.error().message;
  RunRecord record;
  record.name = "baseline";
  record.config_json = R"({"a":1})";
  PolicyRecord policy;
  policy.name = policy.kind = "oracle";
  policy.settings_json = R"({"noise":0})";
  Result<RunHandle> run = store.value()->BeginRun(record, policy);
  ASSERT_TRUE(run.ok()) << run.error().message;
  ASSERT_TRUE(run.value().resumed);

  EpisodeOutcome recorded;
  recorded.key = EpisodeKey{"libero_spatial", "b", "default", 3, 7};
  EXPECT_FALSE(store.value()->WriteEpisodes(run.value(), {recorded}).ok());  // the unique key index holds
  EpisodeOutcome added;
  added.key = EpisodeKey{"libero_spatial", "c", "default", 0, 7};
  added.status = EpisodeStatus::kSuccess;
  added.events = {SubtaskResult{0, "close_drawer", "close the drawer", true, 30, 0}};
  Status s = store.value()->WriteEpisodes(run.value(), {added});
  ASSERT_TRUE(s.ok()) << s.message();
  store.value().reset();

  Result<Database> db = Database::Open(path_, Database::Access::kReadOnly);
  ASSERT_TRUE(db.ok()) << db.error().message;
  EXPECT_EQ(Rows(db.value(), "subtasks", {"episode_id", "task", "instruction"}),
            (std::vector<std::string>{"2|'b'|NULL", "3|'c'|'close the drawer'"}));
}

}  // namespace
}  // namespace gauntlet::results
