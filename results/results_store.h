// The writer's side of the results database: one SQLite file holding runs,
// the policies they evaluated, finished episodes and their events.
//
// A run is identified by its name. Beginning a run whose name exists resumes
// it if the configuration is the same, so a crashed or interrupted run is
// finished by rerunning the same command; FinishedEpisodes says what to skip.
// An episode row is written only once the episode has finished, one
// transaction per batch, so a crash loses at most the episodes in flight.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "harness/episode.h"
#include "harness/event_sink.h"
#include "harness/result.h"
#include "results/sqlite_handle.h"

namespace gauntlet::results {

struct RunRecord {
  std::string name;            // unique within a database
  std::string suite;
  std::string config_json;     // a JSON object of everything that determines outcomes,
                               // including the policy and its checkpoint: compared on resume
  std::string execution_json;  // how it was executed (workers, video dir, db path): stored only
  std::string git_sha, host, mujoco_version, render_backend, cpu_flags, gauntlet_version;
  int planned_episodes = 0;
};

// Identical records share one row. JSON fields as PolicyInfo has them.
struct PolicyRecord {
  std::string name, kind;
  std::string source;             // checkpoint path, server URL, module:Class; "" for built-ins
  std::string checkpoint_sha256;  // "" when there is no file
  std::string spec_json = "{}";   // declared spec: {"action": ..., "needs": ...}
  std::string adapters_json = "[]";
  std::string settings_json = "{}";
  std::string metadata_json = "{}";
};

struct RunHandle {
  std::int64_t run_id = 0;
  std::int64_t policy_id = 0;  // written with each of this session's episodes
  bool resumed = false;
};

// Move-only; Open hands it out by unique_ptr. Not thread-safe: one writer
// thread per store. Several processes may share a file; SQLite serialises them.
class ResultsStore {
 public:
  // Creates the file if needed and migrates it to the current schema.
  static Result<std::unique_ptr<ResultsStore>> Open(const std::string& path);

  // New name: creates the run. Existing name with the same configuration:
  // marks it running again and returns resumed = true. Otherwise an error that
  // lists the differing configuration keys.
  Result<RunHandle> BeginRun(const RunRecord& run, const PolicyRecord& policy);
  Result<std::set<EpisodeKey>> FinishedEpisodes(std::int64_t run_id) const;
  // All or nothing: an episode key already recorded for the run is an error
  // naming it, and none of the batch is written.
  Status WriteEpisodes(const RunHandle& run, const std::vector<EpisodeOutcome>& outcomes);
  // All or nothing: events of episodes already written for the run (an
  // unrecorded episode is an error naming it). RouterDecision, SubtaskResult
  // and PerturbationApplied go to router_decisions, subtasks and
  // perturbations (one row per variant, which must not change meaning: a
  // different perturbation under a recorded variant is an error); any other
  // kind to `events` with PayloadJson. Episode rows get their events through
  // WriteEpisodes (EpisodeOutcome::events) instead.
  Status WriteEvents(const RunHandle& run,
                     const std::vector<std::pair<EpisodeKey, Event>>& events);
  // completed = false marks the run interrupted; rerunning resumes it.
  Status FinishRun(const RunHandle& run, bool completed);

 private:
  explicit ResultsStore(Database db) : db_(std::move(db)) {}

  Result<std::int64_t> FindOrAddPolicy(const PolicyRecord& policy);
  // The episode's episode_id; empty when the run has no such episode.
  Result<std::optional<std::int64_t>> FindEpisode(std::int64_t run_id, const EpisodeKey& key) const;

  Database db_;
};

}  // namespace gauntlet::results
