#include "reports/suite_table.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>

#include "harness/text_join.h"
#include "reports/table_reader.h"

namespace gauntlet::reports {

namespace {

const char* const kLiberoOrder[] = {"libero_spatial", "libero_object", "libero_goal", "libero_10"};
const char* const kReferenceHeading = "Single-task fine-tuned (references)";
const char* const kMergedHeading = "Merged";

// The row's two averages: of the per-suite rates (every suite present), and pooled.
std::optional<Figures> AverageOfRates(const SuiteTable& table, const SuiteTable::Row& row) {
  double sum = 0;
  for (const std::string& suite : table.suites) {
    auto it = row.cells.find(suite);
    if (it == row.cells.end() || it->second.counts.episodes == 0) return std::nullopt;
    sum += static_cast<double>(it->second.counts.successes) / it->second.counts.episodes;
  }
  if (table.suites.empty()) return std::nullopt;
  Figures f;
  f.rate = sum / table.suites.size();
  return f;
}

Figures Pooled(const SuiteTable::Row& row, const IntervalOptions& intervals) {
  EpisodeCounts all;
  for (const auto& [suite, cell] : row.cells) all.Add(cell.counts);
  return FiguresOf(all, intervals);
}

std::optional<Figures> CellFigures(const SuiteTable::Row& row, const std::string& suite,
                                   const IntervalOptions& intervals) {
  auto it = row.cells.find(suite);
  if (it == row.cells.end()) return std::nullopt;
  return FiguresOf(it->second.counts, intervals);
}

bool HasMergedRows(const SuiteTable& t) {
  return std::any_of(t.rows.begin(), t.rows.end(), [](const SuiteTable::Row& r) { return r.merged; });
}

// A merged policy's metadata value as text; kNotRecorded when absent.
std::string MetadataText(const nlohmann::json& metadata, const char* key) {
  auto it = metadata.find(key);
  if (it == metadata.end() || it->is_null()) return kNotRecorded;
  return it->is_string() ? it->get<std::string>() : it->dump();
}

// Marks `row` merged with the merge of `run`'s policy, or a reference when
// that policy is not merged. A named row is merged when all its runs are;
// where they differ, a merge column lists their values joined by " / ".
void AddMerge(SuiteTable::Row& row, const TableRun& run, bool first_run) {
  const bool merged = run.info.policy_kind == "merged";
  row.merged = merged && (first_run || row.merged);
  if (!row.merged) {
    row.merge_method = row.merged_parts = row.route = kNotRecorded;
    return;
  }
  const std::pair<std::string*, const char*> columns[] = {
      {&row.merge_method, "merge_method"}, {&row.merged_parts, "merged_parts"}, {&row.route, "route"}};
  for (const auto& [text, key] : columns) {
    const std::string value = MetadataText(run.policy_metadata, key);
    if (first_run) {
      *text = value;
    } else if (("/ " + *text + " /").find("/ " + value + " /") == std::string::npos) {  // not listed yet
      *text += " / " + value;
    }
  }
}

std::string Caption(const SuiteTable& t, const IntervalOptions& intervals) {
  std::string caption = "Success rate in % with its " + IntervalDescription(intervals) +
                        ", counted from the episodes of each policy's latest run on each suite. Avg: the mean of the "
                        "per-suite rates (only where every suite was run); Pooled: all episodes counted together.";
  if (HasMergedRows(t)) {
    caption += " Merge, Parts, Route: the merged policy's merge method, merged parameters and routing, as its "
               "metadata records them (" + std::string(kNotRecorded) + " where it does not).";
  }
  for (const auto& row : t.rows) {
    if (!row.combined) continue;
    std::vector<std::string> runs;
    for (const auto& suite : t.suites) {
      if (row.cells.count(suite)) runs.push_back(row.cells.at(suite).run);
    }
    caption += " " + row.policy + ": runs " + JoinText(runs, ", ") + ".";
  }
  return caption;
}

std::string Group(const SuiteTable::Row& row) { return row.merged ? "merged" : "reference"; }

std::vector<TableLayout> Layout(const SuiteTable& t, const IntervalOptions& intervals) {
  const bool grouped = HasMergedRows(t);
  TableLayout layout;
  layout.caption = Caption(t, intervals);
  layout.columns.push_back({"Policy", false, ""});
  if (grouped) {
    for (const char* heading : {"Merge", "Parts", "Route"}) layout.columns.push_back({heading, false, ""});
  }
  for (const auto& s : t.suites) layout.columns.push_back({SuiteLabel(s), true, ""});
  layout.columns.push_back({"Avg", true, ""});
  layout.columns.push_back({"Pooled", true, ""});
  for (const auto& row : t.rows) {
    TableLayout::Row out;
    if (grouped) out.group = row.merged ? kMergedHeading : kReferenceHeading;
    out.cells.push_back(LayoutCell::Text(row.policy));
    if (grouped) {
      for (const std::string* text : {&row.merge_method, &row.merged_parts, &row.route}) {
        out.cells.push_back(LayoutCell::Text(*text));
      }
    }
    for (const auto& s : t.suites) out.cells.push_back(LayoutCell::Rate(CellFigures(row, s, intervals)));
    out.cells.push_back(LayoutCell::Rate(AverageOfRates(t, row)));
    out.cells.push_back(LayoutCell::Rate(Pooled(row, intervals)));
    layout.rows.push_back(std::move(out));
  }
  return {layout};
}

// One tidy record per cell.
nlohmann::json Records(const SuiteTable& t, const IntervalOptions& intervals) {
  nlohmann::json records = nlohmann::json::array();
  for (const auto& row : t.rows) {
    auto add = [&](const std::string& suite, const std::string& run, const std::optional<Figures>& f) {
      if (!f) return;
      nlohmann::json r = {{"policy", row.policy}, {"suite", suite}, {"run", run}, {"group", Group(row)},
                          {"merge_method", row.merge_method}, {"merged_parts", row.merged_parts},
                          {"route", row.route}};
      AddFigures(r, *f);
      records.push_back(r);
    };
    for (const auto& s : t.suites) {
      auto it = row.cells.find(s);
      add(s, it == row.cells.end() ? "" : it->second.run, CellFigures(row, s, intervals));
    }
    add("avg", "", AverageOfRates(t, row));
    add("pooled", "", Pooled(row, intervals));
  }
  return records;
}

}  // namespace

Result<NamedRow> ParseNamedRow(const std::string& text) {
  const size_t eq = text.find('=');
  NamedRow row;
  if (eq != std::string::npos) {
    row.name = text.substr(0, eq);
    std::istringstream runs(text.substr(eq + 1));
    for (std::string run; std::getline(runs, run, ',');) {
      if (!run.empty()) row.runs.push_back(run);
    }
  }
  if (row.name.empty() || row.runs.empty()) {
    return Error{"--row '" + text + "': expected NAME=RUN,RUN,... (e.g. \"Single-task experts=spatial-ft,object-ft\")"};
  }
  return row;
}

std::string SuiteLabel(const std::string& suite) {
  if (suite == "libero_spatial") return "Spatial";
  if (suite == "libero_object") return "Object";
  if (suite == "libero_goal") return "Goal";
  if (suite == "libero_10") return "Long";
  return suite;
}

Result<SuiteTable> BuildSuiteTable(const std::string& db_path, const std::vector<NamedRow>& named_rows) {
  auto reader = TableReader::Open(db_path);
  if (!reader.ok()) return reader.error();
  auto runs = reader.value().ListRuns();
  if (!runs.ok()) return runs.error();
  auto count = [&](const TableRun& run) -> Result<SuiteCell> {
    auto episodes = reader.value().Episodes(run.info.run_id);
    if (!episodes.ok()) return episodes.error();
    SuiteCell cell{run.info.name, {}};
    for (const EpisodeRow& e : episodes.value()) cell.counts.Add(e.key.suite, e.key.task, e.key.init_state, e.success);
    return cell;
  };

  SuiteTable table;
  std::vector<std::string> other_suites;  // beyond LIBERO's, in order of their first cell
  auto note_suite = [&](const std::string& suite) {
    if (std::find(std::begin(kLiberoOrder), std::end(kLiberoOrder), suite) == std::end(kLiberoOrder) &&
        std::find(other_suites.begin(), other_suites.end(), suite) == other_suites.end()) {
      other_suites.push_back(suite);
    }
  };
  std::vector<SuiteTable::Row> references, merged;  // the named rows first in each
  std::set<std::pair<std::string, std::string>> claimed;  // (policy, suite) cells of named rows
  for (const NamedRow& named : named_rows) {
    SuiteTable::Row row;
    row.policy = named.name;
    row.combined = true;
    for (const std::string& name : named.runs) {
      auto run = std::find_if(runs.value().begin(), runs.value().end(),
                              [&](const TableRun& r) { return r.info.name == name; });
      if (run == runs.value().end()) {
        std::vector<std::string> names;
        for (const TableRun& r : runs.value()) names.push_back(r.info.name);
        const std::string known = JoinText(names, ", ");
        return Error{"--row '" + named.name + "': no run named '" + name + "' in " + db_path +
                     " (runs: " + (known.empty() ? "none" : known) + ")"};
      }
      if (!run->info.perturbation_set.empty()) {
        return Error{"--row '" + named.name + "': run '" + name + "' ran perturbation set '" +
                     run->info.perturbation_set + "'; the suite table counts unperturbed runs"};
      }
      if (row.cells.count(run->info.suite)) {
        return Error{"--row '" + named.name + "': runs '" + row.cells[run->info.suite].run + "' and '" + name +
                     "' are both on suite " + run->info.suite + "; a row has one run per suite"};
      }
      auto cell = count(*run);
      if (!cell.ok()) return cell.error();
      AddMerge(row, *run, row.cells.empty());
      row.cells[run->info.suite] = std::move(cell).value();
      note_suite(run->info.suite);
      claimed.insert({run->info.policy_name, run->info.suite});
    }
    (row.merged ? merged : references).push_back(std::move(row));
  }

  for (const TableRun& run : runs.value()) {  // oldest first: a later run replaces an earlier one
    if (!run.info.perturbation_set.empty()) continue;  // the perturbation table's
    if (claimed.count({run.info.policy_name, run.info.suite})) continue;
    auto cell = count(run);
    if (!cell.ok()) return cell.error();
    if (cell.value().counts.episodes == 0) continue;
    SuiteTable::Row key;
    key.policy = run.info.policy_name;
    AddMerge(key, run, true);
    std::vector<SuiteTable::Row>& group = key.merged ? merged : references;
    auto row = std::find_if(group.begin(), group.end(), [&](const SuiteTable::Row& r) {
      return std::tie(r.policy, r.merge_method, r.merged_parts, r.route) ==
             std::tie(key.policy, key.merge_method, key.merged_parts, key.route);
    });
    if (row == group.end()) row = group.insert(group.end(), key);
    row->cells[run.info.suite] = std::move(cell).value();
    note_suite(run.info.suite);
  }
  table.rows.insert(table.rows.end(), references.begin(), references.end());
  table.rows.insert(table.rows.end(), merged.begin(), merged.end());

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

std::string FormatSuiteTable(const SuiteTable& table, TableFormat format, const IntervalOptions& intervals) {
  static const std::vector<std::string> fields = {"policy",  "suite",     "run",          "n",            "successes",
                                                  "rate",    "ci_low",    "ci_high",      "ci_method",    "group",
                                                  "merge_method", "merged_parts", "route"};
  return FormatTable(Layout(table, intervals), Records(table, intervals), fields, format);
}

}  // namespace gauntlet::reports
