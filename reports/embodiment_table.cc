#include "reports/embodiment_table.h"

#include <algorithm>
#include <tuple>

#include "reports/table_reader.h"

namespace gauntlet::reports {

namespace {

std::optional<Figures> Cell(const EmbodimentTable::Row& row, const EmbodimentTable::Column& column,
                            const IntervalOptions& intervals) {
  auto it = row.cells.find(column);
  if (it == row.cells.end()) return std::nullopt;
  return FiguresOf(it->second, intervals);
}

Figures Pooled(const EmbodimentTable::Row& row, const IntervalOptions& intervals) {
  EpisodeCounts all;
  for (const auto& [column, counts] : row.cells) all.Add(counts);
  return FiguresOf(all, intervals);
}

std::vector<TableLayout> Layout(const EmbodimentTable& t, const IntervalOptions& intervals) {
  TableLayout layout;
  layout.caption = "Success rate in % per embodiment and task with its " + IntervalDescription(intervals) +
                   ", counted from each policy's latest run of each suite on each embodiment. The embodiment is the "
                   "run configuration's where it records one, else " + std::string(kDefaultEmbodiment) +
                   ". Pooled: all the row's episodes counted together.";
  layout.columns.push_back({"Policy", false, ""});
  for (const auto& [embodiment, task] : t.columns) layout.columns.push_back({task, true, embodiment});
  layout.columns.push_back({"Pooled", true, ""});
  for (const auto& row : t.rows) {
    TableLayout::Row out{"", {LayoutCell::Text(row.policy)}};
    for (const auto& column : t.columns) out.cells.push_back(LayoutCell::Rate(Cell(row, column, intervals)));
    out.cells.push_back(LayoutCell::Rate(Pooled(row, intervals)));
    layout.rows.push_back(std::move(out));
  }
  return {layout};
}

nlohmann::json Records(const EmbodimentTable& t, const IntervalOptions& intervals) {
  nlohmann::json records = nlohmann::json::array();
  for (const auto& row : t.rows) {
    auto add = [&](const std::string& embodiment, const std::string& task, const std::optional<Figures>& f) {
      if (!f) return;
      nlohmann::json r = {{"policy", row.policy}, {"embodiment", embodiment}, {"task", task}};
      AddFigures(r, *f);
      records.push_back(r);
    };
    for (const auto& column : t.columns) add(column.first, column.second, Cell(row, column, intervals));
    add("all", "pooled", Pooled(row, intervals));
  }
  return records;
}

}  // namespace

Result<EmbodimentTable> BuildEmbodimentTable(const std::string& db_path) {
  auto reader = TableReader::Open(db_path);
  if (!reader.ok()) return reader.error();
  auto runs = reader.value().ListRuns();
  if (!runs.ok()) return runs.error();
  // The latest run per (policy, embodiment, suite): oldest first, later ones replace.
  std::map<std::tuple<std::string, std::string, std::string>, const TableRun*> latest;
  EmbodimentTable table;
  for (const TableRun& run : runs.value()) {
    if (!run.info.perturbation_set.empty() || run.info.recorded_episodes == 0) continue;
    latest[{run.info.policy_name, run.embodiment, run.info.suite}] = &run;
    auto row = std::find_if(table.rows.begin(), table.rows.end(),
                            [&](const EmbodimentTable::Row& r) { return r.policy == run.info.policy_name; });
    if (row == table.rows.end()) table.rows.push_back({run.info.policy_name, {}, {}});
  }
  std::vector<std::string> embodiments;  // in order of their first run
  for (const TableRun& run : runs.value()) {
    auto it = latest.find({run.info.policy_name, run.embodiment, run.info.suite});
    if (it == latest.end() || it->second != &run) continue;
    if (std::find(embodiments.begin(), embodiments.end(), run.embodiment) == embodiments.end()) {
      embodiments.push_back(run.embodiment);
    }
    auto row = std::find_if(table.rows.begin(), table.rows.end(),
                            [&](const EmbodimentTable::Row& r) { return r.policy == run.info.policy_name; });
    row->runs.push_back(run.info.name);
    auto tasks = reader.value().runs().CountByTask(run.info.run_id);  // in the suite's order
    if (!tasks.ok()) return tasks.error();
    for (const auto& task : tasks.value()) {
      const EmbodimentTable::Column column{run.embodiment, task.task};
      if (std::find(table.columns.begin(), table.columns.end(), column) == table.columns.end()) {
        table.columns.push_back(column);
      }
    }
    auto episodes = reader.value().Episodes(run.info.run_id);
    if (!episodes.ok()) return episodes.error();
    for (const EpisodeRow& e : episodes.value()) {
      row->cells[{run.embodiment, e.key.task}].Add(e.key.suite, e.key.task, e.key.init_state, e.success);
    }
  }
  // Tasks under their embodiment, embodiments in order of first appearance.
  auto rank = [&](const EmbodimentTable::Column& c) {
    return std::find(embodiments.begin(), embodiments.end(), c.first) - embodiments.begin();
  };
  std::stable_sort(table.columns.begin(), table.columns.end(),
                   [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
  return table;
}

std::string FormatEmbodimentTable(const EmbodimentTable& t, TableFormat format, const IntervalOptions& intervals) {
  static const std::vector<std::string> fields = {"policy", "embodiment", "task",    "n",        "successes",
                                                  "rate",   "ci_low",     "ci_high", "ci_method"};
  return FormatTable(Layout(t, intervals), Records(t, intervals), fields, format);
}

}  // namespace gauntlet::reports
