#include "reports/table_reader.h"

#include <map>

namespace gauntlet::reports {

namespace {

EpisodeKey KeyAt(const results::Statement& rows, int first) {
  return {rows.ColumnText(first), rows.ColumnText(first + 1), rows.ColumnText(first + 2),
          static_cast<int>(rows.ColumnInt(first + 3)), static_cast<std::uint64_t>(rows.ColumnInt(first + 4))};
}

std::optional<std::string> OptionalText(const results::Statement& rows, int column) {
  if (rows.ColumnIsNull(column)) return std::nullopt;
  return rows.ColumnText(column);
}

// Steps `query` to its end, reading each row with `read`.
template <class T, class Read>
Result<std::vector<T>> ReadAll(Result<results::Statement> query, std::int64_t run_id, Read read) {
  if (!query.ok()) return query.error();
  results::Statement& rows = query.value().BindInt(1, run_id);
  std::vector<T> out;
  while (true) {
    Result<bool> row = rows.Step();
    if (!row.ok()) return row.error();
    if (!row.value()) return out;
    out.push_back(read(rows));
  }
}

}  // namespace

Result<TableReader> TableReader::Open(const std::string& path) {
  auto runs = results::RunReader::Open(path);
  if (!runs.ok()) return runs.error();
  auto db = results::Database::Open(path, results::Database::Access::kReadOnly);
  if (!db.ok()) return db.error();
  return TableReader(std::move(runs).value(), std::move(db).value());
}

Result<std::vector<TableRun>> TableReader::ListRuns() const {
  auto infos = runs_.ListRuns();
  if (!infos.ok()) return infos.error();
  auto query = db_.Prepare(
      "SELECT r.run_id, p.metadata_json, "
      "coalesce(json_extract(r.config_json, '$.embodiment'), json_extract(r.config_json, '$.suite.embodiment'), "
      "'" + std::string(kDefaultEmbodiment) + "'), "
      "coalesce((SELECT max(json_array_length(c.value, '$.subtasks')) FROM json_each(r.config_json, '$.chains') c), "
      "0), "
      "coalesce(json_extract(r.config_json, '$.world.setting'), '') "
      "FROM runs r JOIN policies p USING (policy_id)");
  if (!query.ok()) return query.error();
  results::Statement& rows = query.value();
  struct Extra {
    std::string metadata, embodiment;
    int chain_length = 0;
    std::string setting;
  };
  std::map<std::int64_t, Extra> extra;
  while (true) {
    Result<bool> row = rows.Step();
    if (!row.ok()) return row.error();
    if (!row.value()) break;
    extra[rows.ColumnInt(0)] = {rows.ColumnText(1), rows.ColumnText(2), static_cast<int>(rows.ColumnInt(3)),
                             rows.ColumnText(4)};
  }
  std::vector<TableRun> runs;
  for (results::RunInfo& info : infos.value()) {
    TableRun run;
    const Extra& e = extra[info.run_id];
    run.policy_metadata = nlohmann::json::parse(e.metadata, nullptr, /*allow_exceptions=*/false);
    if (!run.policy_metadata.is_object()) run.policy_metadata = nlohmann::json::object();
    run.embodiment = e.embodiment;
    run.chain_length = e.chain_length;
    run.setting = e.setting;
    run.info = std::move(info);
    runs.push_back(std::move(run));
  }
  return runs;
}

Result<std::vector<EpisodeRow>> TableReader::Episodes(std::int64_t run_id) const {
  return ReadAll<EpisodeRow>(
      db_.Prepare("SELECT e.suite, e.task, e.variant, e.init_state, e.seed, e.status = 'success', "
                  "coalesce(p.dimension, '') "
                  "FROM episodes e LEFT JOIN perturbations p ON p.variant = e.variant WHERE e.run_id = ?1 "
                  "ORDER BY e.suite, e.task, e.variant, e.init_state, e.seed"),
      run_id, [](const results::Statement& rows) {
        return EpisodeRow{KeyAt(rows, 0), rows.ColumnInt(5) != 0, rows.ColumnText(6)};
      });
}

Result<std::vector<RoutingDecision>> TableReader::RoutingDecisions(std::int64_t run_id) const {
  return ReadAll<RoutingDecision>(
      db_.Prepare("SELECT suite, task, variant, init_state, seed, step, min(CASE WHEN chosen = 1 THEN candidate END), "
                  "max(true_task) FROM router_decisions WHERE run_id = ?1 "
                  "GROUP BY suite, task, variant, init_state, seed, step "
                  "ORDER BY suite, task, variant, init_state, seed, step"),
      run_id, [](const results::Statement& rows) {
        return RoutingDecision{KeyAt(rows, 0), static_cast<int>(rows.ColumnInt(5)), OptionalText(rows, 6),
                               OptionalText(rows, 7)};
      });
}

Result<std::vector<SubtaskRow>> TableReader::Subtasks(std::int64_t run_id) const {
  return ReadAll<SubtaskRow>(
      db_.Prepare("SELECT suite, task, variant, init_state, seed, position, coalesce(subtask, ''), "
                  "coalesce(success, 0) FROM subtasks "
                  "WHERE run_id = ?1 AND position IS NOT NULL "
                  "ORDER BY suite, task, variant, init_state, seed, position"),
      run_id, [](const results::Statement& rows) {
        return SubtaskRow{KeyAt(rows, 0), static_cast<int>(rows.ColumnInt(5)), rows.ColumnText(6),
                          rows.ColumnInt(7) != 0};
      });
}

}  // namespace gauntlet::reports
