// Episodes: their stable key, the spec a worker rebuilds one from, and the
// outcome the runner reports.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "harness/event.h"
#include "harness/perturbation.h"

namespace gauntlet {

// (suite, task, variant, init_state, trial_seed) identifies an episode across
// runs, machines, worker counts and shards; paired statistics join on it.
struct EpisodeKey {
  std::string suite;
  std::string task;
  std::string variant = "default";  // perturbation variant; "default" = unperturbed
  int init_state = 0;
  std::uint64_t trial_seed = 0;

  // "libero_spatial/<task>/default/init3/seed7": used for file names and logs.
  std::string ToString() const;
  bool operator<(const EpisodeKey& o) const {
    return std::tie(suite, task, variant, init_state, trial_seed) <
           std::tie(o.suite, o.task, o.variant, o.init_state, o.trial_seed);
  }
  bool operator==(const EpisodeKey& o) const {
    return std::tie(suite, task, variant, init_state, trial_seed) ==
           std::tie(o.suite, o.task, o.variant, o.init_state, o.trial_seed);
  }
};

// Everything a worker needs to rebuild one episode from nothing.
struct EpisodeSpec {
  EpisodeKey key;
  // Set for a perturbed variant (key.variant names it); the family applies it.
  std::optional<Perturbation> perturbation;
  std::string instruction;  // "" = the task's own; else what the policy is told
  int task_index = 0;   // position of the task in its suite
  int settle_steps = 0; // no-op steps before the policy is queried (LIBERO: 10)
  int max_steps = 0;    // policy steps after settling
};

// What the policy is told at reset. The task identity is visible only to
// policies that declare they need it (oracle routing, per-task models).
struct EpisodeContext {
  std::string suite;
  std::string instruction;
  std::string embodiment;
  std::string task;     // empty unless the policy declared needs_task_id
  int task_index = -1;  // -1 unless the policy declared needs_task_id
  int init_state = 0;
  std::uint64_t seed = 0;  // derived from the episode key: use it for any randomness
};

enum class EpisodeStatus { kSuccess, kFailure, kError, kTimeout };
const char* ToString(EpisodeStatus status);

struct EpisodeOutcome {
  EpisodeKey key;
  EpisodeStatus status = EpisodeStatus::kError;
  int steps = 0;            // policy steps executed (settling excluded)
  double wall_s = 0;
  std::string termination;  // why it ended: "goal", "max_steps", or the error reason
  std::string state_hash;   // hex digest of the final simulator state
  std::string video_path;   // empty when no video was written
  int policy_queries = 0;
  double policy_s = 0;      // wall time spent inside Policy::act
  double render_s = 0;      // wall time spent rendering observations
  std::vector<std::vector<double>> actions;  // executed policy actions (settling excluded)
  std::vector<Event> events;  // what the policy reported (on_event), stored in `events`
};

// A 64-bit seed derived from the episode key and a run-level salt, so that any
// random draw depends only on what identifies the episode.
std::uint64_t DeriveSeed(const EpisodeKey& key, std::uint64_t salt);

}  // namespace gauntlet
