#include "reports/report_command.h"

#include <filesystem>

#include "harness/close_matches.h"
#include "reports/chain_table.h"
#include "reports/embodiment_table.h"
#include "reports/perturbation_table.h"
#include "reports/router_table.h"
#include "reports/setting_table.h"
#include "reports/suite_table.h"

namespace gauntlet::reports {

namespace {

// Builds a table with `build` and prints it with `format`, passing errors on.
template <class Build, class Format>
Result<std::string> Render(Build build, Format format) {
  auto table = build();
  if (!table.ok()) return table.error();
  return format(table.value());
}

}  // namespace

std::string ReportTableNames() { return "suites, perturbations, router, chains, embodiments, settings"; }

Result<std::string> RenderReportTable(const ReportCommand& c) {
  const std::string& t = c.table;
  if (t != "suites" && t != "perturbations" && t != "router" && t != "chains" && t != "embodiments" &&
      t != "settings") {
    return Error{"unknown table '" + t + "' (" +
                 KnownNames(t, {"suites", "perturbations", "router", "chains", "embodiments", "settings"}) + ")"};
  }
  auto format = ParseTableFormat(c.format);
  if (!format.ok()) return Error{"--format: " + format.error().message};
  IntervalOptions intervals;
  auto method = ParseIntervalMethod(c.ci);
  if (!method.ok()) return Error{"--ci: " + method.error().message};
  intervals.method = method.value();
  if (c.bootstrap_samples < 1) return Error{"--bootstrap-samples: must be at least 1"};
  intervals.bootstrap_samples = c.bootstrap_samples;
  intervals.seed = c.seed;
  if (!c.rows.empty() && t != "suites") return Error{"--row combines runs into a row of the suite table only"};
  std::vector<NamedRow> rows;
  for (const std::string& text : c.rows) {
    auto row = ParseNamedRow(text);
    if (!row.ok()) return row.error();
    rows.push_back(std::move(row).value());
  }
  if (!std::filesystem::exists(c.db)) return Error{c.db + ": no such results file"};

  const TableFormat f = format.value();
  if (t == "suites") {
    return Render([&] { return BuildSuiteTable(c.db, rows); },
                  [&](const SuiteTable& table) { return FormatSuiteTable(table, f, intervals); });
  }
  if (t == "perturbations") {
    return Render([&] { return BuildPerturbationTable(c.db); },
                  [&](const PerturbationTable& table) { return FormatPerturbationTable(table, f, intervals); });
  }
  if (t == "router") {
    return Render([&] { return BuildRouterTable(c.db); },
                  [&](const RouterTable& table) { return FormatRouterTable(table, f, intervals); });
  }
  if (t == "chains") {
    return Render([&] { return BuildChainTable(c.db); },
                  [&](const ChainTable& table) { return FormatChainTable(table, f, intervals); });
  }
  if (t == "settings") {
    return Render([&] { return BuildSettingTable(c.db); },
                  [&](const SettingTable& table) { return FormatSettingTable(table, f, intervals); });
  }
  return Render([&] { return BuildEmbodimentTable(c.db); },
                [&](const EmbodimentTable& table) { return FormatEmbodimentTable(table, f, intervals); });
}

}  // namespace gauntlet::reports
