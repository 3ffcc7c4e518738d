// Building one task's world for the inspection verbs (show, trace): the
// suite's family, its default embodiment, no perturbation.
#pragma once

#include <memory>
#include <optional>

#include "harness/env.h"
#include "harness/family.h"

namespace gauntlet::app {

Result<std::unique_ptr<Env>> MakeTaskEnv(const Family& family, const SuiteSpec& suite, const TaskSpec& task,
                                         int image_size, const std::optional<Perturbation>& world = std::nullopt,
                                         int world_states = 1);

// Resets `env` to initial state `init` of `task` (unperturbed unless `p`).
Status ResetTo(Env& env, const SuiteSpec& suite, const TaskSpec& task, int init,
               const std::optional<Perturbation>& p = std::nullopt, const std::string& variant = "default");

}  // namespace gauntlet::app
