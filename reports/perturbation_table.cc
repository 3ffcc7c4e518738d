#include "reports/perturbation_table.h"

#include <algorithm>
#include <set>
#include <sstream>
#include <tuple>

#include "harness/perturbation.h"
#include "results/run_reader.h"

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

std::optional<Figures> Cell(const PerturbationTable::Row& row, const std::string& key) {
  auto it = row.cells.find(key);
  if (it == row.cells.end() || it->second.episodes == 0) return std::nullopt;
  return FromCounts(it->second.successes, it->second.episodes);
}

std::optional<Figures> Pooled(const PerturbationTable::Row& row) {
  int n = 0, s = 0;
  for (const auto& [dimension, cell] : row.cells) {
    if (dimension.empty()) continue;
    n += cell.episodes;
    s += cell.successes;
  }
  if (n == 0) return std::nullopt;
  return FromCounts(s, n);
}

std::string Label(const PerturbationTable::Row& row) { return row.policy + " (" + row.set + ")"; }

std::string Caption() {
  return "Success rate in % with its Wilson 95% interval per perturbation dimension, counted from each policy's "
         "latest run of every suite in the set. Total: all perturbed episodes pooled (not the mean of the "
         "columns); Clean: the unperturbed episodes the set shifts. Marked: fewer than " +
         std::to_string(kFewEpisodes) + " episodes.";
}

nlohmann::json Records(const PerturbationTable& t) {
  nlohmann::json records = nlohmann::json::array();
  for (const auto& row : t.rows) {
    auto add = [&](const std::string& dimension, const std::optional<Figures>& f) {
      if (!f) return;
      nlohmann::json r = {{"policy", row.policy}, {"set", row.set}, {"dimension", dimension}};
      AddFigures(r, *f);
      records.push_back(r);
    };
    for (const auto& d : t.dimensions) add(d, Cell(row, d));
    add("pooled", Pooled(row));
    add("unperturbed", Cell(row, ""));
  }
  return records;
}

}  // namespace

Result<PerturbationTable> BuildPerturbationTable(const std::string& db_path) {
  auto reader = results::RunReader::Open(db_path);
  if (!reader.ok()) return reader.error();
  auto runs = reader.value().ListRuns();
  if (!runs.ok()) return runs.error();
  // Latest run per (policy, set, suite): oldest first, later ones replace.
  std::map<std::tuple<std::string, std::string, std::string>, const results::RunInfo*> latest;
  std::vector<std::pair<std::string, std::string>> order;
  for (const auto& run : runs.value()) {
    if (run.perturbation_set.empty()) continue;
    latest[{run.policy_name, run.perturbation_set, run.suite}] = &run;
    const std::pair<std::string, std::string> key{run.policy_name, run.perturbation_set};
    if (std::find(order.begin(), order.end(), key) == order.end()) order.push_back(key);
  }
  PerturbationTable table;
  std::set<std::string> present;
  for (const auto& [policy, set] : order) {
    PerturbationTable::Row row{policy, set, {}, {}};
    for (const auto& [key, run] : latest) {
      if (std::get<0>(key) != policy || std::get<1>(key) != set) continue;
      row.runs.push_back(run->name);
      auto counts = reader.value().CountByPerturbation(run->run_id);
      if (!counts.ok()) return counts.error();
      for (const auto& c : counts.value()) {
        SuiteCell& cell = row.cells[c.dimension];
        cell.episodes += c.counts.episodes;
        cell.successes += c.counts.successes;
        if (!c.dimension.empty()) present.insert(c.dimension);
      }
    }
    table.rows.push_back(std::move(row));
  }
  for (const auto& d : PerturbationDimensions()) {
    if (present.count(d)) table.dimensions.push_back(d);
  }
  return table;
}

std::string FormatPerturbationTable(const PerturbationTable& t, TableFormat format) {
  std::ostringstream o;
  switch (format) {
    case TableFormat::kMarkdown: {
      o << Caption() << " (\u2020)\n\n| Policy (set) |";
      for (const auto& d : t.dimensions) o << " " << Heading(d) << " |";
      o << " Total | Clean |\n|---|";
      for (size_t i = 0; i < t.dimensions.size() + 2; ++i) o << "---:|";
      o << "\n";
      for (const auto& row : t.rows) {
        o << "| " << MarkdownEscape(Label(row)) << " |";
        for (const auto& d : t.dimensions) o << " " << CellText(Cell(row, d), " \u2020") << " |";
        o << " " << CellText(Pooled(row), " \u2020") << " | " << CellText(Cell(row, ""), " \u2020") << " |\n";
      }
      return o.str();
    }
    case TableFormat::kLatex: {
      o << "% requires \\usepackage{booktabs}\n\\begin{table}[t]\n\\centering\n\\caption{" << LatexEscape(Caption())
        << " ($\\dagger$)}\n\\begin{tabular}{l" << std::string(t.dimensions.size() + 2, 'r')
        << "}\n\\toprule\nPolicy (set)";
      for (const auto& d : t.dimensions) o << " & " << Heading(d);
      o << " & Total & Clean \\\\\n\\midrule\n";
      for (const auto& row : t.rows) {
        o << LatexEscape(Label(row));
        for (const auto& d : t.dimensions) o << " & " << LatexCell(Cell(row, d));
        o << " & " << LatexCell(Pooled(row)) << " & " << LatexCell(Cell(row, "")) << " \\\\\n";
      }
      o << "\\bottomrule\n\\end{tabular}\n\\end{table}\n";
      return o.str();
    }
    case TableFormat::kCsv: {
      o << "policy,set,dimension,n,successes,rate,ci_low,ci_high\n";
      for (const auto& r : Records(t)) {
        o << CsvField(r["policy"]) << "," << CsvField(r["set"]) << "," << CsvField(r["dimension"]) << ","
          << CsvField(r["n"]) << "," << CsvField(r["successes"]) << "," << CsvField(r["rate"]) << ","
          << CsvField(r["ci_low"]) << "," << CsvField(r["ci_high"]) << "\n";
      }
      return o.str();
    }
    case TableFormat::kJson: return Records(t).dump(2) + "\n";
  }
  return "";
}

}  // namespace gauntlet::reports
