// The embodiment table of MergeVLA Table 3: one row per policy, one column
// per (embodiment, task) pair -- tasks grouped under their embodiment -- and
// the row's episodes pooled. A cell counts the policy's latest run of the
// task's suite on that embodiment; runs of a perturbation set are left out.
//
// Neither episodes nor runs have an embodiment column: a run's embodiment is
// its configuration's "embodiment" (top level or in its "suite" object) when
// the family records one, else "panda", the robot of every family so far
// (TableRun::embodiment).
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "harness/result.h"
#include "reports/table_cells.h"
#include "reports/table_layout.h"

namespace gauntlet::reports {

struct EmbodimentTable {
  using Column = std::pair<std::string, std::string>;  // (embodiment, task)
  // Embodiments in order of their first run, tasks in their suite's order.
  std::vector<Column> columns;
  struct Row {
    std::string policy;
    std::vector<std::string> runs;  // the runs counted
    std::map<Column, EpisodeCounts> cells;
  };
  std::vector<Row> rows;  // in order of each policy's first run
};

Result<EmbodimentTable> BuildEmbodimentTable(const std::string& db_path);

// Tidy records: one per cell (policy, embodiment, task) and the row's pooled
// figures as embodiment "all", task "pooled".
std::string FormatEmbodimentTable(const EmbodimentTable& table, TableFormat format,
                                  const IntervalOptions& intervals = {});

}  // namespace gauntlet::reports
