// Perturbation sets: grids parsed with file:line errors, expanded into
// variants with stable ids, instruction variants from the pools; on a chain
// suite (CALVIN's play table) grids select chains and every subtask is told
// its own task's pool variant.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "app/episode_plan.h"
#include "envs/perturbations/language_pool.h"
#include "envs/registered_families.h"
#include "harness/family_registry.h"
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

// A set over suites/<suite>.yaml with `body` after its three header lines.
std::string ChainSetFile(const std::string& body, const std::string& suite = "calvin") {
  const std::string path = testing::TempDir("chain_set") + "/set.yaml";
  std::ofstream(path) << "name: chain_probe\nsuites: [" << testing::SourceDir() << "/suites/" << suite
                      << ".yaml]\nlanguage_pools: " << testing::SourceDir() << "/suites/language\n" << body;
  return path;
}

Result<std::vector<app::PlannedEpisode>> PlanChains(const std::string& body, const std::string& suite = "calvin") {
  envs::RegisterFamilies(Families());
  auto set = LoadSuiteSet(ChainSetFile(body, suite));
  if (!set.ok()) return set.error();
  return app::PlanEpisodes(set.value().suites[0], {}, 1, {});
}

TEST(PerturbationGrid, CalvinPlusMiniRunsEveryVariantOnItsChainsAndEverySubtaskHearsItsPoolVariant) {
  envs::RegisterFamilies(Families());
  auto set = LoadSuiteSet(testing::SourceDir() + "/suites/calvin_plus_mini.yaml");
  ASSERT_TRUE(set.ok()) << set.error().message;
  const SuiteSpec& s = set.value().suites[0];
  auto plan = app::PlanEpisodes(s, {}, 1, {});
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  std::map<std::string, int> per_dimension;
  std::map<int, int> per_chain;
  auto pool = envs::LanguagePool::Load(s.language_pool);
  ASSERT_TRUE(pool.ok()) << pool.error().message;
  for (const auto& e : plan.value()) {
    ++per_dimension[e.perturbation ? e.perturbation->dimension : "baseline"];
    ++per_chain[e.chain];
    const ChainSpec& chain = s.chains.at(e.chain);
    EXPECT_EQ(e.task, chain.subtasks.front());
    EXPECT_EQ(e.init_state, chain.init_state);
    ASSERT_EQ(e.subtask_instructions.size(), chain.subtasks.size());
    EXPECT_EQ(e.instruction, e.subtask_instructions.front());
    for (size_t k = 0; k < chain.subtasks.size(); ++k) {
      const TaskSpec& task = s.tasks[chain.subtasks[k]];
      if (e.perturbation && e.perturbation->dimension == "language") {
        auto expected = pool.value().Variant(task.name, e.perturbation->params.at("kind"), 0);
        ASSERT_TRUE(expected.ok()) << expected.error().message;
        EXPECT_EQ(e.subtask_instructions[k], expected.value()) << e.variant << " subtask " << k;
        EXPECT_NE(e.subtask_instructions[k], task.instruction);
      } else {
        EXPECT_EQ(e.subtask_instructions[k], task.instruction) << e.variant;
      }
    }
  }
  EXPECT_EQ(per_dimension["camera"], 30);  // 3 levels x chains 0-9
  EXPECT_EQ(per_dimension["robot_init"], 30);
  EXPECT_EQ(per_dimension["language"], 40);
  EXPECT_EQ(per_dimension["light"], 30);
  EXPECT_EQ(per_dimension["background"], 30);
  EXPECT_EQ(per_dimension["noise"], 40);
  EXPECT_EQ(per_dimension["baseline"], 10);
  EXPECT_EQ(per_dimension.count("layout"), 0u);
  ASSERT_EQ(per_chain.size(), 10u);
  for (const auto& [chain, episodes] : per_chain) {
    EXPECT_LT(chain, 10);
    EXPECT_EQ(episodes, 21);  // 20 variants and the baseline
  }
  // --chains narrows the grids' chains: 3 and 4 of 0-9; 20 is in no grid.
  auto narrowed = app::PlanEpisodes(s, {}, 1, {3, 4, 20});
  ASSERT_TRUE(narrowed.ok()) << narrowed.error().message;
  EXPECT_EQ(narrowed.value().size(), 42u);
}

TEST(PerturbationGrid, FaithfulModeAppendsTheVariantToEverySubtaskOfAChain) {
  auto plan = PlanChains("language_mode: faithful\nbaseline: true\nperturbations:\n"
                         "  - {dimension: light, levels: [2], chains: [7]}\n");
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  ASSERT_EQ(plan.value().size(), 2u);
  const auto& light = plan.value()[0];
  EXPECT_EQ(light.chain, 7);
  ASSERT_EQ(light.subtask_instructions.size(), 5u);
  for (const std::string& text : light.subtask_instructions) {
    EXPECT_EQ(text.substr(text.size() - 11), " light L2 0") << text;
  }
  EXPECT_EQ(plan.value()[1].variant, "default");
  EXPECT_FALSE(plan.value()[1].perturbation.has_value());
}

TEST(PerturbationGrid, GridsThatDoNotFitAChainSuiteAreErrorsWithFileAndLine) {
  auto tasks = PlanChains("perturbations:\n  - {dimension: camera, levels: [1], tasks: [0]}\n");
  ASSERT_FALSE(tasks.ok());
  EXPECT_NE(tasks.error().message.find("set.yaml:5: perturbation grid 'camera': suite calvin runs instruction chains: "
                                       "select them with `chains:`"),
            std::string::npos)
      << tasks.error().message;
  auto layout = PlanChains("perturbations:\n  - {dimension: camera, chains: 0-1}\n  - {dimension: layout}\n");
  ASSERT_FALSE(layout.ok());
  EXPECT_NE(layout.error().message.find("set.yaml:6: perturbation grid 'layout': layout perturbations do not apply "
                                        "to chain suites"),
            std::string::npos)
      << layout.error().message;
  auto range = PlanChains("perturbations:\n  - {dimension: noise, chains: 990-1000}\n");
  ASSERT_FALSE(range.ok());
  EXPECT_NE(range.error().message.find("set.yaml:5: perturbation grid 'noise': chains: '990-1000': '990-1000' is "
                                       "outside 0-999"),
            std::string::npos)
      << range.error().message;
  // A chain starts from its own state: a grid's initial states make no sense.
  auto inits = PlanChains("perturbations:\n  - {dimension: noise, chains: 0, init_states: [0, 1]}\n",
                          "libero_goal_chains");
  ASSERT_FALSE(inits.ok());
  EXPECT_NE(inits.error().message.find("set.yaml:5: perturbation grid 'noise': suite libero_goal_chains runs "
                                       "instruction chains, each from its own start state: drop `init_states:`"),
            std::string::npos)
      << inits.error().message;
  // A single-goal suite's grid cannot select chains.
  auto chains = LoadSuiteSet(SetFile("perturbations:\n  - {dimension: light, chains: 0-3}\n"));
  ASSERT_TRUE(chains.ok()) << chains.error().message;
  const SuiteSpec& spatial = chains.value().suites[0];
  auto plan = app::PlanEpisodes(spatial, AllTasks(spatial), 50);
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.error().message.find("set.yaml:5: perturbation grid 'light': suite libero_spatial has no instruction "
                                      "chains"),
            std::string::npos)
      << plan.error().message;
}

}  // namespace
}  // namespace gauntlet
