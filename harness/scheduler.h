// Runs a list of episodes on N worker threads. Each worker owns its Env (one
// per task, rebuilt when the task changes), its Policy and, when anything is
// rendered, its own GL context. Outcomes are handed to `on_outcome` on the
// calling thread, one by one as they finish, so the results store is written
// from one thread only.
//
// Watchdog: a call that never returns (a hung policy or render) cannot be
// interrupted inside a thread. When an episode has run longer than
// episode_timeout_s + watchdog_grace_s, the scheduler records it as "timeout",
// abandons that worker (its late result, if any, is dropped) and starts a fresh
// worker in its place, so the run goes on.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/episode_runner.h"
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
