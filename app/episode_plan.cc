#include "app/episode_plan.h"

#include <algorithm>
#include <set>
#include <sstream>

#include "envs/perturbations/language_pool.h"
#include "envs/perturbations/perturbation_sampler.h"

namespace gauntlet::app {

namespace {

// LIBERO-Plus's prompts carry the variant's name as words ("... view 0 0 100
// 2 352 initstate 0"); `faithful` mode appends ours the same way.
std::string FaithfulSuffix(const std::string& variant) {
  std::string words = variant;
  std::replace(words.begin(), words.end(), '-', ' ');
  return " " + words;
}

}  // namespace

Result<std::vector<int>> SelectChains(const SuiteSpec& suite, const std::string& selection) {
  const int count = static_cast<int>(suite.chains.size());
  std::vector<int> out;
  if (selection.empty()) {
    for (int c = 0; c < count; ++c) out.push_back(c);
    return out;
  }
  std::stringstream items(selection);
  std::string item;
  while (std::getline(items, item, ',')) {
    const auto dash = item.find('-');
    int first = 0, last = 0;
    try {
      size_t used = 0;
      first = std::stoi(item.substr(0, dash), &used);
      if (used != (dash == std::string::npos ? item.size() : dash)) throw std::invalid_argument(item);
      last = first;
      if (dash != std::string::npos) {
        last = std::stoi(item.substr(dash + 1), &used);
        if (used != item.size() - dash - 1) throw std::invalid_argument(item);
      }
    } catch (const std::exception&) {
      return Error{"--chains '" + selection + "': '" + item + "' is not an index or a range A-B"};
    }
    if (first < 0 || last >= count || first > last) {
      return Error{"--chains '" + selection + "': '" + item + "' is outside 0-" + std::to_string(count - 1) +
                   " (suite " + suite.name + " has " + std::to_string(count) + " chains)"};
    }
    for (int c = first; c <= last; ++c) out.push_back(c);
  }
  return out;
}

Result<std::vector<PlannedEpisode>> PlanEpisodes(const SuiteSpec& suite, const std::vector<int>& tasks, int trials,
                                                 const std::vector<int>& chains) {
  std::vector<PlannedEpisode> plan;
  if (!suite.chains.empty()) {
    if (!suite.perturbations.empty()) {
      return Error{suite.path + ": perturbation grids do not apply to chain suites yet"};
    }
    std::vector<int> selected = chains;
    if (selected.empty()) {
      for (int c = 0; c < static_cast<int>(suite.chains.size()); ++c) selected.push_back(c);
    }
    for (int c : selected) {
      const ChainSpec& chain = suite.chains.at(c);
      const int first = chain.subtasks.front();
      PlannedEpisode e;
      e.task = first;
      e.init_state = chain.init_state;
      e.instruction = suite.tasks[first].instruction;
      e.chain = c;
      plan.push_back(e);
    }
    return plan;
  }
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

}  // namespace gauntlet::app
