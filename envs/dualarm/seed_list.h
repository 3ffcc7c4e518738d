// The accepted seed list of one (task, embodiment, setting): which candidate
// seeds an episode's initial state index points to, and how they were chosen
// (RoboTwin 2.0's eval protocol, robotwin_family.md B.5: candidates from a
// fixed start, a seed kept only when its scene is stable and the expert
// solves it). Stored as JSON under suites/robotwin/seeds/<setting>/<embodiment>/<task>.json:
//
//   format             "gauntlet/dualarm_seeds/v1"
//   task, embodiment, setting
//   first_candidate    100000 (RoboTwin's st_seed for its CLI seed 0)
//   candidates_tried   candidates examined until `seeds` was full
//   acceptance_rate    seeds / candidates_tried
//   checks             what a kept seed passed, in order
//   expert_validation  "passed" or "pending: ..." when no expert checked them
//   expert             which expert, interface and step budget (only when passed)
//   settle_seconds, rest_linear_speed, rest_angular_speed   the stability check
//   rejected           [{seed, reason}] of every candidate turned down
//   seeds              the accepted seeds, in candidate order
//
// The list is a prefix-stable sequence: the first n seeds of a longer list
// are the n-seed list, so suites of 50 and 100 trials share one file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/result.h"

namespace gauntlet::envs::dualarm {

inline constexpr const char* kSeedListFormat = "gauntlet/dualarm_seeds/v1";
inline constexpr std::uint64_t kFirstCandidateSeed = 100000;  // RoboTwin's st_seed = 100000 (1 + 0)
inline constexpr int kRobotwinTestNum = 100;                  // RoboTwin's episodes per task and setting

struct RejectedSeed {
  std::uint64_t seed = 0;
  std::string reason;
};

struct SeedList {
  std::string task;
  std::string embodiment;
  std::string setting;  // "clean", "randomized"
  std::uint64_t first_candidate = kFirstCandidateSeed;
  int candidates_tried = 0;
  std::vector<std::string> checks;
  std::string expert_validation;
  std::string expert;  // "" when pending
  double settle_seconds = 0;
  double rest_linear_speed = 0;   // m/s
  double rest_angular_speed = 0;  // rad/s
  std::vector<RejectedSeed> rejected;
  std::vector<std::uint64_t> seeds;

  double acceptance_rate() const {
    return candidates_tried > 0 ? static_cast<double>(seeds.size()) / candidates_tried : 0.0;
  }
};

// Same list => same bytes (keys sorted, fixed indentation, trailing newline).
std::string SeedListJson(const SeedList& list);
Status SaveSeedList(const SeedList& list, const std::string& path);
// Errors name the file and the field that is missing or wrong.
Result<SeedList> LoadSeedList(const std::string& path);

// Where embodiment `embodiment`'s list of a task lives, given the path a
// suite lists for it: lists sit in one folder per embodiment, so the other
// embodiments' lists are siblings of the listed file's folder
// (.../clean/aloha/t.json -> .../clean/piper/t.json).
std::string SeedListPathFor(const std::string& listed, const std::string& embodiment);

}  // namespace gauntlet::envs::dualarm
