// Builds real tabletop worlds from the repository's suites (LIBERO-Spatial by
// default).
#pragma once

#include <memory>
#include <string>

#include "envs/tabletop/tabletop_env.h"
#include "envs/tabletop/tabletop_family.h"
#include "harness/suite_spec.h"
#include "tests/test_support.h"

namespace gauntlet::testing {

// Every suite of the tabletop family in the repository.
inline const char* const kTabletopSuites[] = {"libero_spatial", "libero_object", "libero_goal", "libero_10"};

inline SuiteSpec TabletopSuite(const std::string& name) {
  auto suite = LoadSuite(SourceDir() + "/suites/" + name + ".yaml");
  if (!suite.ok()) throw std::runtime_error(suite.error().message);
  return suite.value();
}

inline std::unique_ptr<envs::tabletop::TabletopEnv> TabletopEnvOf(const SuiteSpec& suite, int task) {
  auto env = envs::tabletop::MakeTabletopEnv(suite, suite.tasks.at(task), 128, 128, false);
  if (!env.ok()) throw std::runtime_error(env.error().message);
  return std::unique_ptr<envs::tabletop::TabletopEnv>(
      static_cast<envs::tabletop::TabletopEnv*>(env.value().release()));
}

inline EpisodeSpec TabletopEpisode(const SuiteSpec& suite, int task, int init) {
  EpisodeSpec spec;
  spec.key = {suite.name, suite.tasks.at(task).name, "default", init, 7};
  spec.task_index = task;
  spec.settle_steps = suite.protocol.settle_steps;
  spec.max_steps = suite.protocol.max_steps;
  return spec;
}

inline SuiteSpec SpatialSuite() { return TabletopSuite("libero_spatial"); }

inline std::unique_ptr<envs::tabletop::TabletopEnv> SpatialEnv(int task) {
  return TabletopEnvOf(SpatialSuite(), task);
}

inline EpisodeSpec SpatialEpisode(int task, int init, int max_steps = 220) {
  EpisodeSpec spec = TabletopEpisode(SpatialSuite(), task, init);
  spec.max_steps = max_steps;
  return spec;
}

}  // namespace gauntlet::testing
