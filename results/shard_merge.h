// `gauntlet db merge OUT.db SHARD.db...`: the shards of runs split with
// `gauntlet run --shard I/N` brought back into one results file, as if one
// machine had run everything.
//
// Per run (matched by name) a shard must carry the same config hash and the
// same shard count N as the runs already merged, else the merge stops naming
// both files. Its policies, episodes and their subtasks, router decisions and
// events, and the perturbation variants are copied with ids remapped. An
// episode already present with the same outcome (status, steps, termination,
// state hash, actions, embodiment) is an identical duplicate and skipped; a
// different outcome is a conflict that stops the merge, naming the episode
// keys. Hence merging is idempotent and order-independent: the same shards in
// any order, or twice, give the same rows (ids aside).
//
// The merged run row: planned_episodes = the whole run's plan, the shards'
// records (index, host, started/finished, workers, Slurm ids, command) in
// execution_json.shards by index, host/git/renderer of the lowest shard,
// started_at the earliest, finished_at the latest, status completed when
// every planned episode is present (else interrupted).
//
// Each shard is merged in its own transaction (SQLite cannot attach a file
// inside one): when shard k fails, shards before it stay merged, and
// rerunning the merge after the fix finishes the job.
#pragma once

#include <string>
#include <vector>

#include "harness/result.h"

namespace gauntlet::results {

struct RunCoverage {
  std::string run;
  int shard_count = 1;
  int present = 0;                      // episodes in OUT
  int expected = 0;                     // the whole run's plan
  std::vector<int> missing_shards;      // never merged
  std::vector<int> incomplete_shards;   // merged, but their run did not finish
  std::vector<std::string> rerun;       // a command per missing or incomplete shard
};

struct MergeReport {
  int episodes_added = 0;
  int duplicates_skipped = 0;
  std::vector<RunCoverage> runs;  // every run touched, by name
};

Result<MergeReport> MergeShards(const std::string& out, const std::vector<std::string>& shards);

// What a shard file holds so far: every run in it finished, and its
// episodes against its plan (summed over its runs; a suite set has several).
struct ShardFileState {
  bool exists = false;
  bool complete = false;
  int present = 0;
  int planned = 0;
};
Result<ShardFileState> ReadShardFile(const std::string& path);

// The report as the CLI prints it: a line per run, then the rerun commands.
std::string FormatCoverage(const MergeReport& report);

}  // namespace gauntlet::results
