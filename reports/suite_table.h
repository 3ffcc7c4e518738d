// The suite table of the seed papers (MergeVLA Table 1, LIBERO-Plus): one row
// per policy, one column per suite -- LIBERO's four first, headed Spatial /
// Object / Goal / Long -- then an average of the per-suite rates and the
// pooled rate. Each cell is the latest run of that policy on that suite,
// counted from its episode rows; nothing is averaged from rounded numbers.
// Runs of a perturbation set are left to the perturbation table.
//
// MergeVLA's grouping: a policy of kind "merged" goes in the "merged" group,
// one row per policy name and merge (its metadata's "merge_method",
// "merged_parts" and "route"), shown in columns of their own; every other
// policy is a reference. A named row (`--row "NAME=RUN,RUN"`) combines runs
// of different policies, each on its own suite, into one row -- MergeVLA's
// single-task experts, one fine-tuned per suite; those runs' (policy, suite)
// cells leave the policies' own rows. A named row is merged when all its
// runs' policies are (its merge columns then list their values).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "harness/result.h"
#include "reports/table_cells.h"
#include "reports/table_layout.h"

namespace gauntlet::reports {

struct SuiteCell {
  std::string run;  // the run counted
  EpisodeCounts counts;
};

// `--row "NAME=RUN_A,RUN_B"`: one row named NAME of the runs listed.
struct NamedRow {
  std::string name;
  std::vector<std::string> runs;
};
// "NAME=RUN,RUN,..."; a missing name or run list is an error showing the form.
Result<NamedRow> ParseNamedRow(const std::string& text);

// The merge columns' text where a merged policy's metadata lacks the key.
inline constexpr const char* kNotRecorded = "-";

struct SuiteTable {
  std::vector<std::string> suites;  // column order
  struct Row {
    std::string policy;  // the policy's name, or a named row's name
    bool combined = false;  // a named row
    bool merged = false;  // the "merged" group; otherwise a reference
    std::string merge_method = kNotRecorded, merged_parts = kNotRecorded, route = kNotRecorded;
    std::map<std::string, SuiteCell> cells;  // by suite; a suite the row has no run of is absent
  };
  // References, then merged rows; in each, named rows first in the order
  // given, then the others in order of their first run.
  std::vector<Row> rows;
};

// A named row's run that does not exist, is a perturbation run, or shares a
// suite with another run of the row is an error naming it.
Result<SuiteTable> BuildSuiteTable(const std::string& db_path, const std::vector<NamedRow>& named_rows = {});

// "Spatial" for libero_spatial, ... "Long" for libero_10; other suites by name.
std::string SuiteLabel(const std::string& suite);

// Markdown renders on GitHub; LaTeX is a booktabs table; HTML a page; CSV
// and JSON are tidy: one record per cell (policy, group, merge columns,
// suite, run, n, successes, rate, interval and ci_method), the row averages
// as suites "avg" (mean of the per-suite rates, only for rows with every
// suite) and "pooled" (all episodes counted together). The merge columns and
// group headings appear when a row is merged.
std::string FormatSuiteTable(const SuiteTable& table, TableFormat format, const IntervalOptions& intervals = {});

}  // namespace gauntlet::reports
