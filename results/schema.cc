#include "results/schema.h"

#include <string>
#include <vector>

namespace gauntlet::results {

namespace {

// Append only: a released migration never changes, since databases in the
// wild already carry its effect. Episode keys appear as (suite, task, variant,
// init_state, seed); `seed` holds the uint64 trial seed reinterpreted as a
// signed 64-bit integer, SQLite's widest. Timestamps are ISO 8601 UTC.
const std::vector<std::string>& Migrations() {
  static const std::vector<std::string> migrations = {
      R"sql(
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
)sql",
      // 2: policies record where a policy came from, its declared spec, the
      // adapters between it and the family, its settings and what the
      // checkpoint or server says about itself (SQLite cannot change a
      // UNIQUE constraint in place: the table is rebuilt).
      R"sql(
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
)sql",
      // 3: episodes get an id of their own (each keeps its rowid), which the
      // per-episode tables reference; their key columns stay for readers.
      // Rows written before an episode row had none to reference keep NULL.
      // A subtask row also records the instruction given (subtasks.step is
      // the step the subtask began at, position counts from 0).
      R"sql(
CREATE TABLE episodes_v3 (
  episode_id INTEGER PRIMARY KEY,
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
INSERT INTO episodes_v3 (episode_id, run_id, suite, task, variant, init_state, seed, policy_id, status, success,
                         steps, wall_s, termination, state_hash, video_path, policy_queries, policy_s, render_s,
                         action_dim, actions, finished_at)
  SELECT rowid, run_id, suite, task, variant, init_state, seed, policy_id, status, success, steps, wall_s,
         termination, state_hash, video_path, policy_queries, policy_s, render_s, action_dim, actions, finished_at
  FROM episodes;
DROP TABLE episodes;
ALTER TABLE episodes_v3 RENAME TO episodes;
CREATE UNIQUE INDEX episodes_by_key ON episodes (run_id, suite, task, variant, init_state, seed);

ALTER TABLE subtasks ADD COLUMN episode_id INTEGER REFERENCES episodes (episode_id);
ALTER TABLE subtasks ADD COLUMN instruction TEXT;
ALTER TABLE router_decisions ADD COLUMN episode_id INTEGER REFERENCES episodes (episode_id);
ALTER TABLE events ADD COLUMN episode_id INTEGER REFERENCES episodes (episode_id);
UPDATE subtasks SET episode_id = (
  SELECT e.episode_id FROM episodes e WHERE e.run_id = subtasks.run_id AND e.suite = subtasks.suite
    AND e.task = subtasks.task AND e.variant = subtasks.variant AND e.init_state = subtasks.init_state
    AND e.seed = subtasks.seed);
UPDATE router_decisions SET episode_id = (
  SELECT e.episode_id FROM episodes e WHERE e.run_id = router_decisions.run_id AND e.suite = router_decisions.suite
    AND e.task = router_decisions.task AND e.variant = router_decisions.variant
    AND e.init_state = router_decisions.init_state AND e.seed = router_decisions.seed);
UPDATE events SET episode_id = (
  SELECT e.episode_id FROM episodes e WHERE e.run_id = events.run_id AND e.suite = events.suite
    AND e.task = events.task AND e.variant = events.variant AND e.init_state = events.init_state
    AND e.seed = events.seed);
CREATE INDEX subtasks_by_episode_id ON subtasks (episode_id);
CREATE INDEX router_decisions_by_episode_id ON router_decisions (episode_id);
CREATE INDEX events_by_episode_id ON events (episode_id);
)sql",
      // 4: the robot each episode ran with, from its family (multi-embodiment
      // families run several in one run). Earlier rows were all the tabletop
      // family's Franka Panda.
      R"sql(
ALTER TABLE episodes ADD COLUMN embodiment TEXT NOT NULL DEFAULT 'panda';
)sql",
  };
  return migrations;
}

Result<int> ReadUserVersion(const Database& db) {
  Result<Statement> query = db.Prepare("PRAGMA user_version");
  if (!query.ok()) return query.error();
  Result<bool> row = query.value().Step();
  if (!row.ok()) return row.error();
  return static_cast<int>(query.value().ColumnInt(0));
}

Error NewerThanThisBuild(const Database& db, int version) {
  return Error{db.path() + ": schema version " + std::to_string(version) +
               " is newer than this gauntlet understands (" + std::to_string(SchemaVersion()) +
               "); use a newer gauntlet"};
}

}  // namespace

int SchemaVersion() { return static_cast<int>(Migrations().size()); }

Status MigrateSchema(const Database& db) {
  // The version is read inside the write transaction so that two processes
  // opening a fresh file at once cannot both apply the same migration.
  Result<Transaction> transaction = Transaction::Begin(db);
  if (!transaction.ok()) return transaction.error();
  Result<int> version = ReadUserVersion(db);
  if (!version.ok()) return version.error();
  if (version.value() > SchemaVersion()) return NewerThanThisBuild(db, version.value());
  if (version.value() == SchemaVersion()) return Status::Ok();
  for (int v = version.value(); v < SchemaVersion(); ++v) {
    if (!db.Execute(Migrations()[static_cast<std::size_t>(v)]).ok()) {
      return db.Fail("migration to schema version " + std::to_string(v + 1) + " failed");
    }
  }
  if (Status s = db.Execute("PRAGMA user_version = " + std::to_string(SchemaVersion())); !s.ok()) {
    return s;
  }
  return transaction.value().Commit();
}

Status CheckSchemaCurrent(const Database& db) {
  Result<int> version = ReadUserVersion(db);
  if (!version.ok()) return version.error();
  if (version.value() > SchemaVersion()) return NewerThanThisBuild(db, version.value());
  if (version.value() < SchemaVersion()) {
    return Error{db.path() + ": schema version " + std::to_string(version.value()) +
                 " is older than this gauntlet's (" + std::to_string(SchemaVersion()) +
                 "); it is not a gauntlet results database, or a run with this gauntlet "
                 "must migrate it first"};
  }
  return Status::Ok();
}

}  // namespace gauntlet::results
