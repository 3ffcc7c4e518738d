// The per-run summary: success rates per task with Wilson intervals and a
// suite total, for a terminal.
#pragma once

#include <string>

#include "harness/result.h"

namespace gauntlet::reports {

struct SummaryOptions {
  std::string run_name;  // empty = every run in the database
};

// For each run: a header line (name, suite, policy, status, start, git sha,
// render backend), then one row per task with n, successes, rate, Wilson 95%
// interval, failures, errors and timeouts, then the suite total. Errors and
// timeouts count as unsuccessful episodes: they stay in the denominator and
// are shown apart. Totals are computed from summed counts, never by averaging
// rates. A run with fewer episodes than planned says so and how to resume it.
// A run that plays instruction chains (CALVIN) then has its chain block,
// counted by the chain tables' code (reports/chain_table.h): chains
// completed in a row 1..N with Wilson intervals, the average length, and
// CALVIN's per-task success (total = successes + chain-breaking failures).
Result<std::string> FormatSummary(const std::string& db_path, const SummaryOptions& options);

}  // namespace gauntlet::reports
