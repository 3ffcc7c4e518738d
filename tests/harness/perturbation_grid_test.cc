// Perturbation sets: grids parsed with file:line errors, expanded into
// variants with stable ids, instruction variants from the pools.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "app/episode_plan.h"
#include "harness/suite_spec.h"
#include "tests/test_support.h"

namespace gauntlet {
namespace {

std::string SetFile(const std::string& body) {
  const std::string dir = testing::TempDir("pset");
  const std::string path = dir + "/set.yaml";
  std::ofstream(path) << "name: probe_set\nsuites: [" << testing::SourceDir()
                      << "/suites/libero_spatial.yaml]\nlanguage_pools: " << testing::SourceDir()
                      << "/suites/language\n" << body;
  return path;
}

TEST(PerturbationGrid, UnknownDimensionsAndLevelsAreErrorsWithFileAndLine) {
  auto bad = LoadSuiteSet(SetFile("perturbations:\n  - {dimension: fog}\n"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("set.yaml:5:"), std::string::npos) << bad.error().message;
  EXPECT_NE(bad.error().message.find("unknown perturbation dimension 'fog' (known: camera, robot_init"),
            std::string::npos);
  auto level = LoadSuiteSet(SetFile("perturbations:\n  - {dimension: language, levels: [5]}\n"));
  ASSERT_FALSE(level.ok());
  EXPECT_NE(level.error().message.find("level 5 is outside 1..4 for language"), std::string::npos);
  auto key = LoadSuiteSet(SetFile("perturbations:\n  - {dimension: camera, level: [1]}\n"));
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.error().message.find("unknown key 'level'"), std::string::npos);
  auto init = LoadSuiteSet(SetFile("perturbations:\n  - {dimension: camera, init_states: [50]}\n"));
  ASSERT_FALSE(init.ok());
  EXPECT_NE(init.error().message.find("initial state 50 does not exist"), std::string::npos);
}

std::vector<int> AllTasks(const SuiteSpec& s) {
  std::vector<int> all;
  for (size_t t = 0; t < s.tasks.size(); ++t) all.push_back(static_cast<int>(t));
  return all;
}

TEST(PerturbationGrid, LiberoPlusExpandsToItsProportionsWithStableIds) {
  auto set = LoadSuiteSet(testing::SourceDir() + "/suites/libero_plus.yaml");
  ASSERT_TRUE(set.ok()) << set.error().message;
  ASSERT_EQ(set.value().suites.size(), 4u);
  std::map<std::string, int> per_dimension;
  int baseline = 0;
  for (const SuiteSpec& s : set.value().suites) {
    auto plan = app::PlanEpisodes(s, AllTasks(s), s.protocol.trials);
    ASSERT_TRUE(plan.ok()) << plan.error().message;
    for (const auto& e : plan.value()) {
      if (e.perturbation) ++per_dimension[e.perturbation->dimension];
      else ++baseline;
    }
  }
  EXPECT_EQ(per_dimension["camera"], 1600);
  EXPECT_EQ(per_dimension["robot_init"], 1600);
  EXPECT_EQ(per_dimension["language"], 1440);
  EXPECT_EQ(per_dimension["light"], 1200);
  EXPECT_EQ(per_dimension["background"], 1000);
  EXPECT_EQ(per_dimension["noise"], 1600);
  EXPECT_EQ(per_dimension["layout"], 1600);
  EXPECT_EQ(baseline, 120);  // tasks x initial states 0-2 (the language grid's)
  // Expanding again gives the same variants with the same parameters.
  const SuiteSpec& spatial = set.value().suites[0];
  auto a = app::PlanEpisodes(spatial, AllTasks(spatial), 50);
  auto b = app::PlanEpisodes(spatial, AllTasks(spatial), 50);
  ASSERT_EQ(a.value().size(), b.value().size());
  for (size_t i = 0; i < a.value().size(); ++i) {
    EXPECT_EQ(a.value()[i].variant, b.value()[i].variant);
    if (a.value()[i].perturbation) EXPECT_EQ(a.value()[i].perturbation->params, b.value()[i].perturbation->params);
  }
}

TEST(PerturbationGrid, LanguageVariantsComeFromThePoolAndFaithfulModeAppendsTheVariantName) {
  auto set = LoadSuiteSet(SetFile("language_mode: faithful\nperturbations:\n"
                                  "  - {dimension: language, levels: [4], tasks: [0]}\n"
                                  "  - {dimension: light, levels: [2], tasks: [0]}\n"));
  ASSERT_TRUE(set.ok()) << set.error().message;
  const SuiteSpec& s = set.value().suites[0];
  auto plan = app::PlanEpisodes(s, AllTasks(s), 50);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  ASSERT_EQ(plan.value().size(), 2u);
  const auto& language = plan.value()[0];
  EXPECT_EQ(language.variant, "language-L4-0");
  EXPECT_NE(language.instruction, s.tasks[0].instruction);
  EXPECT_NE(language.instruction.find("black bowl"), std::string::npos) << language.instruction;
  EXPECT_EQ(plan.value()[1].instruction, s.tasks[0].instruction + " light L2 0");
}

}  // namespace
}  // namespace gauntlet
