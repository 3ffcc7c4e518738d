// The `layout` perturbation rewrites a task before its world is built:
//   shift        every table region that places a free object moves by a
//                distance in (min_cm, max_cm] in a seeded direction (LIBERO-
//                Plus measured (L-1, L] cm at level L); fixtures stay put
//   distractors  `count` grocery items the task never mentions, each on a
//                new small region at a free spot of the table
// The rewritten task gets its initial states generated on the spot from a
// seed of the variant and task (they are not in the suite's files).
#pragma once

#include "envs/tabletop/bddl_task.h"
#include "harness/perturbation.h"
#include "harness/result.h"

namespace gauntlet::envs::tabletop {

// `surface` is the arena's surface target ("main_table", "floor").
Result<BddlTask> ApplyLayout(const BddlTask& task, const Perturbation& layout, const std::string& surface);

}  // namespace gauntlet::envs::tabletop
