// The tabletop family's entry points for the harness: build a task's Env from
// the suite's TaskSpec, and (re)generate a task's fixed initial states.
#pragma once

#include <memory>

#include "harness/env.h"
#include "harness/suite_spec.h"

namespace gauntlet::envs::tabletop {

inline constexpr const char* kFamilyName = "tabletop";

Result<std::unique_ptr<Env>> MakeTabletopEnv(const SuiteSpec& suite, const TaskSpec& task,
                                             int image_width, int image_height, bool shadows);

// Generates the task's initial states (suite.protocol.trials of them) with a
// seed derived from the suite's init_state_seed and the task name, and writes
// them to task.init_states.
Status WriteInitStates(const SuiteSpec& suite, const TaskSpec& task);

// Seed of a task's initial-state generator.
std::uint64_t InitStateSeed(const SuiteSpec& suite, const TaskSpec& task);

}  // namespace gauntlet::envs::tabletop
