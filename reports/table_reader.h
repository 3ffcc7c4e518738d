// What the publication tables read from a results file beyond RunReader's
// counts: each run's policy metadata, embodiment and world setting, its
// episodes one by one (a cell's clusters), its routing decisions and its
// subtasks. Raw rows only; the tables count them. Read-only, like RunReader,
// whose schema check it shares. Movable, not copyable; one thread at a time.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/episode.h"
#include "harness/result.h"
#include "results/run_reader.h"
#include "results/sqlite_handle.h"

namespace gauntlet::reports {

// The embodiment of a run whose configuration names none: every family so
// far (the tabletop family, LIBERO's) drives a Franka Panda.
inline constexpr const char* kDefaultEmbodiment = "panda";

struct TableRun {
  results::RunInfo info;
  nlohmann::json policy_metadata;  // the policy's metadata_json: an object ({} when not one)
  // Neither episodes nor runs record an embodiment column; the run config's
  // "embodiment" (top level, or in its "suite" object) when a family writes
  // one, else kDefaultEmbodiment.
  std::string embodiment;
  // The run config's "world": {"setting": ...} ("clean", "randomized"): the
  // workspace setting of a family that has them (the dual-arm family's
  // RoboTwin Easy / Hard); "" when the run records none.
  std::string setting;
  // The longest chain in the run config's "chains" (the chains it plays, by
  // subtask names); 0 for a run that plays none.
  int chain_length = 0;
};

struct EpisodeRow {
  EpisodeKey key;
  bool success = false;
  std::string dimension;  // its perturbation dimension; "" for an unperturbed episode
};

// One routing decision of an episode: what the router chose at `step`.
struct RoutingDecision {
  EpisodeKey key;
  int step = 0;
  std::optional<std::string> chosen;     // the candidate with chosen = 1; empty when none was
  std::optional<std::string> true_task;  // empty when the producer did not know it
};

struct SubtaskRow {
  EpisodeKey key;
  int position = 0;  // 0 for a chain's first subtask
  std::string subtask;  // its task name
  bool success = false;
};

class TableReader {
 public:
  static Result<TableReader> Open(const std::string& path);

  const results::RunReader& runs() const { return runs_; }
  // Oldest first.
  Result<std::vector<TableRun>> ListRuns() const;
  // The run's episodes, ordered by key.
  Result<std::vector<EpisodeRow>> Episodes(std::int64_t run_id) const;
  // The run's decisions, ordered by episode key and step. The store keeps a
  // row per candidate; a step with several chosen rows (a producer's error)
  // is read as choosing the first of them by name.
  Result<std::vector<RoutingDecision>> RoutingDecisions(std::int64_t run_id) const;
  // The run's subtask rows with a position, ordered by episode key and position.
  Result<std::vector<SubtaskRow>> Subtasks(std::int64_t run_id) const;

 private:
  TableReader(results::RunReader runs, results::Database db) : runs_(std::move(runs)), db_(std::move(db)) {}

  results::RunReader runs_;
  results::Database db_;  // a second read-only connection for the queries RunReader does not offer
};

}  // namespace gauntlet::reports
