// `gauntlet compare`: two runs paired on identical episodes; exit 1 on a
// significant regression (the nightly gate).
#include "app/command.h"
#include "reports/paired_comparison.h"

namespace gauntlet::app {

Command AddCompareCommand(CLI::App& app) {
  struct Args {
    reports::CompareOptions compare;
    std::string db = "gauntlet.db";
  };
  auto args = std::make_shared<Args>();
  auto* sub = app.add_subcommand(
      "compare", "Paired comparison of two runs on identical episodes; exit 1 on a significant regression");
  sub->add_option("--baseline", args->compare.baseline, "Run name of the reference (e.g. last night)")->required();
  sub->add_option("--candidate", args->compare.candidate, "Run name to judge")->required();
  sub->add_option("--db", args->db, "SQLite results file holding both runs")->capture_default_str();
  sub->add_option("--alpha", args->compare.alpha, "Significance level (per-task tests are BH-corrected)")
      ->capture_default_str()->check(CLI::Range(1e-6, 0.5));
  sub->add_option("--margin", args->compare.margin, "Tolerated drop in success rate, as a fraction (0.02 = 2 points)")
      ->capture_default_str()->check(CLI::Range(0.0, 1.0));
  sub->add_option("--bootstrap", args->compare.bootstrap_iterations, "Cluster-bootstrap resamples")
      ->capture_default_str()->check(CLI::Range(100, 1000000));
  return {sub, [args] {
            auto result = reports::CompareRuns(args->db, args->compare);
            if (!result.ok()) return Fail(result.error().message);
            std::cout << reports::FormatComparison(result.value());
            return result.value().regression ? 1 : 0;
          }};
}

}  // namespace gauntlet::app
