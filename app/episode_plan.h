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
  std::string instruction;  // what the policy is told (a chain's: for its first subtask)
  int chain = -1;           // index into suite.chains, -1 for a single-goal episode
  // A chain's: what the policy is told for each subtask, in order (a
  // language variant's pool text for each subtask's task).
  std::vector<std::string> subtask_instructions{};
  // Policy steps of a single-goal episode: its task's max_steps, else the
  // protocol's (a chain's subtasks take the protocol's).
  int max_steps = 0;
};

// `tasks` are the selected task indices; `trials` the initial states per task
// of an unperturbed suite. A chain suite plans one episode per chain in
// `chains` (indices into suite.chains; empty = all) and ignores both; its
// grids select chains (`chains:`, intersected with `chains`), never tasks
// or initial states, and layout grids are refused (a chain starts from the
// fixed scene of its start state). Errors name the suite set's file and the
// grid's line (missing pool variants, a grid that does not fit the suite).
Result<std::vector<PlannedEpisode>> PlanEpisodes(const SuiteSpec& suite, const std::vector<int>& tasks, int trials,
                                                 const std::vector<int>& chains = {});

// "0-99", "3,7,12" or "" (all) -> chain indices of the suite; errors name
// the selection (as `what` calls it) and the suite's chain count.
Result<std::vector<int>> SelectChains(const SuiteSpec& suite, const std::string& selection,
                                      const std::string& what = "--chains");

}  // namespace gauntlet::app
