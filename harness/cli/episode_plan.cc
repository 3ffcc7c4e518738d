#include "harness/cli/episode_plan.h"

#include <algorithm>
#include <set>

#include "envs/perturbations/language_pool.h"
#include "envs/perturbations/perturbation_sampler.h"

namespace gauntlet::cli {

namespace {

// LIBERO-Plus's prompts carry the variant's name as words ("... view 0 0 100
// 2 352 initstate 0"); `faithful` mode appends ours the same way.
std::string FaithfulSuffix(const std::string& variant) {
  std::string words = variant;
  std::replace(words.begin(), words.end(), '-', ' ');
  return " " + words;
}

}  // namespace

Result<std::vector<PlannedEpisode>> PlanEpisodes(const SuiteSpec& suite, const std::vector<int>& tasks, int trials) {
  std::vector<PlannedEpisode> plan;
  if (suite.perturbations.empty()) {
    for (int t : tasks) {
      for (int i = 0; i < trials; ++i) plan.push_back({t, i, "default", std::nullopt, suite.tasks[t].instruction});
    }
    return plan;
  }
  std::optional<envs::LanguagePool> pool;
  if (!suite.language_pool.empty()) {
    auto loaded = envs::LanguagePool::Load(suite.language_pool);
    if (!loaded.ok()) return loaded.error();
    pool = std::move(loaded).value();
  }
  const std::set<int> selected(tasks.begin(), tasks.end());
  std::set<std::pair<int, int>> baseline;
  for (const PerturbationGrid& grid : suite.perturbations) {
    auto grid_tasks = suite.SelectTasks(grid.tasks);
    if (!grid_tasks.ok()) return grid_tasks.error();
    for (int level : grid.levels) {
      for (int k = 0; k < grid.variants_per_level; ++k) {
        const Perturbation p = envs::SamplePerturbation(grid.dimension, level, k);
        const std::string id = VariantId(grid.dimension, level, k);
        for (int t : grid_tasks.value()) {
          if (!selected.count(t)) continue;
          std::string instruction = suite.tasks[t].instruction;
          if (grid.dimension == "language") {
            auto text = pool->Variant(suite.tasks[t].name, p.params.at("kind"), k);
            if (!text.ok()) return text.error();
            instruction = text.value();
          } else if (suite.language_mode == LanguageMode::kFaithful) {
            instruction += FaithfulSuffix(id);
          }
          for (int i : grid.init_states) {
            plan.push_back({t, i, id, p, instruction});
            baseline.insert({t, i});
          }
        }
      }
    }
  }
  if (suite.perturbation_baseline) {
    for (const auto& [t, i] : baseline) plan.push_back({t, i, "default", std::nullopt, suite.tasks[t].instruction});
  }
  return plan;
}

}  // namespace gauntlet::cli
