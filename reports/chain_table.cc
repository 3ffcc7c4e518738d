#include "reports/chain_table.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "reports/table_reader.h"

namespace gauntlet::reports {

namespace {

// Chains whose first `k` subtasks all succeeded.
EpisodeCounts Completed(const ChainTable::Run& run, int k) {
  EpisodeCounts counts;
  for (const auto& [key, length] : run.chains) counts.Add(key.suite, key.task, key.init_state, length >= k);
  return counts;
}

double AverageLength(const ChainTable::Run& run) {
  double sum = 0;
  for (const auto& chain : run.chains) sum += chain.second;
  return run.chains.empty() ? 0 : sum / run.chains.size();
}

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
    for (int k = 1; k <= t.positions; ++k) row.cells.push_back(LayoutCell::Rate(FiguresOf(Completed(run, k), intervals)));
    row.cells.push_back(LayoutCell::Text(TwoDecimals(AverageLength(run))));
    layout.rows.push_back(std::move(row));
  }
  return {layout};
}

nlohmann::json Records(const ChainTable& t, const IntervalOptions& intervals) {
  nlohmann::json records = nlohmann::json::array();
  for (const auto& run : t.runs) {
    const nlohmann::json head = {{"policy", run.policy}, {"run", run.run}, {"suite", run.suite}};
    for (int k = 1; k <= t.positions; ++k) {
      nlohmann::json r = head;
      r["measure"] = "completed_" + std::to_string(k);
      AddFigures(r, FiguresOf(Completed(run, k), intervals));
      records.push_back(r);
    }
    nlohmann::json r = head;
    r["measure"] = "avg_length";
    r["n"] = run.chains.size();
    r["avg_length"] = AverageLength(run);
    records.push_back(r);
  }
  return records;
}

}  // namespace

Result<ChainTable> BuildChainTable(const std::string& db_path) {
  auto reader = TableReader::Open(db_path);
  if (!reader.ok()) return reader.error();
  auto runs = reader.value().ListRuns();
  if (!runs.ok()) return runs.error();
  ChainTable table;
  for (const TableRun& run : runs.value()) {
    auto subtasks = reader.value().Subtasks(run.info.run_id);
    if (!subtasks.ok()) return subtasks.error();
    if (subtasks.value().empty()) continue;
    // Ordered by position within an episode: a chain's length grows while
    // its next position (a chain of length l continues at position l) is
    // recorded as a success.
    std::map<EpisodeKey, int> length;
    for (const SubtaskRow& s : subtasks.value()) {
      table.positions = std::max(table.positions, s.position + 1);
      int& l = length[s.key];
      if (s.success && s.position == l) l = s.position + 1;
    }
    auto episodes = reader.value().Episodes(run.info.run_id);
    if (!episodes.ok()) return episodes.error();
    ChainTable::Run out{run.info.policy_name, run.info.name, run.info.suite, {}};
    for (const EpisodeRow& e : episodes.value()) {
      auto it = length.find(e.key);
      out.chains.push_back({e.key, it == length.end() ? 0 : it->second});
    }
    if (!out.chains.empty()) table.runs.push_back(std::move(out));
  }
  return table;
}

std::string FormatChainTable(const ChainTable& table, TableFormat format, const IntervalOptions& intervals) {
  static const std::vector<std::string> fields = {"policy", "run",     "suite",     "measure",   "n",
                                                  "successes", "rate", "ci_low", "ci_high", "ci_method", "avg_length"};
  return FormatTable(Layout(table, intervals), Records(table, intervals), fields, format);
}

}  // namespace gauntlet::reports
