// The chain table of CALVIN's long-horizon evaluation: an episode is a chain
// of subtasks given one after the other (CALVIN: 5), and a policy is scored
// by how far it gets. Per run: the share of chains whose first 1, 2, ..., N
// subtasks all succeeded, each with its interval, and the average successful
// length, the mean number of consecutive successes from the first subtask
// (CALVIN's "Avg. Len.", between 0 and N).
//
// Counted from `subtasks` rows (position 0..N-1, success) of the run's
// episodes: a chain is an episode row, so an episode that ended (failure,
// error, timeout) before a subtask row was written counts as length 0, and
// a missing position ends the chain there. Every run with subtask rows is
// shown, oldest first.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "harness/episode.h"
#include "harness/result.h"
#include "reports/table_cells.h"
#include "reports/table_layout.h"

namespace gauntlet::reports {

struct ChainTable {
  int positions = 0;  // the longest chain recorded: columns 1..positions
  struct Run {
    std::string policy, run, suite;
    std::vector<std::pair<EpisodeKey, int>> chains;  // each episode and its successful length
  };
  std::vector<Run> runs;
};

Result<ChainTable> BuildChainTable(const std::string& db_path);

// Tidy records per run: "measure" "completed_K" (n = chains, successes =
// chains whose first K subtasks succeeded) and "avg_length" (n = chains,
// avg_length).
std::string FormatChainTable(const ChainTable& table, TableFormat format, const IntervalOptions& intervals = {});

}  // namespace gauntlet::reports
