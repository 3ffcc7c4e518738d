// RoboTwin 2.0's expert-validated seeds (robotwin_family.md B.5), the part
// that decides which candidate seeds an evaluation uses:
//
//   seed = first candidate (100000)
//   while fewer than `count` seeds are accepted:
//     build the seed's scene on the embodiment in the setting, settle it
//       (DualarmEnv::ResetToSeed)               -> rejected if it fails to build
//     every free object at rest (CheckAtRest)   -> rejected otherwise (UnStableError)
//     the expert solves it (SeedValidator)      -> rejected otherwise
//     accept; seed += 1
//
// The expert plugs in as a validator (expert_validator.h builds one from the
// family's registered expert); its lists say "passed" and name it. Without
// one a list records expert_validation "pending" and holds scene-validated
// seeds only.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "envs/dualarm/scene_rest.h"
#include "envs/dualarm/seed_list.h"
#include "envs/dualarm/workspace_scene.h"
#include "harness/result.h"

namespace gauntlet::envs::dualarm {

struct DualarmOptions;

// Runs the expert on candidate `seed` of `world` (task, embodiment, setting,
// instructions; no seeds): true when it succeeds. An error rejects the seed
// with its message.
using SeedValidator = std::function<Result<bool>(const DualarmOptions& world, std::uint64_t seed)>;

inline constexpr const char* kExpertPending =
    "pending: no scripted dual-arm expert yet; the seeds are scene-validated only (they build and come to rest)";

struct SeedSearch {
  std::string task;
  std::string embodiment;
  WorkspaceSetting setting = WorkspaceSetting::kClean;
  InstructionSet instructions = InstructionSet::kUnseen;
  int count = kRobotwinTestNum;          // seeds to accept
  std::uint64_t first = kFirstCandidateSeed;
  int max_candidates = 0;                // 0: 20 x count; more is an error naming the rate so far
  RestThresholds rest;
  std::string expert;                    // what validates (DescribeExpert), recorded in the list
};

// The accepted list; fails when the task or embodiment is unknown or too few
// candidates pass within max_candidates.
Result<SeedList> SearchSeeds(const SeedSearch& search, const SeedValidator& expert = nullptr);

}  // namespace gauntlet::envs::dualarm
