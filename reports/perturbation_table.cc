#include "reports/perturbation_table.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <tuple>

#include "harness/perturbation.h"
#include "reports/table_reader.h"

namespace gauntlet::reports {

namespace {

// Column headings as LIBERO-Plus's leaderboard names them.
std::string Heading(const std::string& dimension) {
  static const std::map<std::string, std::string> names = {
      {"camera", "Camera"}, {"robot_init", "Robot"},      {"language", "Language"}, {"light", "Light"},
      {"background", "Background"}, {"noise", "Noise"}, {"layout", "Layout"}};
  auto it = names.find(dimension);
  return it == names.end() ? dimension : it->second;
}

std::optional<Figures> Cell(const PerturbationTable::Row& row, const std::string& key,
                            const IntervalOptions& intervals) {
  auto it = row.cells.find(key);
  if (it == row.cells.end() || it->second.episodes == 0) return std::nullopt;
  return FiguresOf(it->second, intervals);
}

std::optional<Figures> Pooled(const PerturbationTable::Row& row, const IntervalOptions& intervals) {
  EpisodeCounts perturbed;
  for (const auto& [dimension, cell] : row.cells) {
    if (!dimension.empty()) perturbed.Add(cell);
  }
  if (perturbed.episodes == 0) return std::nullopt;
  return FiguresOf(perturbed, intervals);
}

std::optional<ChainLengths> Lengths(const PerturbationTable::Row& row, const std::string& key) {
  auto it = row.chain_lengths.find(key);
  if (it == row.chain_lengths.end() || it->second.chains == 0) return std::nullopt;
  return it->second;
}

std::optional<ChainLengths> PooledLengths(const PerturbationTable::Row& row) {
  ChainLengths perturbed;
  for (const auto& [dimension, lengths] : row.chain_lengths) {
    if (dimension.empty()) continue;
    perturbed.chains += lengths.chains;
    perturbed.completed += lengths.completed;
  }
  if (perturbed.chains == 0) return std::nullopt;
  return perturbed;
}

LayoutCell LengthCell(const std::optional<ChainLengths>& lengths) {
  if (!lengths) return LayoutCell::Text("-");
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", lengths->average());
  return LayoutCell::Text(text);
}

std::string Label(const PerturbationTable::Row& row) { return row.policy + " (" + row.set + ")"; }

std::string Caption(const IntervalOptions& intervals) {
  return "Success rate in % with its " + IntervalDescription(intervals) +
         " per perturbation dimension, counted from each policy's latest run of every suite in the set. Total: all "
         "perturbed episodes pooled (not the mean of the columns); Clean: the unperturbed episodes the set shifts.";
}

std::vector<TableLayout> Layout(const PerturbationTable& t, const IntervalOptions& intervals) {
  TableLayout layout;
  layout.caption = Caption(intervals);
  layout.columns.push_back({"Policy (set)", false, ""});
  for (const auto& d : t.dimensions) layout.columns.push_back({Heading(d), true, ""});
  layout.columns.push_back({"Total", true, ""});
  layout.columns.push_back({"Clean", true, ""});
  for (const auto& row : t.rows) {
    TableLayout::Row out;
    out.cells.push_back(LayoutCell::Text(Label(row)));
    for (const auto& d : t.dimensions) out.cells.push_back(LayoutCell::Rate(Cell(row, d, intervals)));
    out.cells.push_back(LayoutCell::Rate(Pooled(row, intervals)));
    out.cells.push_back(LayoutCell::Rate(Cell(row, "", intervals)));
    layout.rows.push_back(std::move(out));
  }
  TableLayout chains;
  chains.caption =
      "Average chain length per perturbation dimension: the subtasks each chain completed in a row from the first "
      "(CALVIN's Avg. Len.), counted from the runs' subtask rows. A chain counts as a success above only when every "
      "subtask succeeded.";
  chains.columns = layout.columns;
  for (const auto& row : t.rows) {
    if (row.chain_lengths.empty()) continue;
    TableLayout::Row out;
    out.cells.push_back(LayoutCell::Text(Label(row)));
    for (const auto& d : t.dimensions) out.cells.push_back(LengthCell(Lengths(row, d)));
    out.cells.push_back(LengthCell(PooledLengths(row)));
    out.cells.push_back(LengthCell(Lengths(row, "")));
    chains.rows.push_back(std::move(out));
  }
  if (chains.rows.empty()) return {layout};
  return {layout, chains};
}

nlohmann::json Records(const PerturbationTable& t, const IntervalOptions& intervals) {
  nlohmann::json records = nlohmann::json::array();
  for (const auto& row : t.rows) {
    auto add = [&](const std::string& dimension, const std::optional<Figures>& f,
                   const std::optional<ChainLengths>& lengths) {
      if (!f) return;
      nlohmann::json r = {{"policy", row.policy}, {"set", row.set}, {"dimension", dimension}};
      AddFigures(r, *f);
      if (lengths) r["avg_chain_length"] = lengths->average();
      records.push_back(r);
    };
    for (const auto& d : t.dimensions) add(d, Cell(row, d, intervals), Lengths(row, d));
    add("pooled", Pooled(row, intervals), PooledLengths(row));
    add("unperturbed", Cell(row, "", intervals), Lengths(row, ""));
  }
  return records;
}

}  // namespace

Result<PerturbationTable> BuildPerturbationTable(const std::string& db_path) {
  auto reader = TableReader::Open(db_path);
  if (!reader.ok()) return reader.error();
  auto runs = reader.value().ListRuns();
  if (!runs.ok()) return runs.error();
  // Latest run per (policy, set, suite): oldest first, later ones replace.
  std::map<std::tuple<std::string, std::string, std::string>, const results::RunInfo*> latest;
  std::vector<std::pair<std::string, std::string>> order;
  for (const auto& run : runs.value()) {
    const results::RunInfo& info = run.info;
    if (info.perturbation_set.empty()) continue;
    latest[{info.policy_name, info.perturbation_set, info.suite}] = &info;
    const std::pair<std::string, std::string> key{info.policy_name, info.perturbation_set};
    if (std::find(order.begin(), order.end(), key) == order.end()) order.push_back(key);
  }
  PerturbationTable table;
  std::set<std::string> present;
  for (const auto& [policy, set] : order) {
    PerturbationTable::Row row{policy, set, {}, {}, {}};
    for (const auto& [key, run] : latest) {
      if (std::get<0>(key) != policy || std::get<1>(key) != set) continue;
      row.runs.push_back(run->name);
      auto episodes = reader.value().Episodes(run->run_id);
      if (!episodes.ok()) return episodes.error();
      auto subtasks = reader.value().Subtasks(run->run_id);
      if (!subtasks.ok()) return subtasks.error();
      // Rows come ordered by position within an episode: a chain's length
      // grows while its next position is recorded as a success.
      std::map<EpisodeKey, int> length;
      for (const SubtaskRow& s : subtasks.value()) {
        int& l = length[s.key];
        if (s.success && s.position == l) l = s.position + 1;
      }
      const bool chains = !subtasks.value().empty();
      for (const EpisodeRow& e : episodes.value()) {
        row.cells[e.dimension].Add(e.key.suite, e.key.task, e.key.init_state, e.success);
        if (!e.dimension.empty()) present.insert(e.dimension);
        if (chains) {
          ChainLengths& lengths = row.chain_lengths[e.dimension];
          ++lengths.chains;
          auto it = length.find(e.key);
          lengths.completed += it == length.end() ? 0 : it->second;
        }
      }
    }
    table.rows.push_back(std::move(row));
  }
  for (const auto& d : PerturbationDimensions()) {
    if (present.count(d)) table.dimensions.push_back(d);
  }
  return table;
}

std::string FormatPerturbationTable(const PerturbationTable& t, TableFormat format, const IntervalOptions& intervals) {
  static const std::vector<std::string> fields = {"policy",  "set",     "dimension", "n",         "successes", "rate",
                                                  "ci_low",  "ci_high", "ci_method", "avg_chain_length"};
  return FormatTable(Layout(t, intervals), Records(t, intervals), fields, format);
}

}  // namespace gauntlet::reports
