#include "envs/dualarm/seed_search.h"

#include <cstdio>
#include <exception>

#include "envs/dualarm/dualarm_env.h"

namespace gauntlet::envs::dualarm {

namespace {

std::string RestReason(const RestReport& rest) {
  char text[160];
  std::snprintf(text, sizeof text, "not at rest: %s moving (%.3g m/s, %.3g rad/s)", rest.fastest_body.c_str(),
                rest.max_linear_speed, rest.max_angular_speed);
  return text;
}

}  // namespace

Result<SeedList> SearchSeeds(const SeedSearch& search, const SeedValidator& expert) {
  if (search.count <= 0) return Error{"seed search for " + search.task + ": count must be > 0"};
  DualarmOptions options;
  options.task = search.task;
  options.embodiment = search.embodiment;
  options.setting = search.setting;
  options.instructions = search.instructions;
  options.render.width = options.render.height = 1;  // never renders
  auto created = DualarmEnv::Create(options);
  if (!created.ok()) return created.error();
  DualarmEnv& env = *created.value();

  SeedList list;
  list.task = search.task;
  list.embodiment = search.embodiment;
  list.setting = SettingName(search.setting);
  list.first_candidate = search.first;
  list.checks = {"scene_builds", "at_rest_after_settle"};
  if (expert) list.checks.push_back("expert_succeeds");
  list.expert_validation = expert ? "passed" : kExpertPending;
  if (expert) list.expert = search.expert;
  list.settle_seconds = kSettleSeconds;
  list.rest_linear_speed = search.rest.linear_speed;
  list.rest_angular_speed = search.rest.angular_speed;
  const int max_candidates = search.max_candidates > 0 ? search.max_candidates : 20 * search.count;
  for (std::uint64_t seed = search.first; static_cast<int>(list.seeds.size()) < search.count; ++seed) {
    if (list.candidates_tried == max_candidates) {
      return Error{"seed search for " + search.task + " on " + search.embodiment + " (" + list.setting + "): only " +
                   std::to_string(list.seeds.size()) + " of " + std::to_string(max_candidates) +
                   " candidates accepted, " + std::to_string(search.count) + " needed"};
    }
    ++list.candidates_tried;
    std::string reason;
    try {
      if (Status s = env.ResetToSeed(seed); !s.ok()) {
        reason = "scene: " + s.message();
      } else if (const RestReport rest = CheckAtRest(env.model(), env.data(), search.rest); !rest.at_rest) {
        reason = RestReason(rest);
      } else if (expert) {
        Result<bool> solved = expert(options, seed);
        if (!solved.ok()) reason = "expert: " + solved.error().message;
        else if (!solved.value()) reason = "expert failed";
      }
    } catch (const std::exception& e) {  // RoboTwin skips a seed whose setup raises anything
      reason = std::string("scene: ") + e.what();
    }
    if (reason.empty()) list.seeds.push_back(seed);
    else list.rejected.push_back({seed, reason});
  }
  return list;
}

}  // namespace gauntlet::envs::dualarm
