// The settings table of X-VLA's RoboTwin 2.0 results (its Table 18): one row
// per task, and per policy two columns, Easy (the clean setting) and Hard
// (the randomized setting), closed by an Average row (X-VLA's: the mean of
// the per-task rates) and a Pooled row (all the column's episodes counted
// together, with an interval).
//
// A run's setting is its configuration's "world": {"setting": ...}, which
// only families with workspace settings write (the dual-arm family); runs
// without one, runs of a perturbation set and runs without episodes are left
// out. A policy that ran on several embodiments gets a pair of columns per
// embodiment.
//
// A cell counts the latest run (of the policy, on the embodiment, in the
// setting) that played the task: rerunning a few tasks replaces those
// cells and keeps the rest, and two suites of one setting that share a task
// are never counted together.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/result.h"
#include "reports/table_cells.h"
#include "reports/table_layout.h"

namespace gauntlet::reports {

struct SettingTable {
  struct Cell {
    EpisodeCounts counts;  // at least one episode
    std::string run;       // the run counted
  };
  // A policy's runs on one embodiment in one setting.
  struct Column {
    std::string policy, embodiment;
    std::string setting;                // "clean", "randomized" or another a family names
    std::map<std::string, Cell> cells;  // by task; a task no run played is absent
  };
  // In order of each task's first run, each run's tasks in its suite's order.
  std::vector<std::string> tasks;
  // (policy, embodiment) pairs in order of their first run, each with a
  // clean and a randomized column (empty when it has no run) and then any
  // other setting in order of its first run.
  std::vector<Column> columns;
};

Result<SettingTable> BuildSettingTable(const std::string& db_path);

// "Easy" for clean, "Hard" for randomized (X-VLA's names), else the setting.
std::string SettingLabel(const std::string& setting);

// X-VLA's Average: the mean of the column's per-task rates, each from its
// exact counts, over the tasks with episodes in the column; no interval (the
// tasks' episode counts may differ, so it is not one binomial). Empty for a
// column without episodes.
std::optional<Figures> AverageOfTasks(const SettingTable::Column& column);
// All the column's episodes as one cell; empty for a column without episodes.
std::optional<Figures> PooledOfTasks(const SettingTable::Column& column, const IntervalOptions& intervals);

// Tidy records: one per cell (policy, embodiment, setting, task, run), and
// per column its average (task "average") and pooled figures (task
// "pooled"), each with the number of tasks it covers.
std::string FormatSettingTable(const SettingTable& table, TableFormat format, const IntervalOptions& intervals = {});

}  // namespace gauntlet::reports
