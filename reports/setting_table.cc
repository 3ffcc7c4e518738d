#include "reports/setting_table.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "reports/table_reader.h"

namespace gauntlet::reports {

namespace {

const char* const kClean = "clean";
const char* const kRandomized = "randomized";

// A column's heading group: the policy, and its embodiment when the policy
// has columns on several.
std::string GroupOf(const SettingTable& t, const SettingTable::Column& column) {
  for (const auto& other : t.columns) {
    if (other.policy == column.policy && other.embodiment != column.embodiment) {
      return column.policy + " (" + column.embodiment + ")";
    }
  }
  return column.policy;
}

std::optional<Figures> CellFigures(const SettingTable::Column& column, const std::string& task,
                                   const IntervalOptions& intervals) {
  auto it = column.cells.find(task);
  if (it == column.cells.end()) return std::nullopt;
  return FiguresOf(it->second.counts, intervals);
}

std::vector<TableLayout> Layout(const SettingTable& t, const IntervalOptions& intervals) {
  TableLayout layout;
  layout.caption =
      "RoboTwin 2.0 success rate in % per task in its two settings, as X-VLA reports it: Easy is the clean setting, "
      "Hard the randomized one (randomized table height, textures, lights and clutter), both under RoboTwin 2.0's "
      "protocol. A cell counts the latest run of the policy on the embodiment in that setting that played the task, "
      "with its " + IntervalDescription(intervals) +
      ". Average: the mean of the column's per-task rates over the tasks with episodes in it (X-VLA's average; "
      "no interval). Pooled: all the column's episodes counted together. Runs recording no setting and runs of "
      "perturbation sets are left out.";
  layout.columns.push_back({"Task", false, ""});
  for (const auto& column : t.columns) layout.columns.push_back({SettingLabel(column.setting), true, GroupOf(t, column)});
  for (const std::string& task : t.tasks) {
    TableLayout::Row row{"", {LayoutCell::Text(task)}};
    for (const auto& column : t.columns) row.cells.push_back(LayoutCell::Rate(CellFigures(column, task, intervals)));
    layout.rows.push_back(std::move(row));
  }
  TableLayout::Row average{"", {LayoutCell::Text("Average")}};
  TableLayout::Row pooled{"", {LayoutCell::Text("Pooled")}};
  for (const auto& column : t.columns) {
    average.cells.push_back(LayoutCell::Rate(AverageOfTasks(column)));
    pooled.cells.push_back(LayoutCell::Rate(PooledOfTasks(column, intervals)));
  }
  layout.rows.push_back(std::move(average));
  layout.rows.push_back(std::move(pooled));
  return {layout};
}

nlohmann::json Records(const SettingTable& t, const IntervalOptions& intervals) {
  nlohmann::json records = nlohmann::json::array();
  for (const auto& column : t.columns) {
    auto record = [&](const std::string& task, const Figures& f) {
      nlohmann::json r = {
          {"policy", column.policy}, {"embodiment", column.embodiment}, {"setting", column.setting}, {"task", task}};
      AddFigures(r, f);
      return r;
    };
    for (const std::string& task : t.tasks) {
      auto f = CellFigures(column, task, intervals);
      if (!f) continue;
      nlohmann::json r = record(task, *f);
      r["run"] = column.cells.at(task).run;
      records.push_back(r);
    }
    const int tasks = static_cast<int>(column.cells.size());
    if (auto f = AverageOfTasks(column)) {
      nlohmann::json r = record("average", *f);
      r["tasks"] = tasks;
      records.push_back(r);
    }
    if (auto f = PooledOfTasks(column, intervals)) {
      nlohmann::json r = record("pooled", *f);
      r["tasks"] = tasks;
      records.push_back(r);
    }
  }
  return records;
}

}  // namespace

std::string SettingLabel(const std::string& setting) {
  if (setting == kClean) return "Easy";
  if (setting == kRandomized) return "Hard";
  return setting;
}

std::optional<Figures> AverageOfTasks(const SettingTable::Column& column) {
  double sum = 0;
  int tasks = 0;
  for (const auto& [task, cell] : column.cells) {
    if (cell.counts.episodes == 0) continue;
    sum += static_cast<double>(cell.counts.successes) / cell.counts.episodes;
    ++tasks;
  }
  if (tasks == 0) return std::nullopt;
  Figures f;  // no counts: an average of rates
  f.rate = sum / tasks;
  return f;
}

std::optional<Figures> PooledOfTasks(const SettingTable::Column& column, const IntervalOptions& intervals) {
  EpisodeCounts all;
  for (const auto& [task, cell] : column.cells) all.Add(cell.counts);
  if (all.episodes == 0) return std::nullopt;
  return FiguresOf(all, intervals);
}

Result<SettingTable> BuildSettingTable(const std::string& db_path) {
  auto reader = TableReader::Open(db_path);
  if (!reader.ok()) return reader.error();
  auto runs = reader.value().ListRuns();
  if (!runs.ok()) return runs.error();

  SettingTable table;
  // (policy, embodiment) pairs in order of first run, and each pair's
  // settings beyond clean and randomized in order of first run.
  std::vector<std::pair<std::string, std::string>> groups;
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> other_settings;
  // The latest run per (policy, embodiment, setting, task): oldest first, later ones replace.
  std::map<std::tuple<std::string, std::string, std::string, std::string>, const TableRun*> latest;
  for (const TableRun& run : runs.value()) {
    if (run.setting.empty() || !run.info.perturbation_set.empty() || run.info.recorded_episodes == 0) continue;
    const std::pair<std::string, std::string> group{run.info.policy_name, run.embodiment};
    if (std::find(groups.begin(), groups.end(), group) == groups.end()) groups.push_back(group);
    std::vector<std::string>& others = other_settings[group];
    if (run.setting != kClean && run.setting != kRandomized &&
        std::find(others.begin(), others.end(), run.setting) == others.end()) {
      others.push_back(run.setting);
    }
    auto tasks = reader.value().runs().CountByTask(run.info.run_id);  // in the suite's order
    if (!tasks.ok()) return tasks.error();
    for (const auto& task : tasks.value()) {
      if (std::find(table.tasks.begin(), table.tasks.end(), task.task) == table.tasks.end()) {
        table.tasks.push_back(task.task);
      }
      latest[{group.first, group.second, run.setting, task.task}] = &run;
    }
  }
  for (const auto& group : groups) {
    std::vector<std::string> settings{kClean, kRandomized};
    for (const std::string& s : other_settings[group]) settings.push_back(s);
    for (const std::string& s : settings) table.columns.push_back({group.first, group.second, s, {}});
  }
  for (const TableRun& run : runs.value()) {
    auto column = std::find_if(table.columns.begin(), table.columns.end(), [&](const SettingTable::Column& c) {
      return c.policy == run.info.policy_name && c.embodiment == run.embodiment && c.setting == run.setting;
    });
    if (column == table.columns.end()) continue;  // a run left out above
    auto counted = [&](const std::string& task) {
      auto it = latest.find({column->policy, column->embodiment, column->setting, task});
      return it != latest.end() && it->second == &run;
    };
    if (std::none_of(table.tasks.begin(), table.tasks.end(), counted)) continue;
    auto episodes = reader.value().Episodes(run.info.run_id);
    if (!episodes.ok()) return episodes.error();
    for (const EpisodeRow& e : episodes.value()) {
      if (!counted(e.key.task)) continue;
      SettingTable::Cell& cell = column->cells[e.key.task];
      cell.run = run.info.name;
      cell.counts.Add(e.key.suite, e.key.task, e.key.init_state, e.success);
    }
  }
  return table;
}

std::string FormatSettingTable(const SettingTable& t, TableFormat format, const IntervalOptions& intervals) {
  static const std::vector<std::string> fields = {"policy", "embodiment", "setting", "task",    "run",
                                                  "tasks",  "n",          "successes", "rate",  "ci_low",
                                                  "ci_high", "ci_method"};
  return FormatTable(Layout(t, intervals), Records(t, intervals), fields, format);
}

}  // namespace gauntlet::reports
