// The perturbation table of LIBERO-Plus and MergeVLA Table 2: one row per
// policy and perturbation set, a column per dimension (camera, robot,
// language, light, background, noise, layout), the pooled total over every
// perturbed episode (LIBERO-Plus's Total: counted, not the mean of the
// columns) and the unperturbed episodes the set shifts. A row counts each
// suite's latest run of that policy in that set; every cell from episode rows.
//
// A chain suite's episode (CALVIN's play table) succeeds only when all its
// subtasks do; for those rows the table adds, per dimension, the average
// chain length (consecutive subtasks completed from the first, CALVIN's Avg.
// Len.), counted from the runs' subtask rows.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "harness/result.h"
#include "reports/suite_table.h"

namespace gauntlet::reports {

// Chains and the subtasks they completed in a row, summed.
struct ChainLengths {
  int chains = 0;
  int completed = 0;
  double average() const { return chains == 0 ? 0 : static_cast<double>(completed) / chains; }
};

struct PerturbationTable {
  std::vector<std::string> dimensions;  // column order (those present)
  struct Row {
    std::string policy, set;
    std::vector<std::string> runs;              // the runs counted
    std::map<std::string, EpisodeCounts> cells;  // by dimension; "" = unperturbed
    std::map<std::string, ChainLengths> chain_lengths;  // the same keys, chain episodes only
  };
  std::vector<Row> rows;
};

Result<PerturbationTable> BuildPerturbationTable(const std::string& db_path);
// Same formats and intervals as the suite table; tidy records have a
// "dimension" field ("pooled" for the total, "unperturbed" for the baseline)
// and, for chain episodes, "avg_chain_length". Markdown, LaTeX and HTML add
// a second table of the average chain lengths when a row has chains.
std::string FormatPerturbationTable(const PerturbationTable& table, TableFormat format,
                                    const IntervalOptions& intervals = {});

}  // namespace gauntlet::reports
