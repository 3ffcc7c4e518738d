// End-to-end: a perturbation set run by the CLI, its variants recorded in the
// perturbations table and summarised per dimension with the drop.
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "tests/cli/cli_support.h"

namespace gauntlet {
namespace {

TEST(PerturbationCli, EveryDimensionRunsIsRecordedAndSummarised) {
  const std::string dir = testing::TempDir("pertcli");
  const std::string set = dir + "/set.yaml";
  std::ofstream(set) << "name: tiny_plus\nsuites: [" << testing::SourceDir() << "/suites/libero_spatial.yaml]\n"
                     << "baseline: true\nlanguage_pools: " << testing::SourceDir() << "/suites/language\n"
                     << "perturbations:\n";
  for (const char* dim : {"camera", "robot_init", "language", "light", "background", "noise", "layout"}) {
    std::ofstream(set, std::ios::app) << "  - {dimension: " << dim << ", levels: [2], tasks: [0]}\n";
  }
  const std::string db = dir + "/r.db";
  Ran r = Gauntlet("run " + set + " --policy oracle --workers 2 --quiet --db " + db);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string run = "tiny_plus-libero_spatial-oracle";
  EXPECT_EQ(QueryText(db, "SELECT count(*) FROM episodes"), "8");
  EXPECT_EQ(QueryText(db, "SELECT count(*) FROM perturbations"), "7");
  EXPECT_EQ(QueryText(db, "SELECT count(*) FROM episodes e JOIN perturbations p USING (variant)"), "7");
  EXPECT_NE(QueryText(db, "SELECT params_json FROM perturbations WHERE variant = 'robot_init-L2-0'")
                .find("\"magnitude_rad\":0.2"),
            std::string::npos);
  EXPECT_EQ(QueryText(db, "SELECT dimension || ' ' || level FROM perturbations WHERE variant = 'noise-L2-0'"), "noise 2");
  // A state-based expert does not see camera, light, background, noise or
  // language shifts: it succeeds on all of them.
  EXPECT_EQ(QueryText(db, "SELECT count(*) FROM episodes e JOIN perturbations p USING (variant) WHERE p.dimension IN "
                          "('camera', 'light', 'background', 'noise', 'language') AND e.status = 'success'"),
            "5");
  EXPECT_NE(r.out.find("unperturbed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("layout L2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("all perturbed (pooled)"), std::string::npos) << r.out;
  // Resuming finds every variant stored.
  Ran again = Gauntlet("run " + set + " --policy oracle --quiet --db " + db);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("8 of 8 episodes already stored"), std::string::npos) << again.err;
  // The language variant told the policy a pool sentence; the others the task's.
  EXPECT_NE(QueryText(db, "SELECT config_json FROM runs").find("\"language_mode\":\"clean\""), std::string::npos);
}

// The play table's set on one chain: every variant runs, the language
// variant tells the first subtask a pool sentence, and the perturbation
// table prints a row and the chains' average length.
TEST(PerturbationCli, CalvinPlusMiniRunsAChainUnderEveryVariantAndItsTablePrints) {
  const std::string db = testing::TempDir("calvin_plus") + "/r.db";
  Ran r = Gauntlet("run " + testing::SourceDir() + "/suites/calvin_plus_mini.yaml --policy noop --chains 0 --workers 2 "
                   "--quiet --db " + db);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(QueryText(db, "SELECT count(*) FROM episodes"), "21");  // 20 variants and the unperturbed chain
  EXPECT_EQ(QueryText(db, "SELECT count(*) FROM episodes e JOIN perturbations p USING (variant)"), "20");
  EXPECT_EQ(QueryText(db, "SELECT count(DISTINCT task) FROM episodes"), "1");
  // chain0000 begins with rotate_blue_block_right (CALVIN's generator); its
  // pool's first paraphrase (suites/language/calvin.yaml).
  EXPECT_EQ(QueryText(db, "SELECT instruction FROM subtasks WHERE variant = 'language-L1-0' AND position = 0"),
            "Grab the blue block and turn it to the right.");
  EXPECT_EQ(QueryText(db, "SELECT instruction FROM subtasks WHERE variant = 'camera-L1-0' AND position = 0"),
            "take the blue block and rotate it to the right");
  // The run's config lists the chain once, however many variants it runs under.
  const std::string config = QueryText(db, "SELECT config_json FROM runs");
  EXPECT_EQ(config.find("chain0000"), config.rfind("chain0000")) << config;
  Ran table = Gauntlet("report --table perturbations --db " + db);
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("| Policy (set) | Camera | Robot | Language | Light | Background | Noise | Total | Clean |"),
            std::string::npos)
      << table.out;
  EXPECT_NE(table.out.find("| noop (calvin_plus_mini) | 0.0 ["), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("| noop (calvin_plus_mini) | 0.00 | 0.00 |"), std::string::npos) << table.out;
}

}  // namespace
}  // namespace gauntlet

namespace gauntlet {
namespace {

TEST(PerturbationCli, ShowWritesAContactSheetOfEveryLevel) {
  const std::string out = testing::TempDir("sheet") + "/camera.png";
  Ran r = Gauntlet("show libero_spatial/0 --perturb camera --variants 2 --size 64 --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const cv::Mat sheet = cv::imread(out);
  EXPECT_EQ(sheet.cols, 2 * 64);
  EXPECT_EQ(sheet.rows, 6 * 64);  // the unperturbed view, then levels 1-5
  EXPECT_NE(r.out.find("camera-L5-1"), std::string::npos) << r.out;
  Ran language = Gauntlet("show libero_spatial/0 --perturb language");
  ASSERT_EQ(language.exit_code, 0) << language.err;
  EXPECT_NE(language.out.find("distractor: "), std::string::npos) << language.out;
  Ran unknown = Gauntlet("show libero_spatial/0 --perturb weather --out " + out);
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("unknown dimension 'weather'"), std::string::npos) << unknown.err;
}

}  // namespace
}  // namespace gauntlet
