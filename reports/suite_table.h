// The suite table of the seed papers (MergeVLA Table 1, LIBERO-Plus): one row
// per policy, one column per suite -- LIBERO's four first, headed Spatial /
// Object / Goal / Long -- then an average of the per-suite rates and the
// pooled rate. Each cell is the latest run of that policy on that suite,
// counted from its episode rows; nothing is averaged from rounded numbers.
// Runs of a perturbation set are left to the perturbation table.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "harness/result.h"
#include "reports/table_cells.h"

namespace gauntlet::reports {

struct SuiteCell {
  std::string run;  // the run counted
  int episodes = 0;
  int successes = 0;
};

struct SuiteTable {
  std::vector<std::string> suites;  // column order
  struct Row {
    std::string policy;
    std::map<std::string, SuiteCell> cells;  // by suite; a suite the policy has no run of is absent
  };
  std::vector<Row> rows;  // in order of each policy's first run
};

Result<SuiteTable> BuildSuiteTable(const std::string& db_path);

enum class TableFormat { kMarkdown, kLatex, kCsv, kJson };
// "md", "latex", "csv" or "json"; anything else is an error listing them.
Result<TableFormat> ParseTableFormat(const std::string& name);

// "Spatial" for libero_spatial, ... "Long" for libero_10; other suites by name.
std::string SuiteLabel(const std::string& suite);

// Markdown renders on GitHub; LaTeX is a booktabs table; CSV and JSON are
// tidy: one record per cell (policy, suite, run, n, successes, rate, Wilson
// interval), the row averages as suites "avg" (mean of the per-suite rates,
// only for rows with every suite) and "pooled" (all episodes counted together).
std::string FormatSuiteTable(const SuiteTable& table, TableFormat format);

}  // namespace gauntlet::reports
