#include "results/results_store.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "results/config_diff.h"
#include "results/schema.h"

namespace gauntlet::results {

namespace {

using Json = nlohmann::json;

// SQLite integers are signed 64-bit; a uint64 trial seed is stored with its
// bits reinterpreted and read back the same way.
std::int64_t SeedToColumn(std::uint64_t seed) { return static_cast<std::int64_t>(seed); }
std::uint64_t SeedFromColumn(std::int64_t column) { return static_cast<std::uint64_t>(column); }

// Binds (run_id, suite, task, variant, init_state, seed) to ?1..?6, the
// common prefix of every per-episode table's INSERT below.
void BindEpisodeKey(Statement& statement, std::int64_t run_id, const EpisodeKey& key) {
  statement.BindInt(1, run_id)
      .BindText(2, key.suite)
      .BindText(3, key.task)
      .BindText(4, key.variant)
      .BindInt(5, key.init_state)
      .BindInt(6, SeedToColumn(key.trial_seed));
}

void BindJson(Statement& statement, int index, const Json& value) {
  switch (value.type()) {
    case Json::value_t::null: statement.BindNull(index); break;
    case Json::value_t::boolean: statement.BindInt(index, value.get<bool>() ? 1 : 0); break;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: statement.BindInt(index, value.get<std::int64_t>()); break;
    case Json::value_t::number_float: statement.BindReal(index, value.get<double>()); break;
    case Json::value_t::string: statement.BindText(index, value.get<std::string>()); break;
    default: statement.BindText(index, value.dump()); break;  // objects and arrays as JSON text
  }
}

struct EventColumns {
  const char* kind;
  const char* insert_sql;           // ?1..?6 episode key, ?7 step, then the payload fields
  std::vector<std::string> fields;  // payload fields in column order
};

const std::vector<EventColumns>& PerEpisodeEventTables() {
  static const std::vector<EventColumns> tables = {
      {"router_decision",
       "INSERT INTO router_decisions (run_id, suite, task, variant, init_state, seed, step, "
       "candidate, score, probability, chosen, true_task) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
       {"candidate", "score", "probability", "chosen", "true_task"}},
      {"subtask",
       "INSERT INTO subtasks (run_id, suite, task, variant, init_state, seed, step, "
       "position, subtask, success, steps) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
       {"position", "subtask", "success", "steps"}},
  };
  return tables;
}

const std::vector<std::string> kPerturbationFields = {"dimension", "level", "params"};

std::string Join(const std::vector<std::string>& items) {
  std::string joined;
  for (const std::string& item : items) joined += (joined.empty() ? "" : ", ") + item;
  return joined;
}

// A routed event's payload values in `fields` order. The fields must match
// exactly: a missing one would silently become NULL and an unknown one would
// be dropped, both hiding a producer's mistake. Null is a value, for what a
// producer cannot know.
Result<std::vector<Json>> ReadPayloadFields(const std::vector<std::string>& fields,
                                            const std::string& db_path, const EpisodeKey& key,
                                            const Event& event) {
  auto fail = [&](const std::string& what) {
    return Error{db_path + ": '" + event.kind + "' event at step " + std::to_string(event.step) +
                 " of " + key.ToString() + ": " + what + " (expected fields: " + Join(fields) +
                 ")"};
  };
  Json payload = Json::parse(event.payload_json, nullptr, /*allow_exceptions=*/false);
  if (payload.is_discarded() || !payload.is_object()) {
    return fail("payload is not a JSON object: " + event.payload_json);
  }
  for (const auto& [name, value] : payload.items()) {
    if (std::find(fields.begin(), fields.end(), name) == fields.end()) {
      return fail("unknown field '" + name + "'");
    }
  }
  std::vector<Json> values;
  for (const std::string& field : fields) {
    auto it = payload.find(field);
    if (it == payload.end()) return fail("missing field '" + field + "'");
    values.push_back(*it);
  }
  return values;
}

// Binds values[i] to parameter ?(first + i).
void BindJsonValues(Statement& statement, int first, const std::vector<Json>& values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    BindJson(statement, first + static_cast<int>(i), values[i]);
  }
}

}  // namespace

Result<std::unique_ptr<ResultsStore>> ResultsStore::Open(const std::string& path) {
  Result<Database> db = Database::Open(path, Database::Access::kReadWrite);
  if (!db.ok()) return db.error();
  if (Status s = MigrateSchema(db.value()); !s.ok()) return Error{s.message()};
  return std::unique_ptr<ResultsStore>(new ResultsStore(std::move(db).value()));
}

Result<RunHandle> ResultsStore::BeginRun(const RunRecord& run, const PolicyRecord& policy) {
  Result<std::string> config = CanonicalizeConfig(run.config_json);
  if (!config.ok()) {
    return Error{db_.path() + ": run '" + run.name + "': " + config.error().message};
  }

  // One transaction, so two processes starting the same name cannot both create it.
  Result<Transaction> transaction = Transaction::Begin(db_);
  if (!transaction.ok()) return transaction.error();
  RunHandle handle;
  Result<std::int64_t> policy_id = FindOrAddPolicy(policy);
  if (!policy_id.ok()) return policy_id.error();
  handle.policy_id = policy_id.value();

  Result<Statement> find = db_.Prepare("SELECT run_id, config_json FROM runs WHERE name = ?1");
  if (!find.ok()) return find.error();
  find.value().BindText(1, run.name);
  Result<bool> found = find.value().Step();
  if (!found.ok()) return found.error();

  if (found.value()) {
    std::string changes = DescribeConfigChanges(find.value().ColumnText(1), config.value());
    if (!changes.empty()) {
      return Error{"run '" + run.name + "' exists in " + db_.path() +
                   " with a different configuration: " + changes +
                   ". Use another --run-name or the same configuration."};
    }
    Result<Statement> resume = db_.Prepare(
        "UPDATE runs SET status = 'running', finished_at = NULL WHERE run_id = ?1");
    if (!resume.ok()) return resume.error();
    handle.run_id = find.value().ColumnInt(0);
    handle.resumed = true;
    if (Status s = resume.value().BindInt(1, handle.run_id).Run(); !s.ok()) {
      return Error{s.message()};
    }
  } else {
    Result<Statement> insert = db_.Prepare(
        "INSERT INTO runs (name, suite, policy_id, status, git_sha, host, config_json, "
        "config_hash, execution_json, mujoco_version, render_backend, cpu_flags, "
        "gauntlet_version, planned_episodes) "
        "VALUES (?1, ?2, ?3, 'running', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
    if (!insert.ok()) return insert.error();
    Status s = insert.value()
                   .BindText(1, run.name)
                   .BindText(2, run.suite)
                   .BindInt(3, handle.policy_id)
                   .BindText(4, run.git_sha)
                   .BindText(5, run.host)
                   .BindText(6, config.value())
                   .BindText(7, HashConfig(config.value()))
                   .BindText(8, run.execution_json)
                   .BindText(9, run.mujoco_version)
                   .BindText(10, run.render_backend)
                   .BindText(11, run.cpu_flags)
                   .BindText(12, run.gauntlet_version)
                   .BindInt(13, run.planned_episodes)
                   .Run();
    if (!s.ok()) return Error{s.message()};
    handle.run_id = db_.LastInsertId();
  }
  if (Status s = transaction.value().Commit(); !s.ok()) return Error{s.message()};
  return handle;
}

Result<std::int64_t> ResultsStore::FindOrAddPolicy(const PolicyRecord& policy) {
  auto bind = [&](Statement& st) -> Statement& {
    return st.BindText(1, policy.name)
        .BindText(2, policy.kind)
        .BindText(3, policy.source)
        .BindText(4, policy.checkpoint_sha256)
        .BindText(5, policy.spec_json)
        .BindText(6, policy.adapters_json)
        .BindText(7, policy.settings_json)
        .BindText(8, policy.metadata_json);
  };
  Result<Statement> insert = db_.Prepare(
      "INSERT INTO policies (name, kind, source, checkpoint_sha256, spec_json, adapters_json, settings_json, "
      "metadata_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING");
  if (!insert.ok()) return insert.error();
  Status s = bind(insert.value()).Run();
  if (!s.ok()) return Error{s.message()};

  Result<Statement> find = db_.Prepare(
      "SELECT policy_id FROM policies WHERE name = ?1 AND kind = ?2 AND source = ?3 AND checkpoint_sha256 = ?4 "
      "AND spec_json = ?5 AND adapters_json = ?6 AND settings_json = ?7 AND metadata_json = ?8");
  if (!find.ok()) return find.error();
  Result<bool> row = bind(find.value()).Step();
  if (!row.ok()) return row.error();
  GAUNTLET_CHECK(row.value(), "the policy row inserted just above is missing");
  return find.value().ColumnInt(0);
}

Result<std::set<EpisodeKey>> ResultsStore::FinishedEpisodes(std::int64_t run_id) const {
  Result<Statement> query = db_.Prepare(
      "SELECT suite, task, variant, init_state, seed FROM episodes WHERE run_id = ?1");
  if (!query.ok()) return query.error();
  Statement& rows = query.value().BindInt(1, run_id);
  std::set<EpisodeKey> keys;
  while (true) {
    Result<bool> row = rows.Step();
    if (!row.ok()) return row.error();
    if (!row.value()) return keys;
    EpisodeKey key;
    key.suite = rows.ColumnText(0);
    key.task = rows.ColumnText(1);
    key.variant = rows.ColumnText(2);
    key.init_state = static_cast<int>(rows.ColumnInt(3));
    key.trial_seed = SeedFromColumn(rows.ColumnInt(4));
    keys.insert(std::move(key));
  }
}

Status ResultsStore::WriteEpisodes(const RunHandle& run,
                                   const std::vector<EpisodeOutcome>& outcomes) {
  Result<Transaction> transaction = Transaction::Begin(db_);
  if (!transaction.ok()) return transaction.error();
  for (const EpisodeOutcome& outcome : outcomes) {
    Result<Statement> insert = db_.Prepare(
        "INSERT INTO episodes (run_id, suite, task, variant, init_state, seed, policy_id, "
        "status, success, steps, wall_s, termination, state_hash, video_path, policy_queries, "
        "policy_s, render_s, action_dim, actions) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)");
    if (!insert.ok()) return insert.error();
    Statement& statement = insert.value();
    BindEpisodeKey(statement, run.run_id, outcome.key);
    statement.BindInt(7, run.policy_id)
        .BindText(8, ToString(outcome.status))
        .BindInt(9, outcome.status == EpisodeStatus::kSuccess ? 1 : 0)
        .BindInt(10, outcome.steps)
        .BindReal(11, outcome.wall_s)
        .BindText(12, outcome.termination)
        .BindText(13, outcome.state_hash)
        .BindText(14, outcome.video_path)
        .BindInt(15, outcome.policy_queries)
        .BindReal(16, outcome.policy_s)
        .BindReal(17, outcome.render_s);
    // Executed actions, kept so an episode can be replayed exactly.
    std::vector<double> flat;
    const int dim = outcome.actions.empty() ? 0 : static_cast<int>(outcome.actions.front().size());
    for (const auto& a : outcome.actions) flat.insert(flat.end(), a.begin(), a.end());
    statement.BindInt(18, dim).BindBlob(19, flat.data(), static_cast<int>(flat.size() * sizeof(double)));
    if (Status s = statement.Run(); !s.ok()) {
      if (!statement.ViolatedUniqueConstraint()) return s;
      return Error{db_.path() + ": episode " + outcome.key.ToString() +
                   " is already recorded for run " + std::to_string(run.run_id) +
                   "; none of this batch of " + std::to_string(outcomes.size()) +
                   " episodes was written"};
    }
    // The policy's events land with their episode, in the same transaction.
    for (const Event& event : outcome.events) {
      if (Status s = WriteEvent(run.run_id, outcome.key, event); !s.ok()) return s;
    }
  }
  return transaction.value().Commit();
}

Status ResultsStore::WriteEvents(const RunHandle& run,
                                 const std::vector<std::pair<EpisodeKey, Event>>& events) {
  Result<Transaction> transaction = Transaction::Begin(db_);
  if (!transaction.ok()) return transaction.error();
  for (const auto& [key, event] : events) {
    if (Status s = WriteEvent(run.run_id, key, event); !s.ok()) return s;
  }
  return transaction.value().Commit();
}

Status ResultsStore::WriteEvent(std::int64_t run_id, const EpisodeKey& key, const Event& event) {
  if (event.kind == "perturbation") return WritePerturbation(key, event);
  const auto& tables = PerEpisodeEventTables();
  auto table = std::find_if(tables.begin(), tables.end(),
                            [&](const EventColumns& t) { return event.kind == t.kind; });
  Result<Statement> insert = db_.Prepare(
      table != tables.end()
          ? table->insert_sql
          : "INSERT INTO events (run_id, suite, task, variant, init_state, seed, step, kind, "
            "payload_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!insert.ok()) return insert.error();
  Statement& statement = insert.value();
  BindEpisodeKey(statement, run_id, key);
  statement.BindInt(7, event.step);
  if (table != tables.end()) {
    Result<std::vector<Json>> values = ReadPayloadFields(table->fields, db_.path(), key, event);
    if (!values.ok()) return values.error();
    BindJsonValues(statement, 8, values.value());
  } else {
    statement.BindText(8, event.kind).BindText(9, event.payload_json);
  }
  return statement.Run();
}

// Perturbations describe a variant, not an episode: the first event for a
// variant writes its row, later ones must agree with it, or episodes under
// one variant name would have been perturbed differently.
Status ResultsStore::WritePerturbation(const EpisodeKey& key, const Event& event) {
  Result<std::vector<Json>> values = ReadPayloadFields(kPerturbationFields, db_.path(), key, event);
  if (!values.ok()) return values.error();
  Result<Statement> insert = db_.Prepare(
      "INSERT INTO perturbations (variant, dimension, level, params_json) "
      "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (variant) DO NOTHING");
  if (!insert.ok()) return insert.error();
  insert.value().BindText(1, key.variant);
  BindJsonValues(insert.value(), 2, values.value());
  if (Status s = insert.value().Run(); !s.ok()) return s;

  Result<Statement> same = db_.Prepare(
      "SELECT count(*) FROM perturbations WHERE variant = ?1 "
      "AND dimension IS ?2 AND level IS ?3 AND params_json IS ?4");
  if (!same.ok()) return same.error();
  same.value().BindText(1, key.variant);
  BindJsonValues(same.value(), 2, values.value());
  Result<bool> row = same.value().Step();
  if (!row.ok()) return row.error();
  if (same.value().ColumnInt(0) == 0) {
    return Error{db_.path() + ": variant '" + key.variant +
                 "' is already recorded with a different perturbation than " +
                 event.payload_json + "; give the new perturbation its own variant name"};
  }
  return Status::Ok();
}

Status ResultsStore::FinishRun(const RunHandle& run, bool completed) {
  Result<Statement> update = db_.Prepare(
      "UPDATE runs SET status = ?2, finished_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') "
      "WHERE run_id = ?1");
  if (!update.ok()) return update.error();
  return update.value()
      .BindInt(1, run.run_id)
      .BindText(2, completed ? "completed" : "interrupted")
      .Run();
}

}  // namespace gauntlet::results
