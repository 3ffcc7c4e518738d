// Builds real tabletop worlds from the repository's LIBERO-Spatial suite.
#pragma once

#include <memory>

#include "envs/tabletop/tabletop_env.h"
#include "envs/tabletop/tabletop_family.h"
#include "harness/suite_spec.h"
#include "tests/test_support.h"

namespace gauntlet::testing {

inline SuiteSpec SpatialSuite() {
  auto suite = LoadSuite(SourceDir() + "/suites/libero_spatial.yaml");
  if (!suite.ok()) throw std::runtime_error(suite.error().message);
  return suite.value();
}

inline std::unique_ptr<envs::tabletop::TabletopEnv> SpatialEnv(int task) {
  SuiteSpec suite = SpatialSuite();
  auto env = envs::tabletop::MakeTabletopEnv(suite, suite.tasks.at(task), 128, 128, false);
  if (!env.ok()) throw std::runtime_error(env.error().message);
  return std::unique_ptr<envs::tabletop::TabletopEnv>(
      static_cast<envs::tabletop::TabletopEnv*>(env.value().release()));
}

inline EpisodeSpec SpatialEpisode(int task, int init, int max_steps = 220) {
  SuiteSpec suite = SpatialSuite();
  EpisodeSpec spec;
  spec.key = {suite.name, suite.tasks.at(task).name, "default", init, 7};
  spec.task_index = task;
  spec.settle_steps = 10;
  spec.max_steps = max_steps;
  return spec;
}

}  // namespace gauntlet::testing
