// The episodes of one run: every (task, initial state) of the protocol, or,
// for a suite in a perturbation set, every variant of its grids (plus the
// unperturbed baseline when the set asks for it).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/episode.h"
#include "harness/suite_spec.h"

namespace gauntlet::cli {

struct PlannedEpisode {
  int task = 0;
  int init_state = 0;
  std::string variant = "default";
  std::optional<Perturbation> perturbation;
  std::string instruction;  // what the policy is told
};

// `tasks` are the selected task indices; `trials` the initial states per task
// of an unperturbed suite. Errors name the suite set's file (missing pool
// variants, ...).
Result<std::vector<PlannedEpisode>> PlanEpisodes(const SuiteSpec& suite, const std::vector<int>& tasks, int trials);

}  // namespace gauntlet::cli
