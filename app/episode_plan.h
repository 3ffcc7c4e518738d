// The episodes of one run: every (task, initial state) of the protocol, or,
// for a suite in a perturbation set, every variant of its grids (plus the
// unperturbed baseline when the set asks for it).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/episode.h"
#include "harness/suite_spec.h"

namespace gauntlet::app {

struct PlannedEpisode {
  int task = 0;        // a chain's: its first subtask (whose world it runs in)
  int init_state = 0;
  std::string variant = "default";
  std::optional<Perturbation> perturbation;
  std::string instruction;  // what the policy is told
  int chain = -1;           // index into suite.chains, -1 for a single-goal episode
};

// `tasks` are the selected task indices; `trials` the initial states per task
// of an unperturbed suite. A chain suite plans one episode per chain in
// `chains` (indices into suite.chains; empty = all) and ignores both. Errors
// name the suite set's file (missing pool variants, ...).
Result<std::vector<PlannedEpisode>> PlanEpisodes(const SuiteSpec& suite, const std::vector<int>& tasks, int trials,
                                                 const std::vector<int>& chains = {});

// "0-99", "3,7,12" or "" (all) -> chain indices of the suite; errors name
// the selection and the suite's chain count.
Result<std::vector<int>> SelectChains(const SuiteSpec& suite, const std::string& selection);

}  // namespace gauntlet::app
