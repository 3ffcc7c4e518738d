// The router table: how well a merged model's router picks the expert for
// the task at hand (MergeVLA's task router), from router_decisions rows.
//
//   accuracy   per run and suite: the share of episodes whose first routing
//              decision chose the true task, with n and its interval. A
//              router that decides again every k steps is scored on its
//              first decision (the one the episode is committed to before
//              any feedback); the later decisions are summarised as
//              re-routings: decisions that changed the previous choice, and
//              the episodes that had one.
//   confusion  per run: episodes by true task (rows) and the candidate
//              chosen at the first decision (columns).
//
// Every run with decisions is shown (not only each policy's latest): routers
// are compared run by run. An episode whose decisions record no true task is
// in the confusion matrix as "(unknown)" and left out of the accuracy; a
// decision step where no candidate was chosen reads "(none)".
#pragma once

#include <string>
#include <vector>

#include "harness/episode.h"
#include "harness/result.h"
#include "reports/table_cells.h"
#include "reports/table_layout.h"

namespace gauntlet::reports {

inline constexpr const char* kUnknownTask = "(unknown)";
inline constexpr const char* kNoCandidate = "(none)";

// One episode's routing, summarised from its decisions.
struct RoutedEpisode {
  EpisodeKey key;
  std::string true_task;  // kUnknownTask when no decision records it
  std::string chosen;     // at the first decision; kNoCandidate when none was chosen
  int decisions = 0;
  int reroutings = 0;     // later decisions whose choice differs from the decision before
};

struct RouterTable {
  struct Run {
    std::string policy, run;
    std::vector<RoutedEpisode> episodes;  // ordered by key
  };
  std::vector<Run> runs;  // oldest first; runs without decisions are absent
};

Result<RouterTable> BuildRouterTable(const std::string& db_path);

// An accuracy table (a row per run and suite) and a confusion matrix per run.
// CSV and JSON hold both as tidy records told apart by "record": "accuracy"
// (n = scored episodes, successes = correctly routed; decisions,
// rerouted_episodes, reroutings, unscored) and "confusion" (per true task and
// candidate: n = the true task's episodes, successes = those routed to the
// candidate, so rate is the row's share).
std::string FormatRouterTable(const RouterTable& table, TableFormat format, const IntervalOptions& intervals = {});

}  // namespace gauntlet::reports
