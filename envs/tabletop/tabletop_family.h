// The tabletop family's entry points for the harness: build a task's Env from
// the suite's TaskSpec, and (re)generate a task's fixed initial states.
#pragma once

#include <memory>
#include <optional>

#include "harness/env.h"
#include "harness/suite_spec.h"

namespace gauntlet::envs::tabletop {

inline constexpr const char* kFamilyName = "tabletop";

// `world` (a layout perturbation) rewrites the task first; that world's
// initial states are generated on the spot (count: `world_states`), seeded
// from the suite, the task and the variant.
Result<std::unique_ptr<Env>> MakeTabletopEnv(const SuiteSpec& suite, const TaskSpec& task,
                                             int image_width, int image_height, bool shadows,
                                             const std::optional<Perturbation>& world = std::nullopt,
                                             int world_states = 1);

// Generates the task's initial states (suite.protocol.trials of them) with a
// seed derived from the suite's init_state_seed and the task name, and writes
// them to task.init_states.
Status WriteInitStates(const SuiteSpec& suite, const TaskSpec& task);

// Seed of a task's initial-state generator.
std::uint64_t InitStateSeed(const SuiteSpec& suite, const TaskSpec& task);

}  // namespace gauntlet::envs::tabletop
