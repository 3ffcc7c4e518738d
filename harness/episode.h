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

// One subtask of an instruction chain: its success rule is the family's task
// `task` (defined in `file`, when the family uses files), checked against the
// state at the moment the subtask begins.
struct SubtaskSpec {
  std::string task;         // the family's task name
  std::string file;         // its definition file ("" if the family has none)
  std::string instruction;  // what the policy is told for this subtask
  int max_steps = 0;        // policy steps allowed for it
};

// Everything a worker needs to rebuild one episode from nothing.
struct EpisodeSpec {
  EpisodeKey key;
  // Set for a perturbed variant (key.variant names it); the family applies it.
  std::optional<Perturbation> perturbation;
  std::string instruction;  // "" = the task's own; else what the policy is told
  int task_index = 0;   // position of the task in its suite
  int settle_steps = 0; // no-op steps before the policy is queried (LIBERO: 10)
  int max_steps = 0;    // policy steps after settling (single-goal episodes)
  std::string embodiment;  // the robot the world is built with; "" = the family's default
  // Non-empty: an instruction chain. The subtasks run in order in one world
  // (no reset between them), each with its own instruction and step budget;
  // the episode stops at the first that fails.
  std::vector<SubtaskSpec> chain;
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
  int subtask = 0;         // position in an instruction chain (0 for single-goal episodes)
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
  std::string embodiment;   // the robot the episode ran with (from its Env)
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
