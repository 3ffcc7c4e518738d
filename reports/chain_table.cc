#include "reports/chain_table.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>

namespace gauntlet::reports {

namespace {

std::string TwoDecimals(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", x);
  return text;
}

std::vector<TableLayout> Layout(const ChainTable& t, const IntervalOptions& intervals) {
  TableLayout layout;
  layout.caption = "Chains (episodes) whose first K subtasks all succeeded, in % with its " +
                   IntervalDescription(intervals) +
                   ", and the average successful length (Avg. Len.: the mean number of consecutive successes from "
                   "the first subtask), as CALVIN reports them; counted from each run's subtask rows.";
  layout.columns = {{"Policy", false, ""}, {"Run", false, ""}, {"Chains", true, ""}};
  for (int k = 1; k <= t.positions; ++k) layout.columns.push_back({std::to_string(k), true, "Completed in a row"});
  layout.columns.push_back({"Avg. Len.", true, ""});
  for (const auto& run : t.runs) {
    TableLayout::Row row{"", {LayoutCell::Text(run.policy), LayoutCell::Text(run.run),
                              LayoutCell::Text(std::to_string(run.chains.size()))}};
    for (int k = 1; k <= t.positions; ++k) {
      std::optional<Figures> f;
      if (k <= run.length) f = FiguresOf(CompletedInARow(run, k), intervals);
      row.cells.push_back(LayoutCell::Rate(f));
    }
    row.cells.push_back(LayoutCell::Text(TwoDecimals(AverageLength(run))));
    layout.rows.push_back(std::move(row));
  }

  TableLayout tasks;
  tasks.caption = "Success per task in the chains, in % with its " + IntervalDescription(intervals) +
                  ", as CALVIN counts it: every subtask a chain completed is a success of its task, and the subtask "
                  "that broke the chain a failure of its task only (Total = successes + those failures). A chain "
                  "that ended without a failed subtask row (an error or timeout before it) is charged to no task.";
  tasks.columns = {{"Policy", false, ""}, {"Run", false, ""},   {"Task", false, ""},
                   {"Successes", true, ""}, {"Total", true, ""}, {"Success", true, ""}};
  for (const auto& run : t.runs) {
    for (const auto& [task, counts] : run.tasks) {
      tasks.rows.push_back({"",
                            {LayoutCell::Text(run.policy), LayoutCell::Text(run.run), LayoutCell::Text(task),
                             LayoutCell::Text(std::to_string(counts.successes)),
                             LayoutCell::Text(std::to_string(counts.episodes)),
                             LayoutCell::Rate(FiguresOf(counts, intervals))}});
    }
  }
  return {layout, tasks};
}

nlohmann::json Records(const ChainTable& t, const IntervalOptions& intervals) {
  nlohmann::json records = nlohmann::json::array();
  for (const auto& run : t.runs) {
    const nlohmann::json head = {{"policy", run.policy}, {"run", run.run}, {"suite", run.suite}};
    for (int k = 1; k <= run.length; ++k) {
      nlohmann::json r = head;
      r["measure"] = "completed_" + std::to_string(k);
      AddFigures(r, FiguresOf(CompletedInARow(run, k), intervals));
      records.push_back(r);
    }
    nlohmann::json r = head;
    r["measure"] = "avg_length";
    r["n"] = run.chains.size();
    r["avg_length"] = AverageLength(run);
    records.push_back(r);
  }
  for (const auto& run : t.runs) {
    for (const auto& [task, counts] : run.tasks) {
      nlohmann::json r = {{"policy", run.policy}, {"run", run.run},   {"suite", run.suite},
                          {"measure", "task_success"}, {"task", task}};
      AddFigures(r, FiguresOf(counts, intervals));
      records.push_back(r);
    }
  }
  return records;
}

}  // namespace

EpisodeCounts CompletedInARow(const RunChains& run, int k) {
  EpisodeCounts counts;
  for (const auto& [key, length] : run.chains) counts.Add(key.suite, key.task, key.init_state, length >= k);
  return counts;
}

double AverageLength(const RunChains& run) {
  // Summed as integers so the mean is exact up to its one division.
  long long sum = 0;
  for (const auto& chain : run.chains) sum += chain.second;
  return run.chains.empty() ? 0 : static_cast<double>(sum) / run.chains.size();
}

Result<std::optional<RunChains>> CountRunChains(const TableReader& reader, const TableRun& run) {
  auto subtasks = reader.Subtasks(run.info.run_id);
  if (!subtasks.ok()) return subtasks.error();
  if (subtasks.value().empty() && run.chain_length == 0) return std::optional<RunChains>();
  RunChains out{run.info.policy_name, run.info.name, run.info.suite, run.chain_length, {}, {}, 0};
  // Ordered by position within an episode: a chain's length grows while its
  // next position (a chain of length l continues at position l) is recorded
  // as a success; the first recorded failure there breaks it. Rows past the
  // break (a producer's error: a chain stops at its first failure) are not
  // attempts CALVIN would count.
  struct Progress {
    int length = 0;
    bool broken = false;
  };
  std::map<EpisodeKey, Progress> progress;
  for (const SubtaskRow& s : subtasks.value()) {
    out.length = std::max(out.length, s.position + 1);
    Progress& p = progress[s.key];
    if (p.broken || s.position != p.length) continue;
    out.tasks[s.subtask].Add(s.key.suite, s.key.task, s.key.init_state, s.success);
    if (s.success) {
      p.length = s.position + 1;
    } else {
      p.broken = true;
    }
  }
  auto episodes = reader.Episodes(run.info.run_id);
  if (!episodes.ok()) return episodes.error();
  for (const EpisodeRow& e : episodes.value()) {
    auto it = progress.find(e.key);
    const int length = it == progress.end() ? 0 : it->second.length;
    const bool broken = it != progress.end() && it->second.broken;
    out.chains.push_back({e.key, length});
    if (!e.success && !broken) ++out.unattributed;
  }
  return std::optional<RunChains>(std::move(out));
}

Result<ChainTable> BuildChainTable(const std::string& db_path) {
  auto reader = TableReader::Open(db_path);
  if (!reader.ok()) return reader.error();
  auto runs = reader.value().ListRuns();
  if (!runs.ok()) return runs.error();
  ChainTable table;
  for (const TableRun& run : runs.value()) {
    auto chains = CountRunChains(reader.value(), run);
    if (!chains.ok()) return chains.error();
    if (!chains.value() || chains.value()->chains.empty()) continue;
    table.positions = std::max(table.positions, chains.value()->length);
    table.runs.push_back(std::move(*chains.value()));
  }
  return table;
}

std::string FormatChainTable(const ChainTable& table, TableFormat format, const IntervalOptions& intervals) {
  static const std::vector<std::string> fields = {"policy",  "run",     "suite",     "measure",
                                                  "task",    "n",       "successes", "rate",
                                                  "ci_low",  "ci_high", "ci_method", "avg_length"};
  return FormatTable(Layout(table, intervals), Records(table, intervals), fields, format);
}

}  // namespace gauntlet::reports
