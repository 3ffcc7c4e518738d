#include "reports/suite_table.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "reports/table_cells.h"
#include "results/run_reader.h"

namespace gauntlet::reports {

namespace {

const char* const kLiberoOrder[] = {"libero_spatial", "libero_object", "libero_goal", "libero_10"};

// The row's two averages: of the per-suite rates (every suite present), and pooled.
std::optional<Figures> AverageOfRates(const SuiteTable& table, const SuiteTable::Row& row) {
  double sum = 0;
  for (const std::string& suite : table.suites) {
    auto it = row.cells.find(suite);
    if (it == row.cells.end() || it->second.episodes == 0) return std::nullopt;
    sum += static_cast<double>(it->second.successes) / it->second.episodes;
  }
  if (table.suites.empty()) return std::nullopt;
  Figures f;
  f.rate = sum / table.suites.size();
  return f;
}

Figures Pooled(const SuiteTable::Row& row) {
  int n = 0, s = 0;
  for (const auto& [suite, cell] : row.cells) {
    n += cell.episodes;
    s += cell.successes;
  }
  return FromCounts(s, n);
}

std::optional<Figures> CellFigures(const SuiteTable::Row& row, const std::string& suite) {
  auto it = row.cells.find(suite);
  if (it == row.cells.end()) return std::nullopt;
  return FromCounts(it->second.successes, it->second.episodes);
}

std::string Caption() {
  return "Success rate in % with its Wilson 95% interval, counted from the episodes of each policy's latest run "
         "on each suite. Avg: the mean of the per-suite rates (only where every suite was run); Pooled: all "
         "episodes counted together. Marked: fewer than " +
         std::to_string(kFewEpisodes) + " episodes.";
}

std::string Markdown(const SuiteTable& t) {
  const auto escape = MarkdownEscape;
  std::ostringstream o;
  o << Caption() << " (\u2020)\n\n| Policy |";
  for (const auto& s : t.suites) o << " " << escape(SuiteLabel(s)) << " |";
  o << " Avg | Pooled |\n|---|";
  for (size_t i = 0; i < t.suites.size() + 2; ++i) o << "---:|";
  o << "\n";
  for (const auto& row : t.rows) {
    o << "| " << escape(row.policy) << " |";
    for (const auto& s : t.suites) o << " " << CellText(CellFigures(row, s), " \u2020") << " |";
    o << " " << CellText(AverageOfRates(t, row), "") << " | " << CellText(Pooled(row), " \u2020") << " |\n";
  }
  return o.str();
}

std::string Latex(const SuiteTable& t) {
  const auto cell = LatexCell;
  std::ostringstream o;
  o << "% requires \\usepackage{booktabs}\n\\begin{table}[t]\n\\centering\n\\caption{" << LatexEscape(Caption())
    << " ($\\dagger$)}\n\\begin{tabular}{l" << std::string(t.suites.size() + 2, 'r') << "}\n\\toprule\nPolicy";
  for (const auto& s : t.suites) o << " & " << LatexEscape(SuiteLabel(s));
  o << " & Avg & Pooled \\\\\n\\midrule\n";
  for (const auto& row : t.rows) {
    o << LatexEscape(row.policy);
    for (const auto& s : t.suites) o << " & " << cell(CellFigures(row, s));
    o << " & " << cell(AverageOfRates(t, row)) << " & " << cell(Pooled(row)) << " \\\\\n";
  }
  o << "\\bottomrule\n\\end{tabular}\n\\end{table}\n";
  return o.str();
}

// One tidy record per cell.
nlohmann::json Records(const SuiteTable& t) {
  nlohmann::json records = nlohmann::json::array();
  auto add = [&](const std::string& policy, const std::string& suite, const std::string& run,
                 const std::optional<Figures>& f) {
    if (!f) return;
    nlohmann::json r = {{"policy", policy}, {"suite", suite}, {"run", run}};
    AddFigures(r, *f);
    records.push_back(r);
  };
  for (const auto& row : t.rows) {
    for (const auto& s : t.suites) {
      auto it = row.cells.find(s);
      add(row.policy, s, it == row.cells.end() ? "" : it->second.run, CellFigures(row, s));
    }
    add(row.policy, "avg", "", AverageOfRates(t, row));
    add(row.policy, "pooled", "", Pooled(row));
  }
  return records;
}

std::string Csv(const SuiteTable& t) {
  const auto quote = CsvQuote;
  const auto field = CsvField;
  std::ostringstream o;
  o << "policy,suite,run,n,successes,rate,ci_low,ci_high\n";
  for (const auto& r : Records(t)) {
    o << quote(r["policy"].get<std::string>()) << "," << quote(r["suite"].get<std::string>()) << ","
      << quote(r["run"].get<std::string>()) << "," << field(r["n"]) << "," << field(r["successes"]) << ","
      << field(r["rate"]) << "," << field(r["ci_low"]) << "," << field(r["ci_high"]) << "\n";
  }
  return o.str();
}

}  // namespace

std::string SuiteLabel(const std::string& suite) {
  if (suite == "libero_spatial") return "Spatial";
  if (suite == "libero_object") return "Object";
  if (suite == "libero_goal") return "Goal";
  if (suite == "libero_10") return "Long";
  return suite;
}

Result<TableFormat> ParseTableFormat(const std::string& name) {
  if (name == "md") return TableFormat::kMarkdown;
  if (name == "latex") return TableFormat::kLatex;
  if (name == "csv") return TableFormat::kCsv;
  if (name == "json") return TableFormat::kJson;
  return Error{"unknown table format '" + name + "' (known: md, latex, csv, json)"};
}

Result<SuiteTable> BuildSuiteTable(const std::string& db_path) {
  auto reader = results::RunReader::Open(db_path);
  if (!reader.ok()) return reader.error();
  auto runs = reader.value().ListRuns();
  if (!runs.ok()) return runs.error();
  SuiteTable table;
  std::vector<std::string> other_suites;
  for (const results::RunInfo& run : runs.value()) {  // oldest first: a later run replaces an earlier one
    if (!run.perturbation_set.empty()) continue;  // the perturbation table's
    auto counts = reader.value().CountByTask(run.run_id);
    if (!counts.ok()) return counts.error();
    SuiteCell cell{run.name, 0, 0};
    for (const auto& task : counts.value()) {
      cell.episodes += task.episodes;
      cell.successes += task.successes;
    }
    if (cell.episodes == 0) continue;
    auto row = std::find_if(table.rows.begin(), table.rows.end(),
                            [&](const SuiteTable::Row& r) { return r.policy == run.policy_name; });
    if (row == table.rows.end()) row = table.rows.insert(table.rows.end(), {run.policy_name, {}});
    row->cells[run.suite] = cell;
    if (std::find(std::begin(kLiberoOrder), std::end(kLiberoOrder), run.suite) == std::end(kLiberoOrder) &&
        std::find(other_suites.begin(), other_suites.end(), run.suite) == other_suites.end()) {
      other_suites.push_back(run.suite);
    }
  }
  for (const char* suite : kLiberoOrder) {
    for (const auto& row : table.rows) {
      if (row.cells.count(suite)) {
        table.suites.emplace_back(suite);
        break;
      }
    }
  }
  table.suites.insert(table.suites.end(), other_suites.begin(), other_suites.end());
  return table;
}

std::string FormatSuiteTable(const SuiteTable& table, TableFormat format) {
  switch (format) {
    case TableFormat::kMarkdown: return Markdown(table);
    case TableFormat::kLatex: return Latex(table);
    case TableFormat::kCsv: return Csv(table);
    case TableFormat::kJson: return Records(table).dump(2) + "\n";
  }
  return "";
}

}  // namespace gauntlet::reports
