#include "results/shard_merge.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "results/schema.h"
#include "results/sqlite_handle.h"

namespace gauntlet::results {

namespace {

using Json = nlohmann::json;

constexpr const char* kEpisodeKey =
    "e.suite = se.suite AND e.task = se.task AND e.variant = se.variant AND e.init_state = se.init_state AND "
    "e.seed = se.seed";

// `text` as one bash word: single-quoted, a quote inside closed, escaped and reopened.
std::string ShellWord(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// SQL text quoted as a string literal.
std::string Quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

struct ShardRun {
  std::int64_t id = 0;
  std::string name, config_hash, status;
  Json execution;
  Json row;  // the columns a merged run takes from its lowest shard
};

// What a run says about its shard; an unsharded run is shard 0 of 1.
Json ShardOf(const Json& execution, int planned) {
  if (execution.contains("shard")) return execution["shard"];
  return {{"index", 0}, {"count", 1}, {"planned_total", planned}};
}

Result<std::vector<ShardRun>> ReadShardRuns(const Database& db, const std::string& file) {
  auto q = db.Prepare(
      "SELECT run_id, name, config_hash, status, execution_json, planned_episodes, started_at, finished_at, git_sha, "
      "host, mujoco_version, render_backend, cpu_flags, gauntlet_version FROM s.runs ORDER BY name");
  if (!q.ok()) return q.error();
  std::vector<ShardRun> runs;
  while (true) {
    auto row = q.value().Step();
    if (!row.ok()) return row.error();
    if (!row.value()) break;
    Statement& s = q.value();
    ShardRun run;
    run.id = s.ColumnInt(0);
    run.name = s.ColumnText(1);
    run.config_hash = s.ColumnText(2);
    run.status = s.ColumnText(3);
    try {
      run.execution = Json::parse(s.ColumnText(4));
    } catch (const Json::exception& e) {
      return Error{file + ": run '" + run.name + "': execution_json is not JSON: " + e.what()};
    }
    Json shard = ShardOf(run.execution, static_cast<int>(s.ColumnInt(5)));
    run.row = {{"index", shard.value("index", 0)},
               {"count", shard.value("count", 1)},
               {"planned_total", shard.value("planned_total", static_cast<int>(s.ColumnInt(5)))},
               {"status", run.status},
               {"started_at", s.ColumnText(6)},
               {"finished_at", s.ColumnText(7)},
               {"git_sha", s.ColumnText(8)},
               {"host", s.ColumnText(9)},
               {"mujoco_version", s.ColumnText(10)},
               {"render_backend", s.ColumnText(11)},
               {"cpu_flags", s.ColumnText(12)},
               {"gauntlet_version", s.ColumnText(13)},
               {"workers", run.execution.value("workers", 0)},
               {"db", run.execution.value("db", "")},
               {"command", run.execution.value("command", Json::array())},
               {"slurm", run.execution.value("slurm", Json::object())}};
    runs.push_back(std::move(run));
  }
  return runs;
}

// The merged run's columns from its shards' records (sorted by index).
Status UpdateMergedRun(const Database& db, std::int64_t run_id, const Json& shards, int count, int planned_total) {
  const Json& first = shards.front();
  std::string started = first["started_at"], finished = first["finished_at"];
  for (const Json& s : shards) {
    started = std::min<std::string>(started, s["started_at"]);
    finished = std::max<std::string>(finished, s["finished_at"]);
  }
  const Json execution = {{"shard", {{"count", count}, {"planned_total", planned_total}}}, {"shards", shards}};
  auto present = db.Prepare("SELECT count(*) FROM main.episodes WHERE run_id = ?");
  if (!present.ok()) return present.error();
  present.value().BindInt(1, run_id);
  if (auto row = present.value().Step(); !row.ok()) return row.error();
  const bool complete = present.value().ColumnInt(0) >= planned_total;
  auto update = db.Prepare(
      "UPDATE main.runs SET execution_json = ?, planned_episodes = ?, started_at = ?, finished_at = ?, status = ?, "
      "git_sha = ?, host = ?, mujoco_version = ?, render_backend = ?, cpu_flags = ?, gauntlet_version = ? "
      "WHERE run_id = ?");
  if (!update.ok()) return update.error();
  Statement& u = update.value();
  u.BindText(1, execution.dump()).BindInt(2, planned_total).BindText(3, started).BindText(4, finished);
  u.BindText(5, complete ? "completed" : "interrupted");
  int i = 6;
  for (const char* key : {"git_sha", "host", "mujoco_version", "render_backend", "cpu_flags", "gauntlet_version"}) {
    u.BindText(i++, first[key].get<std::string>());
  }
  u.BindInt(12, run_id);
  return u.Run();
}

// Runs SQL and returns the first column of every row as text.
Result<std::vector<std::string>> Column(const Database& db, const std::string& sql) {
  auto q = db.Prepare(sql);
  if (!q.ok()) return q.error();
  std::vector<std::string> out;
  while (true) {
    auto row = q.value().Step();
    if (!row.ok()) return row.error();
    if (!row.value()) return out;
    out.push_back(q.value().ColumnText(0));
  }
}

Result<std::int64_t> Count(const Database& db, const std::string& sql) {
  auto q = db.Prepare(sql);
  if (!q.ok()) return q.error();
  auto row = q.value().Step();
  if (!row.ok()) return row.error();
  return q.value().ColumnInt(0);
}

// One shard file merged into the open OUT (the file attached as `s`).
Status MergeOne(const Database& db, const std::string& file, MergeReport& report, std::set<std::string>& touched) {
  auto runs = ReadShardRuns(db, file);
  if (!runs.ok()) return runs.error();
  auto transaction = Transaction::Begin(db);
  if (!transaction.ok()) return transaction.error();
  const std::string policy_cols =
      "name, kind, source, checkpoint_sha256, spec_json, adapters_json, settings_json, metadata_json";
  for (const std::string& sql : {
           std::string("DROP TABLE IF EXISTS temp.policy_map"),
           std::string("DROP TABLE IF EXISTS temp.run_map"),
           std::string("CREATE TEMP TABLE run_map (old INTEGER PRIMARY KEY, new INTEGER NOT NULL)"),
           "INSERT OR IGNORE INTO main.policies (" + policy_cols + ") SELECT " + policy_cols + " FROM s.policies",
           std::string("CREATE TEMP TABLE policy_map AS SELECT sp.policy_id AS old, p.policy_id AS new "
                       "FROM s.policies sp JOIN main.policies p ON p.name IS sp.name AND p.kind IS sp.kind AND "
                       "p.source IS sp.source AND p.checkpoint_sha256 IS sp.checkpoint_sha256 AND "
                       "p.spec_json IS sp.spec_json AND p.adapters_json IS sp.adapters_json AND "
                       "p.settings_json IS sp.settings_json AND p.metadata_json IS sp.metadata_json")}) {
    if (Status s = db.Execute(sql); !s.ok()) return s;
  }
  // Runs: matched by name; the same config and shard count, or a refusal.
  for (const ShardRun& run : runs.value()) {
    auto existing = db.Prepare("SELECT run_id, config_hash, execution_json FROM main.runs WHERE name = ?");
    if (!existing.ok()) return existing.error();
    existing.value().BindText(1, run.name);
    auto found = existing.value().Step();
    if (!found.ok()) return found.error();
    std::int64_t id = 0;
    Json shards = Json::array();
    const int count = run.row["count"];
    if (found.value()) {
      id = existing.value().ColumnInt(0);
      const std::string hash = existing.value().ColumnText(1);
      const Json merged = Json::parse(existing.value().ColumnText(2));
      const int merged_count = ShardOf(merged, 0).value("count", 1);
      if (hash != run.config_hash) {
        return Error{file + ": run '" + run.name + "' has another configuration (config hash " + run.config_hash +
                     ") than the run of that name in " + db.path() + " (" + hash +
                     "): not shards of one run (`gauntlet compare` shows the difference)"};
      }
      if (merged_count != count) {
        return Error{file + ": run '" + run.name + "' is a shard of " + std::to_string(count) + " but " + db.path() +
                     " holds it split in " + std::to_string(merged_count) + "; merge shards of one split only"};
      }
      shards = merged.value("shards", Json::array());
    } else {
      auto insert = db.Prepare(
          "INSERT INTO main.runs (name, suite, policy_id, started_at, finished_at, status, git_sha, host, config_json, "
          "config_hash, execution_json, mujoco_version, render_backend, cpu_flags, gauntlet_version, "
          "planned_episodes) SELECT r.name, r.suite, pm.new, r.started_at, r.finished_at, r.status, r.git_sha, "
          "r.host, r.config_json, r.config_hash, '{}', r.mujoco_version, r.render_backend, r.cpu_flags, "
          "r.gauntlet_version, r.planned_episodes FROM s.runs r JOIN temp.policy_map pm ON pm.old = r.policy_id "
          "WHERE r.run_id = ?");
      if (!insert.ok()) return insert.error();
      insert.value().BindInt(1, run.id);
      if (Status s = insert.value().Run(); !s.ok()) return s;
      id = db.LastInsertId();
    }
    auto map = db.Prepare("INSERT INTO temp.run_map (old, new) VALUES (?, ?)");
    if (!map.ok()) return map.error();
    map.value().BindInt(1, run.id).BindInt(2, id);
    if (Status s = map.value().Run(); !s.ok()) return s;
    // This shard's record replaces an earlier merge of the same index.
    Json kept = Json::array();
    for (const Json& s : shards) {
      if (s["index"] != run.row["index"]) kept.push_back(s);
    }
    kept.push_back(run.row);
    std::sort(kept.begin(), kept.end(), [](const Json& a, const Json& b) { return a["index"] < b["index"]; });
    touched.insert(run.name);
    // Rewritten after the episodes are in (status follows coverage).
    auto stash = db.Prepare("UPDATE main.runs SET execution_json = ? WHERE run_id = ?");
    if (!stash.ok()) return stash.error();
    stash.value().BindText(1, Json{{"shard", {{"count", count}, {"planned_total", run.row["planned_total"]}}},
                                   {"shards", kept}}
                                  .dump())
        .BindInt(2, id);
    if (Status s = stash.value().Run(); !s.ok()) return s;
  }

  // Episodes: a different outcome under the same key is a conflict.
  const std::string same_run_key = "e.run_id = m.new AND " + std::string(kEpisodeKey);
  auto conflicts = Column(
      db, "SELECT r.name || ' ' || se.suite || '/' || se.task || '/' || se.variant || '/init' || se.init_state || "
          "'/seed' || se.seed FROM s.episodes se JOIN temp.run_map m ON m.old = se.run_id JOIN s.runs r ON "
          "r.run_id = se.run_id JOIN main.episodes e ON " + same_run_key +
          " WHERE NOT (e.status IS se.status AND e.steps IS se.steps AND e.termination IS se.termination AND "
          "e.state_hash IS se.state_hash AND e.action_dim IS se.action_dim AND e.actions IS se.actions AND "
          "e.embodiment IS se.embodiment) ORDER BY 1 LIMIT 6");
  if (!conflicts.ok()) return conflicts.error();
  if (!conflicts.value().empty()) {
    std::string keys;
    for (size_t i = 0; i < std::min<size_t>(5, conflicts.value().size()); ++i) keys += "\n  " + conflicts.value()[i];
    if (conflicts.value().size() > 5) keys += "\n  ...";
    return Error{file + ": episodes already in " + db.path() + " with another outcome (a shard rerun with other "
                 "code or inputs?):" + keys};
  }
  auto before = Count(db, "SELECT count(*) FROM main.episodes");
  if (!before.ok()) return before.error();
  auto incoming = Count(db, "SELECT count(*) FROM s.episodes");
  if (!incoming.ok()) return incoming.error();
  const std::string episode_cols =
      "suite, task, variant, init_state, seed, status, success, steps, wall_s, termination, state_hash, video_path, "
      "policy_queries, policy_s, render_s, action_dim, actions, finished_at, embodiment";
  std::string se_cols;
  {
    std::stringstream in(episode_cols);
    for (std::string col; std::getline(in, col, ',');) {
      col.erase(0, col.find_first_not_of(' '));
      se_cols += (se_cols.empty() ? "se." : ", se.") + col;
    }
  }
  for (const std::string& sql : {
           std::string("DROP TABLE IF EXISTS temp.episode_map"),
           std::string("CREATE TEMP TABLE episode_map (old INTEGER PRIMARY KEY, new INTEGER)"),
           "INSERT INTO temp.episode_map (old) SELECT se.episode_id FROM s.episodes se JOIN temp.run_map m ON "
           "m.old = se.run_id WHERE NOT EXISTS (SELECT 1 FROM main.episodes e WHERE " + same_run_key + ")",
           "INSERT INTO main.episodes (run_id, policy_id, " + episode_cols + ") SELECT m.new, pm.new, " + se_cols +
               " FROM s.episodes se JOIN temp.episode_map em ON em.old = se.episode_id JOIN temp.run_map m ON "
               "m.old = se.run_id JOIN temp.policy_map pm ON pm.old = se.policy_id ORDER BY se.episode_id",
           "UPDATE temp.episode_map SET new = (SELECT e.episode_id FROM s.episodes se JOIN temp.run_map m ON "
           "m.old = se.run_id JOIN main.episodes e ON " + same_run_key + " WHERE se.episode_id = episode_map.old)",
           std::string("INSERT INTO main.subtasks (run_id, suite, task, variant, init_state, seed, step, position, "
                       "subtask, success, steps, episode_id, instruction) SELECT m.new, x.suite, x.task, x.variant, "
                       "x.init_state, x.seed, x.step, x.position, x.subtask, x.success, x.steps, em.new, "
                       "x.instruction FROM s.subtasks x JOIN temp.episode_map em ON em.old = x.episode_id JOIN "
                       "temp.run_map m ON m.old = x.run_id ORDER BY x.rowid"),
           std::string("INSERT INTO main.router_decisions (run_id, suite, task, variant, init_state, seed, step, "
                       "candidate, score, probability, chosen, true_task, episode_id) SELECT m.new, x.suite, x.task, "
                       "x.variant, x.init_state, x.seed, x.step, x.candidate, x.score, x.probability, x.chosen, "
                       "x.true_task, em.new FROM s.router_decisions x JOIN temp.episode_map em ON em.old = "
                       "x.episode_id JOIN temp.run_map m ON m.old = x.run_id ORDER BY x.rowid"),
           std::string("INSERT INTO main.events (run_id, suite, task, variant, init_state, seed, kind, step, "
                       "payload_json, episode_id) SELECT m.new, x.suite, x.task, x.variant, x.init_state, x.seed, "
                       "x.kind, x.step, x.payload_json, em.new FROM s.events x JOIN temp.episode_map em ON em.old = "
                       "x.episode_id JOIN temp.run_map m ON m.old = x.run_id ORDER BY x.rowid")}) {
    if (Status s = db.Execute(sql); !s.ok()) return s;
  }
  // Perturbation variants: the same id must mean the same parameters.
  auto clash = Column(db,
                      "SELECT sp.variant FROM s.perturbations sp JOIN main.perturbations p USING (variant) WHERE NOT "
                      "(p.dimension IS sp.dimension AND p.level IS sp.level AND p.params_json IS sp.params_json) "
                      "ORDER BY 1 LIMIT 5");
  if (!clash.ok()) return clash.error();
  if (!clash.value().empty()) {
    return Error{file + ": perturbation variant '" + clash.value().front() + "' has other parameters in " + db.path()};
  }
  if (Status s = db.Execute("INSERT OR IGNORE INTO main.perturbations SELECT * FROM s.perturbations"); !s.ok()) {
    return s;
  }
  auto after = Count(db, "SELECT count(*) FROM main.episodes");
  if (!after.ok()) return after.error();
  const int added = static_cast<int>(after.value() - before.value());
  report.episodes_added += added;
  report.duplicates_skipped += static_cast<int>(incoming.value()) - added;
  for (const ShardRun& run : runs.value()) {
    auto merged = db.Prepare("SELECT run_id, execution_json FROM main.runs WHERE name = ?");
    if (!merged.ok()) return merged.error();
    merged.value().BindText(1, run.name);
    if (auto row = merged.value().Step(); !row.ok()) return row.error();
    const std::int64_t id = merged.value().ColumnInt(0);
    const Json execution = Json::parse(merged.value().ColumnText(1));
    if (Status s = UpdateMergedRun(db, id, execution["shards"], execution["shard"]["count"],
                                   execution["shard"]["planned_total"]);
        !s.ok()) {
      return s;
    }
  }
  return transaction.value().Commit();
}

// The command that reruns shard `index` of a run: one of its shards' own
// command with the --shard value replaced.
std::string RerunCommand(const Json& shards, int index, int count) {
  for (const Json& s : shards) {
    const Json& argv = s["command"];
    if (!argv.is_array() || argv.empty()) continue;
    std::string out;
    for (size_t i = 0; i < argv.size(); ++i) {
      std::string arg = argv[i];
      if (i > 0 && argv[i - 1] == "--shard") arg = std::to_string(index) + "/" + std::to_string(count);
      if (arg.rfind("--shard=", 0) == 0) arg = "--shard=" + std::to_string(index) + "/" + std::to_string(count);
      const bool plain = arg.find_first_of(" '\"$\\") == std::string::npos && !arg.empty();
      out += (out.empty() ? "" : " ") + (plain ? arg : ShellWord(arg));
    }
    return out;
  }
  return "gauntlet run ... --shard " + std::to_string(index) + "/" + std::to_string(count) +
         " (the shards did not record their command)";
}

Result<RunCoverage> CoverageOf(const Database& db, const std::string& name) {
  auto q = db.Prepare(
      "SELECT r.execution_json, r.planned_episodes, (SELECT count(*) FROM main.episodes e WHERE e.run_id = r.run_id) "
      "FROM main.runs r WHERE r.name = ?");
  if (!q.ok()) return q.error();
  q.value().BindText(1, name);
  if (auto row = q.value().Step(); !row.ok()) return row.error();
  RunCoverage c;
  c.run = name;
  const Json execution = Json::parse(q.value().ColumnText(0));
  c.expected = static_cast<int>(q.value().ColumnInt(1));
  c.present = static_cast<int>(q.value().ColumnInt(2));
  const Json shards = execution.value("shards", Json::array());
  c.shard_count = execution["shard"].value("count", 1);
  std::set<int> merged;
  for (const Json& s : shards) {
    merged.insert(s["index"].get<int>());
    if (s["status"] != "completed") c.incomplete_shards.push_back(s["index"]);
  }
  for (int i = 0; i < c.shard_count; ++i) {
    if (!merged.count(i)) c.missing_shards.push_back(i);
  }
  std::vector<int> rerun = c.missing_shards;
  rerun.insert(rerun.end(), c.incomplete_shards.begin(), c.incomplete_shards.end());
  std::sort(rerun.begin(), rerun.end());
  for (int i : rerun) c.rerun.push_back(RerunCommand(shards, i, c.shard_count));
  return c;
}

}  // namespace

Result<MergeReport> MergeShards(const std::string& out, const std::vector<std::string>& shards) {
  if (shards.empty()) return Error{"db merge: no shard files given"};
  for (const std::string& shard : shards) {
    std::error_code ec;
    if (std::filesystem::equivalent(out, shard, ec)) return Error{shard + ": is the output file itself"};
    if (!std::filesystem::exists(shard)) return Error{shard + ": no such file"};
  }
  auto db = Database::Open(out, Database::Access::kReadWrite);
  if (!db.ok()) return db.error();
  if (Status s = MigrateSchema(db.value()); !s.ok()) return Error{s.message()};
  MergeReport report;
  std::set<std::string> touched;
  for (const std::string& shard : shards) {
    if (Status s = db.value().Execute("ATTACH DATABASE " + Quoted(shard) + " AS s"); !s.ok()) return Error{s.message()};
    auto version = Count(db.value(), "PRAGMA s.user_version");
    Status merged = !version.ok() ? Status(version.error())
                    : version.value() != SchemaVersion()
                        ? Status(Error{shard + ": schema version " + std::to_string(version.value()) +
                                       " is not this gauntlet's (" + std::to_string(SchemaVersion()) +
                                       "): not a gauntlet results file, or one of another version"})
                        : MergeOne(db.value(), shard, report, touched);
    (void)db.value().Execute("DETACH DATABASE s");
    if (!merged.ok()) return Error{merged.message()};
  }
  for (const std::string& name : touched) {
    auto coverage = CoverageOf(db.value(), name);
    if (!coverage.ok()) return coverage.error();
    report.runs.push_back(coverage.value());
  }
  return report;
}

Result<ShardFileState> ReadShardFile(const std::string& path) {
  ShardFileState state;
  if (!std::filesystem::exists(path)) return state;
  state.exists = true;
  auto db = Database::Open(path, Database::Access::kReadOnly);
  if (!db.ok()) return db.error();
  if (Status s = CheckSchemaCurrent(db.value()); !s.ok()) return Error{s.message()};
  auto q = db.value().Prepare(
      "SELECT count(*), coalesce(sum(status = 'completed'), 0), coalesce(sum(planned_episodes), 0), "
      "(SELECT count(*) FROM episodes) FROM runs");
  if (!q.ok()) return q.error();
  if (auto row = q.value().Step(); !row.ok()) return row.error();
  const std::int64_t runs = q.value().ColumnInt(0);
  state.planned = static_cast<int>(q.value().ColumnInt(2));
  state.present = static_cast<int>(q.value().ColumnInt(3));
  state.complete = runs > 0 && q.value().ColumnInt(1) == runs && state.present >= state.planned;
  return state;
}

std::string FormatCoverage(const MergeReport& report) {
  std::ostringstream out;
  out << report.episodes_added << " episodes added, " << report.duplicates_skipped
      << " identical duplicates skipped\n";
  for (const RunCoverage& c : report.runs) {
    out << c.run << ": " << c.present << " / " << c.expected << " episodes, "
        << (c.shard_count - static_cast<int>(c.missing_shards.size())) << " / " << c.shard_count << " shards";
    if (!c.incomplete_shards.empty()) out << " (" << c.incomplete_shards.size() << " unfinished)";
    out << "\n";
    for (const std::string& command : c.rerun) out << "  rerun: " << command << "\n";
  }
  return out.str();
}

}  // namespace gauntlet::results
