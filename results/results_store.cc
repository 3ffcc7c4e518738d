#include "results/results_store.h"

#include <optional>
#include <variant>

#include "results/config_diff.h"
#include "results/schema.h"

namespace gauntlet::results {

namespace {

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

void BindOptional(Statement& statement, int index, const std::optional<double>& value) {
  if (value) {
    statement.BindReal(index, *value);
  } else {
    statement.BindNull(index);
  }
}

void BindOptional(Statement& statement, int index, const std::optional<std::string>& value) {
  if (value) {
    statement.BindText(index, *value);
  } else {
    statement.BindNull(index);
  }
}

// Writes one episode's events, a visitor over Event: the kinds with a table
// of their own go there, the rest to `events` with their JSON payload. Every
// per-episode INSERT starts with ?1..?6 the episode key, ?7 episode_id, ?8 step.
class EventRowWriter {
 public:
  EventRowWriter(const Database& db, std::int64_t run_id, std::int64_t episode_id, const EpisodeKey& key)
      : db_(db), run_id_(run_id), episode_id_(episode_id), key_(key) {}

  Status operator()(const RouterDecision& d) const {
    return Insert("INSERT INTO router_decisions (run_id, suite, task, variant, init_state, seed, episode_id, step, "
                  "candidate, score, probability, chosen, true_task) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                  d.step, [&](Statement& st) {
                    st.BindText(9, d.candidate);
                    BindOptional(st, 10, d.score);
                    BindOptional(st, 11, d.probability);
                    st.BindInt(12, d.chosen ? 1 : 0);
                    BindOptional(st, 13, d.true_task);
                  });
  }

  Status operator()(const SubtaskResult& s) const {
    return Insert("INSERT INTO subtasks (run_id, suite, task, variant, init_state, seed, episode_id, step, "
                  "position, subtask, instruction, success, steps) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                  s.start_step, [&](Statement& st) {
                    st.BindInt(9, s.position)
                        .BindText(10, s.subtask)
                        .BindText(11, s.instruction)
                        .BindInt(12, s.success ? 1 : 0)
                        .BindInt(13, s.steps);
                  });
  }

  // Perturbations describe a variant, not an episode: the first event for a
  // variant writes its row, later ones must agree with it, or episodes under
  // one variant name would have been perturbed differently.
  Status operator()(const PerturbationApplied& p) const {
    auto bind = [&](Statement& st) -> Statement& {
      return st.BindText(1, key_.variant).BindText(2, p.dimension).BindInt(3, p.level).BindText(4, p.params_json);
    };
    Result<Statement> insert = db_.Prepare(
        "INSERT INTO perturbations (variant, dimension, level, params_json) "
        "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (variant) DO NOTHING");
    if (!insert.ok()) return insert.error();
    if (Status s = bind(insert.value()).Run(); !s.ok()) return s;

    Result<Statement> same = db_.Prepare(
        "SELECT count(*) FROM perturbations WHERE variant = ?1 "
        "AND dimension IS ?2 AND level IS ?3 AND params_json IS ?4");
    if (!same.ok()) return same.error();
    Result<bool> row = bind(same.value()).Step();
    if (!row.ok()) return row.error();
    if (same.value().ColumnInt(0) == 0) {
      return Error{db_.path() + ": variant '" + key_.variant +
                   "' is already recorded with a different perturbation than " + PayloadJson(p) +
                   "; give the new perturbation its own variant name"};
    }
    return Status::Ok();
  }

  Status operator()(const PolicyTiming& t) const { return InsertIntoEvents(t); }
  Status operator()(const NoteEvent& n) const { return InsertIntoEvents(n); }

 private:
  Status InsertIntoEvents(const Event& event) const {
    return Insert("INSERT INTO events (run_id, suite, task, variant, init_state, seed, episode_id, step, kind, "
                  "payload_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                  StepOf(event), [&](Statement& st) { st.BindText(9, KindOf(event)).BindText(10, PayloadJson(event)); });
  }

  template <class BindFields>
  Status Insert(const char* sql, int step, BindFields bind_fields) const {
    Result<Statement> insert = db_.Prepare(sql);
    if (!insert.ok()) return insert.error();
    Statement& statement = insert.value();
    BindEpisodeKey(statement, run_id_, key_);
    statement.BindInt(7, episode_id_).BindInt(8, step);
    bind_fields(statement);
    return statement.Run();
  }

  const Database& db_;
  std::int64_t run_id_;
  std::int64_t episode_id_;
  const EpisodeKey& key_;
};

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
        "policy_s, render_s, action_dim, actions, embodiment) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)");
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
    statement.BindText(20, outcome.embodiment);
    if (Status s = statement.Run(); !s.ok()) {
      if (!statement.ViolatedUniqueConstraint()) return s;
      return Error{db_.path() + ": episode " + outcome.key.ToString() +
                   " is already recorded for run " + std::to_string(run.run_id) +
                   "; none of this batch of " + std::to_string(outcomes.size()) +
                   " episodes was written"};
    }
    // The policy's events land with their episode, in the same transaction.
    const EventRowWriter write(db_, run.run_id, db_.LastInsertId(), outcome.key);
    for (const Event& event : outcome.events) {
      if (Status s = std::visit(write, event); !s.ok()) return s;
    }
  }
  return transaction.value().Commit();
}

Status ResultsStore::WriteEvents(const RunHandle& run,
                                 const std::vector<std::pair<EpisodeKey, Event>>& events) {
  Result<Transaction> transaction = Transaction::Begin(db_);
  if (!transaction.ok()) return transaction.error();
  for (const auto& [key, event] : events) {
    Result<std::optional<std::int64_t>> episode_id = FindEpisode(run.run_id, key);
    if (!episode_id.ok()) return episode_id.error();
    if (!episode_id.value()) {
      return Error{db_.path() + ": '" + KindOf(event) + "' event at step " + std::to_string(StepOf(event)) +
                   " of " + key.ToString() + ": the episode is not recorded for run " + std::to_string(run.run_id) +
                   "; write the episode first. None of this batch of " + std::to_string(events.size()) +
                   " events was written"};
    }
    const EventRowWriter write(db_, run.run_id, *episode_id.value(), key);
    if (Status s = std::visit(write, event); !s.ok()) return s;
  }
  return transaction.value().Commit();
}

Result<std::optional<std::int64_t>> ResultsStore::FindEpisode(std::int64_t run_id, const EpisodeKey& key) const {
  Result<Statement> find = db_.Prepare(
      "SELECT episode_id FROM episodes "
      "WHERE run_id = ?1 AND suite = ?2 AND task = ?3 AND variant = ?4 AND init_state = ?5 AND seed = ?6");
  if (!find.ok()) return find.error();
  BindEpisodeKey(find.value(), run_id, key);
  Result<bool> found = find.value().Step();
  if (!found.ok()) return found.error();
  if (!found.value()) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(find.value().ColumnInt(0));
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
