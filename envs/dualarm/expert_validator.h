// The family's scripted expert as RoboTwin's seed check: a candidate seed is
// kept only when the expert solves its scene within the evaluation's step
// budget. The expert runs through the same episode loop (RunEpisode) and the
// same world an evaluation builds for that seed, so an accepted seed is one
// the expert solves when `gauntlet run --policy oracle` replays it.
//
// The expert is a Policy from the family registry (policies/ registers it at
// start-up); the family cannot name it itself (envs/ sits below policies/).
#pragma once

#include <memory>
#include <string>

#include "envs/dualarm/seed_search.h"
#include "harness/policy.h"

namespace gauntlet::envs::dualarm {

struct ExpertBudget {
  int max_steps = 0;     // policy steps, the evaluation's for the task
  int settle_steps = 0;  // the suite protocol's no-op steps first
};

// A validator running `expert` (shared by every candidate; reset per episode)
// in an env of its declared action interface.
SeedValidator ExpertValidator(std::shared_ptr<Policy> expert, ExpertBudget budget);

// What a seed list records about the validator: the expert's name, action
// interface and budget, e.g. "oracle (eef_abs), 400 steps after 0 settle steps".
std::string DescribeExpert(const PolicyInfo& expert, ExpertBudget budget);

}  // namespace gauntlet::envs::dualarm
