// `gauntlet summary`: per-task and per-suite success of the runs in a results file.
#include "app/command.h"
#include "reports/summary.h"

namespace gauntlet::app {

Command AddSummaryCommand(CLI::App& app) {
  struct Args {
    std::string db = "gauntlet.db", run_name;
  };
  auto args = std::make_shared<Args>();
  auto* sub = app.add_subcommand("summary", "Per-task and per-suite success from a results file");
  sub->add_option("--db", args->db, "SQLite results file")->capture_default_str();
  sub->add_option("--run", args->run_name, "Only this run (default: all runs)");
  return {sub, [args] {
            auto text = reports::FormatSummary(args->db, reports::SummaryOptions{args->run_name});
            if (!text.ok()) return Fail(text.error().message);
            std::cout << text.value();
            return 0;
          }};
}

}  // namespace gauntlet::app
