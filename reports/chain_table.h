// The chain tables of CALVIN's long-horizon evaluation: an episode is a chain
// of subtasks given one after the other (CALVIN: 5), and a policy is scored
// by how far it gets. Per run: the share of chains whose first 1, 2, ..., N
// subtasks all succeeded, each with its interval, and the average successful
// length, the mean number of consecutive successes from the first subtask
// (CALVIN's "Avg. Len.", between 0 and N). N is the run's planned chain
// length, the longest chain of its configuration's "chains" (or, for a run
// configured without them, its longest recorded chain), so a run whose chains
// all broke early still shows every column.
//
// A second table gives CALVIN's per-task success: every subtask a chain
// completed counts as a success of its task, and the subtask that broke the
// chain as a failure of its task only (a chain is not charged for the
// subtasks it never reached). Total = successes + those failures.
//
// Counted from `subtasks` rows (position 0..N-1, subtask, success) of the
// run's episodes: a chain is an episode row, so an episode that ended
// (failure, error, timeout) before a subtask row was written counts as
// length 0, and a missing position ends the chain there. An error or a
// timeout during a subtask leaves that subtask's failed row (the episode
// runner writes it), so it is charged to that task like any failure. An
// episode that ended before its first row has no subtask to blame and is
// charged to no task: it is in the in-a-row shares (a failure of every K)
// but in no task's total, because what ended it (an env or policy error
// before the chain began, a worker lost) is not a subtask the policy
// attempted, and guessing the planned one from the configuration would put
// harness faults into task rates. The per-task failures therefore add up to
// the chains that broke at a recorded subtask; `unattributed` counts the rest.
// Every run whose configuration has chains or that has subtask rows is shown,
// oldest first.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/episode.h"
#include "harness/result.h"
#include "reports/table_cells.h"
#include "reports/table_layout.h"
#include "reports/table_reader.h"

namespace gauntlet::reports {

// One run's chains, counted.
struct RunChains {
  std::string policy, run, suite;
  int length = 0;  // the planned chain length N: in-a-row shares for 1..N
  std::vector<std::pair<EpisodeKey, int>> chains;  // each episode and its successful length
  // Per task, its counted attempts: the completed subtasks (successes) and
  // the chain-breaking failures, clustered by the chain's (suite, chain,
  // initial state) for the bootstrap.
  std::map<std::string, EpisodeCounts> tasks;
  int unattributed = 0;  // unsuccessful chains with no failed subtask row at their break
};

// The run's chains from its rows; empty when the run plays none (no chains
// in its configuration and no subtask rows).
Result<std::optional<RunChains>> CountRunChains(const TableReader& reader, const TableRun& run);

// Chains whose first `k` subtasks all succeeded, out of all the run's chains.
EpisodeCounts CompletedInARow(const RunChains& run, int k);
// CALVIN's avg_seq_len: the mean successful length; 0 without chains.
double AverageLength(const RunChains& run);

struct ChainTable {
  int positions = 0;  // the longest planned chain of the runs: columns 1..positions
  using Run = RunChains;
  std::vector<Run> runs;
};

Result<ChainTable> BuildChainTable(const std::string& db_path);

// Two tables: the in-a-row shares with Avg. Len. per run (a run with
// shorter chains than the widest has "-" beyond its length), and the
// per-task success per run and task. Tidy records per run: "measure"
// "completed_K" for K up to its length (n = chains, successes = chains whose
// first K subtasks succeeded), "avg_length" (n = chains, avg_length), and
// per task "task_success" with "task" (n = successes + chain-breaking
// failures, successes).
std::string FormatChainTable(const ChainTable& table, TableFormat format, const IntervalOptions& intervals = {});

}  // namespace gauntlet::reports
