// `gauntlet report --table ...` as the CLI runs it: every table in every
// format from one results file, the options' errors, and the LaTeX of every
// table compiled by pdflatex (skipped where pdflatex is missing; Debian's
// texlive-latex-base and texlive-latex-recommended provide it).
#include "reports/report_command.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/reports/results_file.h"

namespace gauntlet::reports {
namespace {

using nlohmann::json;

const char* const kTables[] = {"suites", "perturbations", "router", "chains", "embodiments"};
const char* const kFormats[] = {"md", "latex", "csv", "json", "html"};

// A results file with something for every table, and names LaTeX must escape.
class ReportCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    using F = testing::ResultsFile;
    file_.Run("spatial-ft", "libero_spatial", F::Policy("expert_spatial"), 45, 50);
    file_.Run("goal-ft", "libero_goal", F::Policy("expert_goal"), 40, 50);
    file_.Run("odd", "libero_goal", F::Policy("odd_name & co %1 #x $y ~z ^w {v} \\u"), 3, 4);
    file_.Run("merged-spatial", "libero_spatial",
              F::Policy("mergevla", "merged", {{"merge_method", "ties"}, {"merged_parts", "vlm.*"}}), 40, 50,
              {{"embodiment", "ur5e"}});
    const auto plus = file_.Begin("plus", "libero_spatial", F::Policy("mergevla"), {{"perturbations", {{"set", "plus"}}}});
    EpisodeOutcome perturbed = F::Outcome("libero_spatial", "task_a", 0, true, 7, "camera-L1-0");
    perturbed.events.push_back(PerturbationApplied{"camera", 1, "{}"});
    file_.Write(plus, std::vector<EpisodeOutcome>{perturbed, F::Outcome("libero_spatial", "task_a", 0, true)});
    const auto routed = file_.Begin("routed", "libero_spatial", F::Policy("router_m", "merged"));
    const EpisodeKey key{"libero_spatial", "task_a", "default", 0, 7};
    file_.Write(routed, std::vector<EpisodeOutcome>{F::Outcome("libero_spatial", "task_a", 0, true)});
    file_.Write(routed, std::vector<std::pair<EpisodeKey, Event>>{
                            {key, RouterDecision{0, "task_a", 1.0, 0.9, true, "task_a"}},
                            {key, SubtaskResult{0, "a", "do a", true, 5, 0}}});
  }

  ReportCommand Command(const std::string& table, const std::string& format) const {
    ReportCommand c;
    c.db = file_.path();
    c.table = table;
    c.format = format;
    return c;
  }

  testing::ResultsFile file_{"report_command"};
};

TEST_F(ReportCommandTest, EveryTableRendersInEveryFormat) {
  for (const char* table : kTables) {
    for (const char* format : kFormats) {
      auto text = RenderReportTable(Command(table, format));
      ASSERT_TRUE(text.ok()) << table << " " << format << ": " << text.error().message;
      EXPECT_FALSE(text.value().empty()) << table << " " << format;
      if (std::string(format) == "json") {
        const json records = json::parse(text.value());
        ASSERT_FALSE(records.empty()) << table;
        for (const auto& r : records) {
          for (const char* field : {"n", "successes", "rate", "ci_low", "ci_high", "ci_method"}) {
            EXPECT_TRUE(r.contains(field) || r.value("measure", "") == "avg_length") << table << " " << r.dump();
          }
        }
      }
    }
  }
}

TEST_F(ReportCommandTest, TheClusterBootstrapIsChosenSeededAndRecorded) {
  ReportCommand c = Command("suites", "json");
  c.ci = "cluster-bootstrap";
  c.bootstrap_samples = 300;
  c.seed = 5;
  const std::string a = RenderReportTable(c).value();
  EXPECT_EQ(a, RenderReportTable(c).value());
  for (const auto& r : json::parse(a)) {
    if (!r["ci_low"].is_null()) {
      EXPECT_EQ(r["ci_method"], "cluster-bootstrap") << r.dump();
    }
  }
  c.format = "md";
  EXPECT_NE(RenderReportTable(c).value().find("300 resamples"), std::string::npos);
}

TEST_F(ReportCommandTest, BadOptionsAreErrorsThatSayWhichAndWhatIsKnown) {
  auto error = [&](ReportCommand c) {
    auto text = RenderReportTable(c);
    EXPECT_FALSE(text.ok());
    return text.ok() ? std::string() : text.error().message;
  };
  EXPECT_NE(error(Command("tasks", "md")).find("unknown table 'tasks' (known: suites, perturbations, router, chains, "
                                                "embodiments, settings)"),
            std::string::npos);
  EXPECT_NE(error(Command("suites", "xlsx")).find("--format: unknown table format 'xlsx'"), std::string::npos);
  ReportCommand ci = Command("suites", "md");
  ci.ci = "bca";
  EXPECT_NE(error(ci).find("--ci: unknown interval method 'bca'"), std::string::npos);
  ReportCommand row = Command("router", "md");
  row.rows = {"Experts=spatial-ft,goal-ft"};
  EXPECT_NE(error(row).find("--row"), std::string::npos);
  row.table = "suites";
  row.rows = {"Experts=spatial-ft,gone"};
  EXPECT_NE(error(row).find("no run named 'gone'"), std::string::npos);
  ReportCommand missing = Command("suites", "md");
  missing.db = file_.path() + ".missing";
  EXPECT_NE(error(missing).find("no such results file"), std::string::npos);
}

TEST_F(ReportCommandTest, EveryTablesLatexCompiles) {
  if (std::system("command -v pdflatex >/dev/null 2>&1") != 0) GTEST_SKIP() << "pdflatex is not installed";
  std::string body;
  for (const char* table : kTables) {
    for (const char* ci : {"wilson", "cluster-bootstrap"}) {
      ReportCommand c = Command(table, "latex");
      c.ci = ci;
      c.bootstrap_samples = 200;
      if (std::string(table) == "suites") c.rows = {"Single-task experts=spatial-ft,goal-ft"};
      auto text = RenderReportTable(c);
      ASSERT_TRUE(text.ok()) << text.error().message;
      body += text.value() + "\\clearpage\n";
    }
  }
  const std::string dir = testing::TempDir("report_latex");
  std::ofstream(dir + "/tables.tex") << "\\documentclass{article}\n\\usepackage{booktabs}\n\\begin{document}\n"
                                     << body << "\\end{document}\n";
  const std::string command = "cd '" + dir + "' && pdflatex -interaction=nonstopmode -halt-on-error tables.tex "
                                             ">pdflatex.out 2>&1";
  EXPECT_EQ(std::system(command.c_str()), 0) << "see " << dir << "/tables.log";
  EXPECT_TRUE(std::ifstream(dir + "/tables.pdf").good());
}

}  // namespace
}  // namespace gauntlet::reports
