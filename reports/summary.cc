#include "reports/summary.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "harness/text_join.h"
#include "reports/chain_table.h"
#include "reports/table_cells.h"
#include "reports/table_reader.h"
#include "reports/text_table.h"
#include "reports/wilson.h"
#include "results/run_reader.h"

namespace gauntlet::reports {

namespace {

using results::RunInfo;
using results::TaskCounts;

// Wide enough for typical LIBERO task names; longer ones keep both ends.
constexpr std::size_t kTaskNameWidth = 60;

// Task names of a suite often share long words at both ends (LIBERO-Spatial:
// "pick_up_the_black_bowl_..._and_place_it_on_the_plate"); the rows show what
// tells them apart, cut at '_' boundaries, with "…" where text was dropped.
std::vector<std::string> DistinctiveNames(const std::vector<TaskCounts>& tasks) {
  std::vector<std::string> names;
  for (const auto& t : tasks) names.push_back(t.task);
  if (names.size() < 2) return names;
  size_t prefix = names[0].size(), suffix = names[0].size();
  for (const auto& n : names) {
    size_t p = 0, q = 0;
    while (p < prefix && p < n.size() && n[p] == names[0][p]) ++p;
    while (q < suffix && q < n.size() && n[n.size() - 1 - q] == names[0][names[0].size() - 1 - q]) ++q;
    prefix = p;
    suffix = q;
  }
  // Only cut whole words, and keep at least one character of every name.
  while (prefix > 0 && names[0][prefix - 1] != '_') --prefix;
  while (suffix > 0 && names[0][names[0].size() - suffix] != '_') --suffix;
  for (const auto& n : names) {
    if (prefix + suffix >= n.size()) return names;
  }
  if (prefix + suffix < 12) return names;  // not worth the ellipses
  for (auto& n : names) {
    n = std::string(prefix ? "…" : "") + n.substr(prefix, n.size() - prefix - suffix) + (suffix ? "…" : "");
  }
  return names;
}

std::vector<std::string> CountsRow(const std::string& label, const TaskCounts& counts) {
  Interval ci = Wilson95(counts.successes, counts.episodes);
  return {label,
          std::to_string(counts.episodes),
          std::to_string(counts.successes),
          Percent(static_cast<double>(counts.successes) / counts.episodes),
          "[" + Percent(ci.lower) + ", " + Percent(ci.upper) + "]",
          std::to_string(counts.failures),
          std::to_string(counts.errors),
          std::to_string(counts.timeouts)};
}

// The columns CountsRow fills, after a first column named `label`.
std::vector<TextTable::Column> CountsColumns(const std::string& label) {
  using Align = TextTable::Align;
  return {{label, Align::kLeft},          {"n", Align::kRight},        {"success", Align::kRight},
          {"rate %", Align::kRight},      {"Wilson 95% CI", Align::kRight}, {"failures", Align::kRight},
          {"errors", Align::kRight},      {"timeouts", Align::kRight}};
}

void Add(TaskCounts& total, const TaskCounts& c) {
  total.episodes += c.episodes;
  total.successes += c.successes;
  total.failures += c.failures;
  total.errors += c.errors;
  total.timeouts += c.timeouts;
}

// Success per perturbation dimension and level, each dimension's total, all
// perturbed episodes pooled (as LIBERO-Plus totals: over episodes, not the
// mean of dimension rates), and the drop in points against the run's own
// unperturbed episodes, all from counts.
std::string FormatPerturbations(const std::vector<results::PerturbationCounts>& rows) {
  auto columns = CountsColumns("perturbation");
  columns.push_back({"drop (points)", TextTable::Align::kRight});
  TextTable table(columns);
  TaskCounts baseline, pooled;
  for (const auto& r : rows) {
    if (r.dimension.empty()) baseline = r.counts;
  }
  auto row = [&](const std::string& label, const TaskCounts& c) {
    std::vector<std::string> cells = CountsRow(label, c);
    if (baseline.episodes > 0 && c.episodes > 0 && &c != &baseline) {
      const double drop = static_cast<double>(baseline.successes) / baseline.episodes -
                          static_cast<double>(c.successes) / c.episodes;
      cells.push_back(Percent(drop));
    } else {
      cells.push_back("");
    }
    table.AddRow(cells);
  };
  if (baseline.episodes > 0) {
    row("unperturbed", baseline);
    table.AddRule();
  }
  for (size_t i = 0; i < rows.size();) {
    if (rows[i].dimension.empty()) {
      ++i;
      continue;
    }
    TaskCounts dimension_total;
    const std::string dim = rows[i].dimension;
    for (; i < rows.size() && rows[i].dimension == dim; ++i) {
      row(dim + " L" + std::to_string(rows[i].level), rows[i].counts);
      Add(dimension_total, rows[i].counts);
    }
    row(dim + " (all levels)", dimension_total);
    table.AddRule();
    Add(pooled, dimension_total);
  }
  row("all perturbed (pooled)", pooled);
  return table.Render();
}

std::string FormatRun(const RunInfo& run, const std::vector<TaskCounts>& tasks) {
  std::string out = "run " + run.name + " | suite " + run.suite + " | policy " + run.policy_name +
                    " (" + run.policy_kind + ") | " + run.status + " | started " +
                    run.started_at + " | git " + run.git_sha + " | render " +
                    run.render_backend + "\n";
  if (tasks.empty()) {
    out += "no episodes recorded\n";
  } else {
    TextTable table(CountsColumns("task"));
    TaskCounts total;
    const std::vector<std::string> names = DistinctiveNames(tasks);
    for (size_t i = 0; i < tasks.size(); ++i) {
      const TaskCounts& task = tasks[i];
      table.AddRow(CountsRow(TruncateMiddle(names[i], kTaskNameWidth), task));
      Add(total, task);
    }
    table.AddRule();
    table.AddRow(CountsRow("total (" + run.suite + ")", total));
    out += table.Render();
  }
  if (run.recorded_episodes < run.planned_episodes) {
    out += std::to_string(run.recorded_episodes) + "/" + std::to_string(run.planned_episodes) +
           " episodes; ";
    // A run still marked running may be live: resuming it then would race it.
    out += run.status == "running"
               ? "run is running; if its process died, rerun the same command to resume\n"
               : "run is " + run.status + " \u2014 rerun the same command to resume\n";
  }
  return out;
}

// A run's chains as the chain tables of `report --table chains` count them
// (the same counts and Wilson intervals): completed in a row 1..N, the
// average length with the exact sum it divides, and the per-task success.
std::string FormatChains(const RunChains& run) {
  using Align = TextTable::Align;
  const IntervalOptions wilson;
  auto figures_row = [&](const std::string& label, const EpisodeCounts& counts) {
    const Figures f = FiguresOf(counts, wilson);
    return std::vector<std::string>{label, std::to_string(counts.episodes), std::to_string(counts.successes),
                                    Percent(f.rate),
                                    "[" + Percent(f.interval->lower) + ", " + Percent(f.interval->upper) + "]"};
  };
  std::string out = "chains: " + std::to_string(run.chains.size()) + ", planned length " +
                    std::to_string(run.length) + "\n";
  TextTable in_a_row({{"completed in a row", Align::kLeft}, {"chains", Align::kRight}, {"success", Align::kRight},
                      {"rate %", Align::kRight}, {"Wilson 95% CI", Align::kRight}});
  for (int k = 1; k <= run.length; ++k) in_a_row.AddRow(figures_row(std::to_string(k), CompletedInARow(run, k)));
  out += in_a_row.Render();
  int successful = 0;
  for (const auto& chain : run.chains) successful += chain.second;
  char average[64];
  std::snprintf(average, sizeof average, "%.2f", AverageLength(run));
  out += "average length " + std::string(average) + " (" + std::to_string(successful) + " subtasks done / " +
         std::to_string(run.chains.size()) + " chains)\n";
  if (!run.tasks.empty()) {
    // CALVIN's per-task count: total = successes + the chain-breaking failures.
    TextTable tasks({{"chain task", Align::kLeft}, {"total", Align::kRight}, {"success", Align::kRight},
                     {"rate %", Align::kRight}, {"Wilson 95% CI", Align::kRight}});
    for (const auto& [task, counts] : run.tasks) tasks.AddRow(figures_row(TruncateMiddle(task, kTaskNameWidth), counts));
    out += tasks.Render();
  }
  if (run.unattributed > 0) {
    out += std::to_string(run.unattributed) +
           " chain(s) ended without a failed subtask row (an error or timeout before it): in the in-a-row "
           "rates at their recorded length, charged to no task\n";
  }
  return out;
}

}  // namespace

Result<std::string> FormatSummary(const std::string& db_path, const SummaryOptions& options) {
  Result<TableReader> reader = TableReader::Open(db_path);
  if (!reader.ok()) return reader.error();
  const results::RunReader& counts = reader.value().runs();
  Result<std::vector<TableRun>> runs = reader.value().ListRuns();
  if (!runs.ok()) return runs.error();

  std::string out;
  std::vector<std::string> names;
  for (const TableRun& table_run : runs.value()) {
    const RunInfo& run = table_run.info;
    names.push_back(run.name);
    if (!options.run_name.empty() && run.name != options.run_name) continue;
    Result<std::vector<TaskCounts>> tasks = counts.CountByTask(run.run_id);
    if (!tasks.ok()) return tasks.error();
    out += (out.empty() ? "" : "\n") + FormatRun(run, tasks.value());
    Result<std::vector<results::PerturbationCounts>> perturbed = counts.CountByPerturbation(run.run_id);
    if (!perturbed.ok()) return perturbed.error();
    const bool any = std::any_of(perturbed.value().begin(), perturbed.value().end(),
                                 [](const auto& r) { return !r.dimension.empty(); });
    if (any) out += FormatPerturbations(perturbed.value());
    Result<std::optional<RunChains>> chains = CountRunChains(reader.value(), table_run);
    if (!chains.ok()) return chains.error();
    if (chains.value() && !chains.value()->chains.empty()) out += FormatChains(*chains.value());
  }
  if (out.empty() && !options.run_name.empty()) {
    const std::string known = JoinText(names, ", ");
    return Error{db_path + ": no run named '" + options.run_name + "' (runs: " + (known.empty() ? "none" : known) +
                 ")"};
  }
  if (out.empty()) return "no runs in " + db_path + "\n";
  return out;
}

}  // namespace gauntlet::reports
