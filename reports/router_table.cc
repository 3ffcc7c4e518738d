#include "reports/router_table.h"

#include <map>
#include <set>

#include "reports/table_reader.h"

namespace gauntlet::reports {

namespace {

// A run's figures for one suite.
struct SuiteRouting {
  EpisodeCounts correct;  // scored episodes; a success = routed to the true task
  int unscored = 0, decisions = 0, rerouted_episodes = 0, reroutings = 0;
};

std::map<std::string, SuiteRouting> BySuite(const RouterTable::Run& run) {
  std::map<std::string, SuiteRouting> suites;
  for (const RoutedEpisode& e : run.episodes) {
    SuiteRouting& s = suites[e.key.suite];
    s.decisions += e.decisions;
    s.reroutings += e.reroutings;
    s.rerouted_episodes += e.reroutings > 0;
    if (e.true_task == kUnknownTask) {
      ++s.unscored;
    } else {
      s.correct.Add(e.key.suite, e.key.task, e.key.init_state, e.chosen == e.true_task);
    }
  }
  return suites;
}

// Rows: the true tasks present; columns: every true task and chosen candidate.
struct Confusion {
  std::vector<std::string> true_tasks, candidates;
  // (true task, candidate) -> the true task's episodes, a success = routed to the candidate.
  std::map<std::pair<std::string, std::string>, EpisodeCounts> cells;
};

Confusion ConfusionOf(const RouterTable::Run& run) {
  std::set<std::string> true_tasks, candidates;
  for (const RoutedEpisode& e : run.episodes) {
    true_tasks.insert(e.true_task);
    candidates.insert(e.chosen);
    if (e.true_task != kUnknownTask) candidates.insert(e.true_task);
  }
  Confusion c{{true_tasks.begin(), true_tasks.end()}, {candidates.begin(), candidates.end()}, {}};
  for (const RoutedEpisode& e : run.episodes) {
    for (const std::string& candidate : c.candidates) {
      c.cells[{e.true_task, candidate}].Add(e.key.suite, e.key.task, e.key.init_state, e.chosen == candidate);
    }
  }
  return c;
}

std::vector<TableLayout> Layout(const RouterTable& t, const IntervalOptions& intervals) {
  TableLayout accuracy;
  accuracy.caption = "Routing accuracy in %: the share of episodes whose first routing decision chose the true task, "
                     "with its " + IntervalDescription(intervals) +
                     ". A router that decides again every k steps is scored on its first decision; Re-routed: "
                     "episodes in which a later decision changed the choice; Re-routings: such changes in all. "
                     "Scored: the episodes whose decisions record their true task.";
  accuracy.columns = {{"Policy", false, ""},  {"Run", false, ""},       {"Suite", false, ""},
                      {"Scored", true, ""},   {"Accuracy", true, ""},   {"Decisions", true, ""},
                      {"Re-routed", true, ""}, {"Re-routings", true, ""}};
  std::vector<TableLayout> layouts = {accuracy};
  for (const auto& run : t.runs) {
    for (const auto& [suite, s] : BySuite(run)) {
      std::optional<Figures> f;
      if (s.correct.episodes > 0) f = FiguresOf(s.correct, intervals);
      layouts[0].rows.push_back(
          {"",
           {LayoutCell::Text(run.policy), LayoutCell::Text(run.run), LayoutCell::Text(suite),
            LayoutCell::Text(std::to_string(s.correct.episodes)), LayoutCell::Rate(f),
            LayoutCell::Text(std::to_string(s.decisions)), LayoutCell::Text(std::to_string(s.rerouted_episodes)),
            LayoutCell::Text(std::to_string(s.reroutings))}});
    }
    const Confusion c = ConfusionOf(run);
    TableLayout confusion;
    confusion.caption = "Router confusion of run " + run.run + " (policy " + run.policy +
                        "): episodes by true task (rows) and the candidate chosen at their first decision (columns).";
    confusion.columns.push_back({"True task", false, ""});
    for (const auto& candidate : c.candidates) confusion.columns.push_back({candidate, true, "Chosen"});
    for (const auto& true_task : c.true_tasks) {
      TableLayout::Row row{"", {LayoutCell::Text(true_task)}};
      for (const auto& candidate : c.candidates) {
        row.cells.push_back(LayoutCell::Text(std::to_string(c.cells.at({true_task, candidate}).successes)));
      }
      confusion.rows.push_back(std::move(row));
    }
    layouts.push_back(std::move(confusion));
  }
  return layouts;
}

nlohmann::json Records(const RouterTable& t, const IntervalOptions& intervals) {
  nlohmann::json records = nlohmann::json::array();
  for (const auto& run : t.runs) {
    for (const auto& [suite, s] : BySuite(run)) {
      nlohmann::json r = {{"record", "accuracy"},
                          {"policy", run.policy},
                          {"run", run.run},
                          {"suite", suite},
                          {"decisions", s.decisions},
                          {"rerouted_episodes", s.rerouted_episodes},
                          {"reroutings", s.reroutings},
                          {"unscored", s.unscored}};
      AddFigures(r, FiguresOf(s.correct, intervals));
      records.push_back(r);
    }
    const Confusion c = ConfusionOf(run);
    for (const auto& [cell, counts] : c.cells) {
      nlohmann::json r = {{"record", "confusion"}, {"policy", run.policy}, {"run", run.run},
                          {"true_task", cell.first}, {"chosen", cell.second}};
      AddFigures(r, FiguresOf(counts, intervals));
      records.push_back(r);
    }
  }
  return records;
}

}  // namespace

Result<RouterTable> BuildRouterTable(const std::string& db_path) {
  auto reader = TableReader::Open(db_path);
  if (!reader.ok()) return reader.error();
  auto runs = reader.value().ListRuns();
  if (!runs.ok()) return runs.error();
  RouterTable table;
  for (const TableRun& run : runs.value()) {
    auto decisions = reader.value().RoutingDecisions(run.info.run_id);
    if (!decisions.ok()) return decisions.error();
    if (decisions.value().empty()) continue;
    RouterTable::Run out{run.info.policy_name, run.info.name, {}};
    std::string previous;  // the episode's choice at its decision before
    for (const RoutingDecision& d : decisions.value()) {  // by episode, then step
      const std::string chosen = d.chosen.value_or(kNoCandidate);
      if (out.episodes.empty() || !(out.episodes.back().key == d.key)) {
        out.episodes.push_back({d.key, d.true_task.value_or(kUnknownTask), chosen, 1, 0});
      } else {
        RoutedEpisode& e = out.episodes.back();
        if (e.true_task == kUnknownTask && d.true_task) e.true_task = *d.true_task;
        ++e.decisions;
        // Against the decision before, not the first: choosing A, B, A is two re-routings.
        e.reroutings += chosen != previous;
      }
      previous = chosen;
    }
    table.runs.push_back(std::move(out));
  }
  return table;
}

std::string FormatRouterTable(const RouterTable& table, TableFormat format, const IntervalOptions& intervals) {
  static const std::vector<std::string> fields = {
      "record",  "policy",  "run",       "suite",     "true_task", "chosen",            "n",          "successes",
      "rate",    "ci_low",  "ci_high",   "ci_method", "decisions", "rerouted_episodes", "reroutings", "unscored"};
  return FormatTable(Layout(table, intervals), Records(table, intervals), fields, format);
}

}  // namespace gauntlet::reports
