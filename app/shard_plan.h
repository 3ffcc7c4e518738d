// Splitting a run into N shards that run anywhere (`gauntlet run --shard I/N`)
// and come back together with `gauntlet db merge`.
//
// The work list is the run's planned episodes in plan order (a chain is one
// item; a dual-arm task's seed on its embodiment is one item). Items are
// dealt by expected cost, each to the shard with the least cost so far
// (longest first, ties to the lower shard index, items of equal cost in plan
// order): with equal costs that is round robin over the plan, so every shard
// gets an interleaved slice of tasks; with mixed step limits (RoboTwin's 400
// to 1500) the shards' total steps stay within one item of each other. The
// assignment depends on the plan and N only, so every item lands in exactly
// one shard for every N, on every machine.
#pragma once

#include <string>
#include <vector>

#include "harness/result.h"

namespace gauntlet::app {

struct Shard {
  int index = 0;  // 0-based, as Slurm's $SLURM_ARRAY_TASK_ID
  int count = 1;
};

// "I/N" with 0 <= I < N; errors name the text.
Result<Shard> ParseShard(const std::string& text);

// The shard of each item, costs[i] > 0 the expected cost of item i (its
// maximum policy steps).
std::vector<int> AssignShards(const std::vector<long long>& costs, int count);

// The name a split run's files carry: --run-name when given, else the stem
// of the suite (or task file) as typed ("libero_spatial", "suites/x.yaml" -> "x").
std::string ShardLabel(const std::string& run_name, const std::string& suite_or_file);

// Where shard I of N of a run writes: beside `db`, named after it, the run
// name and the shard ("results.db", "libero_spatial-probe", 2/7 ->
// "results.libero_spatial-probe.shard-2-of-7.db"), so rerunning a shard
// resumes it in its own file. Characters other than [A-Za-z0-9._-] in the
// run name become '_'.
std::string ShardDbPath(const std::string& db, const std::string& run_name, const Shard& shard);

}  // namespace gauntlet::app
