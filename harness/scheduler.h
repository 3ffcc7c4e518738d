// Runs a list of episodes on W worker threads with E episodes in flight.
// Each worker owns its episode slots (E/W of them, each with its Env: one
// per task, rebuilt when the task changes) and, when anything is rendered,
// its own GL context. Outcomes are handed to `on_outcome` on the calling
// thread, one by one as they finish, so the results store is written from
// one thread only.
//
// The policy side, three ways:
// - E = W and a policy that cannot batch: each worker answers its episode's
//   queries itself with its own policy instance (Policy::act), as RunEpisode.
// - a policy that batches (Policy::batches): one instance for the run, one
//   session per episode; a PolicyBatcher gathers the queries of all workers
//   and answers up to batch.batch_size of them per act_batch call.
// - E > W and a policy that cannot batch: each slot has its own instance;
//   the batcher answers one query per call, so workers step their other
//   episodes while a slow policy thinks.
// Which worker or slot runs an episode, and what else is in flight, changes
// nothing in its outcome (same spec => same initial state => same steps).
//
// Watchdog: a call that never returns (a hung policy or render) cannot be
// interrupted inside a thread. When a worker has been inside one call on an
// episode for longer than episode_timeout_s + watchdog_grace_s, the scheduler
// records that episode as "timeout", abandons the worker (its late results,
// if any, are dropped), gives its other episodes to the remaining workers
// from the start, and starts a fresh worker in its place, so the run goes on.
// An episode whose query has waited that long for its answer ends as
// "timeout"; a dispatcher stuck in such a call is replaced.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/episode_runner.h"
#include "harness/policy_batcher.h"
#include "harness/suite_spec.h"

namespace gauntlet {

// `world` is set when the episode's perturbation changes the world itself
// (ChangesWorld): the family builds that variant's world. `embodiment` is the
// episode's robot (EpisodeSpec::embodiment; "" = the family's default). A
// worker rebuilds its world when any of the three changes between episodes
// (the task only when ScheduleOptions::world_per_task).
using EnvFactory = std::function<Result<std::unique_ptr<Env>>(
    const TaskSpec& task, const std::optional<Perturbation>& world, const std::string& embodiment)>;
using PolicyFactory = std::function<Result<std::unique_ptr<Policy>>()>;

struct WorkItem {
  EpisodeSpec spec;
  EpisodeContext context;
  std::string video_path;  // empty: no video
};

struct ScheduleOptions {
  int workers = 1;
  int in_flight = 0;                // episodes in flight at once (0: one per worker; fewer than
                                    // `workers` runs that many workers)
  BatchOptions batch;               // the policy side when queries are handed over
  bool render = false;              // create a GL context per worker
  std::string render_backend = "auto";
  RunnerOptions runner;
  double watchdog_grace_s = 30;     // beyond runner.episode_timeout_s
  bool world_per_task = true;       // false: a worker's world serves every task (Family::world_per_task)
};

// Returns an error only when nothing can run at all (e.g. no GL context); an
// env or policy that fails to build ends its episodes as errors instead.
Status RunSchedule(const std::vector<WorkItem>& work, const SuiteSpec& suite,
                   const EnvFactory& make_env, const PolicyFactory& make_policy,
                   const ScheduleOptions& options,
                   const std::function<void(const EpisodeOutcome&)>& on_outcome);

}  // namespace gauntlet
