// The perturbation table from a real results file: cells per dimension
// counted from episode rows joined to the perturbations table, the total
// pooled over episodes (not the mean of the columns), every format.
#include "reports/perturbation_table.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "results/results_store.h"
#include "tests/test_support.h"

namespace gauntlet::reports {
namespace {

class PerturbationTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::path(testing::TempDir("pert_table")) / "results.db").string();
    store_ = results::ResultsStore::Open(path_).value();
  }

  // A run of `policy` in set `set` on `suite`: per dimension (or "" for
  // unperturbed) a number of episodes and successes.
  void Run(const std::string& name, const std::string& policy, const std::string& set, const std::string& suite,
           const std::vector<std::tuple<std::string, int, int>>& cells) {
    results::RunRecord run;
    run.name = name;
    run.suite = suite;
    run.config_json = set.empty() ? R"({"x": 1})" : R"({"perturbations": {"set": ")" + set + R"("}})";
    run.git_sha = "0123abcd";
    run.render_backend = "egl";
    results::PolicyRecord p;
    p.name = policy;
    p.kind = "oracle";
    auto handle = store_->BeginRun(run, p).value();
    std::vector<EpisodeOutcome> outcomes;
    int i = 0;
    for (const auto& [dimension, episodes, successes] : cells) {
      for (int k = 0; k < episodes; ++k, ++i) {
        EpisodeOutcome o;
        const std::string variant = dimension.empty() ? "default" : dimension + "-L1-" + std::to_string(k);
        o.key = EpisodeKey{suite, "task_a", variant, k, 7};
        o.status = k < successes ? EpisodeStatus::kSuccess : EpisodeStatus::kFailure;
        if (!dimension.empty()) {
          o.events.push_back(PerturbationApplied{dimension, 1, "{}"});
        }
        outcomes.push_back(o);
      }
    }
    ASSERT_TRUE(store_->WriteEpisodes(handle, outcomes).ok());
  }

  PerturbationTable Table() const {
    auto table = BuildPerturbationTable(path_);
    EXPECT_TRUE(table.ok()) << table.error().message;
    return table.value();
  }

  std::string path_;
  std::unique_ptr<results::ResultsStore> store_;
};

TEST_F(PerturbationTableTest, CellsPoolTheSetsSuitesAndTheTotalCountsEpisodes) {
  Run("plus-spatial", "m", "plus", "libero_spatial", {{"camera", 10, 5}, {"noise", 40, 40}, {"", 4, 4}});
  Run("plus-goal", "m", "plus", "libero_goal", {{"camera", 10, 9}, {"", 4, 3}});
  Run("plain", "m", "", "libero_spatial", {{"", 50, 50}});  // not a perturbation run
  const PerturbationTable t = Table();
  EXPECT_EQ(t.dimensions, (std::vector<std::string>{"camera", "noise"}));
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0].set, "plus");
  EXPECT_EQ(t.rows[0].cells.at("camera").episodes, 20);
  EXPECT_EQ(t.rows[0].cells.at("camera").successes, 14);
  EXPECT_EQ(t.rows[0].cells.at("").successes, 7);
  const std::string md = FormatPerturbationTable(t, TableFormat::kMarkdown);
  EXPECT_NE(md.find("| Policy (set) | Camera | Noise | Total | Clean |"), std::string::npos) << md;
  // Total = (14 + 40) / 60 = 90.0 pooled; the mean of the columns would be 85.0.
  EXPECT_NE(md.find("| 90.0 ["), std::string::npos) << md;
  EXPECT_EQ(md.find("85.0"), std::string::npos) << md;
  const auto records = nlohmann::json::parse(FormatPerturbationTable(t, TableFormat::kJson));
  bool pooled = false;
  for (const auto& r : records) {
    if (r["dimension"] == "pooled") {
      pooled = true;
      EXPECT_EQ(r["n"], 60);
      EXPECT_EQ(r["successes"], 54);
    }
  }
  EXPECT_TRUE(pooled);
  const std::string latex = FormatPerturbationTable(t, TableFormat::kLatex);
  EXPECT_NE(latex.find("\\toprule\nPolicy (set) & Camera & Noise & Total & Clean"), std::string::npos) << latex;
  EXPECT_NE(FormatPerturbationTable(t, TableFormat::kCsv).find("m,plus,camera,20,14,0.700000,"), std::string::npos);
}

TEST_F(PerturbationTableTest, ChainRunsAddTheAverageChainLengthPerDimension) {
  results::RunRecord run;
  run.name = "calvin_plus-calvin-m";
  run.suite = "calvin";
  run.config_json = R"({"perturbations": {"set": "calvin_plus"}})";
  run.git_sha = "0123abcd";
  run.render_backend = "egl";
  results::PolicyRecord p;
  p.name = "m";
  p.kind = "oracle";
  auto handle = store_->BeginRun(run, p).value();
  // (variant, dimension, subtask results in order); a chain stops at its first failure.
  const std::vector<std::tuple<std::string, std::string, std::vector<bool>>> chains = {
      {"camera-L1-0", "camera", {true, true, false}},
      {"camera-L1-0", "camera", {true, true, true, true, true}},
      {"light-L1-0", "light", {false}},
      {"default", "", {true, false}},
  };
  std::vector<EpisodeOutcome> outcomes;
  int c = 0;
  for (const auto& [variant, dimension, results] : chains) {
    EpisodeOutcome o;
    o.key = EpisodeKey{"calvin", "chain000" + std::to_string(c++), variant, 0, 7};
    o.status = results.back() ? EpisodeStatus::kSuccess : EpisodeStatus::kFailure;
    if (!dimension.empty()) o.events.push_back(PerturbationApplied{dimension, 1, "{}"});
    for (size_t k = 0; k < results.size(); ++k) {
      o.events.push_back(SubtaskResult{static_cast<int>(k), "task", "do it", results[k], 10, 10 * static_cast<int>(k)});
    }
    outcomes.push_back(o);
  }
  ASSERT_TRUE(store_->WriteEpisodes(handle, outcomes).ok());
  Run("plus-spatial", "m", "plus", "libero_spatial", {{"camera", 2, 1}});  // no chains: no lengths
  const PerturbationTable t = Table();
  ASSERT_EQ(t.rows.size(), 2u);
  const auto& row = t.rows[0].set == "calvin_plus" ? t.rows[0] : t.rows[1];
  const auto& plain = t.rows[0].set == "calvin_plus" ? t.rows[1] : t.rows[0];
  EXPECT_TRUE(plain.chain_lengths.empty());
  EXPECT_EQ(row.cells.at("camera").episodes, 2);
  EXPECT_EQ(row.cells.at("camera").successes, 1);  // only the chain that completed every subtask
  EXPECT_DOUBLE_EQ(row.chain_lengths.at("camera").average(), 3.5);
  EXPECT_DOUBLE_EQ(row.chain_lengths.at("light").average(), 0.0);
  EXPECT_DOUBLE_EQ(row.chain_lengths.at("").average(), 1.0);
  const std::string md = FormatPerturbationTable(t, TableFormat::kMarkdown);
  EXPECT_NE(md.find("Average chain length"), std::string::npos) << md;
  // Camera 3.50, light 0.00, total (2 + 5 + 0) / 3 = 2.33, clean 1.00.
  EXPECT_NE(md.find("| m (calvin_plus) | 3.50 | 0.00 | 2.33 | 1.00 |"), std::string::npos) << md;
  const auto records = nlohmann::json::parse(FormatPerturbationTable(t, TableFormat::kJson));
  int with_length = 0;
  for (const auto& r : records) {
    if (r["set"] == "calvin_plus" && r["dimension"] == "camera") {
      EXPECT_DOUBLE_EQ(r["avg_chain_length"].get<double>(), 3.5);
    }
    if (r["set"] == "plus") {
      EXPECT_FALSE(r.contains("avg_chain_length")) << r.dump();
    }
    with_length += r.contains("avg_chain_length");
  }
  EXPECT_EQ(with_length, 4);  // camera, light, pooled, unperturbed
}

TEST_F(PerturbationTableTest, TheSuiteTableLeavesPerturbationRunsOut) {
  Run("plus-spatial", "m", "plus", "libero_spatial", {{"camera", 10, 0}, {"", 4, 4}});
  Run("plain", "m", "", "libero_spatial", {{"", 50, 45}});
  auto suites = BuildSuiteTable(path_);
  ASSERT_TRUE(suites.ok());
  ASSERT_EQ(suites.value().rows.size(), 1u);
  EXPECT_EQ(suites.value().rows[0].cells.at("libero_spatial").run, "plain");
}

}  // namespace
}  // namespace gauntlet::reports
