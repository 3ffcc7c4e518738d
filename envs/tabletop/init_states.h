// Fixed initial states: generated once per task from the region samplers with
// a recorded seed, settled physically, and stored under suites/ so that every
// run on every machine starts an episode from the same state.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <mujoco/mujoco.h>

#include "envs/tabletop/scene_builder.h"
#include "harness/result.h"

namespace gauntlet::envs::tabletop {

struct InitState {
  std::vector<double> qpos;  // nq
  std::vector<double> qvel;  // nv
};

struct InitStateSet {
  std::string task;
  std::uint64_t seed = 0;
  int settle_substeps = 0;
  std::vector<std::string> joints;  // joint names in qpos order: a model change is detected
  std::vector<InitState> states;
};

inline constexpr int kInitStateFormatVersion = 1;
inline constexpr int kSettleSubsteps = 400;  // 0.8 s of physics

// Samples `count` states: articulated joints from :init (Open/Close) or their
// closed/off defaults, objects uniformly in their :init regions (where the
// arena asks for it, clear of the footprint circles of objects placed before
// them) or on the object or site they stand on, the robot at its start configuration; then
// settles each for kSettleSubsteps with the robot held, and resamples a state
// whose objects moved more than 2 cm or tipped while settling.
Result<InitStateSet> GenerateInitStates(const TabletopScene& scene, const mjModel* m, int count,
                                        std::uint64_t seed);

// Robot start configuration, fingers open, every other joint at its default.
void ApplyRobotStart(const mjModel* m, mjData* d);

Status SaveInitStates(const InitStateSet& set, const std::string& path);
// Checks the file against the model's joints; errors name the file and say
// how to regenerate (gauntlet init-states).
Result<InitStateSet> LoadInitStates(const std::string& path, const mjModel* m);
std::vector<std::string> JointNames(const mjModel* m);

}  // namespace gauntlet::envs::tabletop
