// Runs of LIBERO-Spatial episodes through RunSchedule, for the tests of the
// scheduler and of policies with episodes in flight.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "harness/scheduler.h"
#include "tests/envs/env_fixture.h"

namespace gauntlet::testing {

// `per_task` initial states of each of `tasks`, task after task, `max_steps`
// policy steps per episode.
inline std::vector<WorkItem> SpatialWork(const SuiteSpec& suite, const std::vector<int>& tasks, int per_task,
                                         int max_steps) {
  std::vector<WorkItem> work;
  for (int task : tasks) {
    for (int i = 0; i < per_task; ++i) {
      WorkItem item;
      item.spec = SpatialEpisode(task, i, max_steps);
      item.context.suite = suite.name;
      item.context.init_state = i;
      item.context.instruction = suite.tasks[task].instruction;
      work.push_back(item);
    }
  }
  return work;
}

inline EnvFactory SpatialEnvs(const SuiteSpec& suite) {
  return [suite](const TaskSpec& task, const std::optional<Perturbation>& world, const std::string&) {
    return envs::tabletop::MakeTabletopEnv(suite, task, 128, 128, false, world);
  };
}

// Outcomes by (task, initial state); an episode reported twice fails the test.
using Outcomes = std::map<std::pair<std::string, int>, EpisodeOutcome>;

inline Outcomes RunAll(const SuiteSpec& suite, const std::vector<WorkItem>& work, const PolicyFactory& make_policy,
                       const ScheduleOptions& options) {
  Outcomes outcomes;
  Status s = RunSchedule(work, suite, SpatialEnvs(suite), make_policy, options, [&](const EpisodeOutcome& o) {
    EXPECT_TRUE(outcomes.emplace(std::make_pair(o.key.task, o.key.init_state), o).second)
        << "twice: " << o.key.ToString();
  });
  EXPECT_TRUE(s.ok()) << s.message();
  return outcomes;
}

}  // namespace gauntlet::testing
