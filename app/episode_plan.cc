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

// Chain `c` unperturbed: its subtasks' own instructions.
PlannedEpisode ChainEpisode(const SuiteSpec& suite, int c) {
  const ChainSpec& chain = suite.chains.at(c);
  PlannedEpisode e;
  e.task = chain.subtasks.front();
  e.init_state = chain.init_state;
  e.chain = c;
  e.max_steps = suite.protocol.max_steps;
  for (int t : chain.subtasks) e.subtask_instructions.push_back(suite.tasks[t].instruction);
  e.instruction = e.subtask_instructions.front();
  return e;
}

Result<std::optional<envs::LanguagePool>> LoadPool(const SuiteSpec& suite) {
  if (suite.language_pool.empty()) return std::optional<envs::LanguagePool>();
  auto loaded = envs::LanguagePool::Load(suite.language_pool);
  if (!loaded.ok()) return loaded.error();
  return std::optional<envs::LanguagePool>(std::move(loaded).value());
}

// Why a grid does not fit a chain suite, or "" when it does.
std::string ChainGridProblem(const SuiteSpec& suite, const PerturbationGrid& grid) {
  if (!grid.tasks.empty()) {
    return "suite " + suite.name + " runs instruction chains: select them with `chains:` (indices or ranges), not `tasks:`";
  }
  if (grid.init_states != std::vector<int>{0}) {
    return "suite " + suite.name + " runs instruction chains, each from its own start state: drop `init_states:`";
  }
  if (grid.dimension == "layout") {
    return "layout perturbations do not apply to chain suites (suite " + suite.name +
           "): each chain starts from the fixed scene of its start state";
  }
  return "";
}

// A chain suite's episodes: every grid variant on each of the grid's chains
// that `selected` holds, then the unperturbed chains they shift.
Result<std::vector<PlannedEpisode>> PlanChainEpisodes(const SuiteSpec& suite, const std::vector<int>& selected) {
  std::vector<PlannedEpisode> plan;
  if (suite.perturbations.empty()) {
    for (int c : selected) plan.push_back(ChainEpisode(suite, c));
    return plan;
  }
  auto pool = LoadPool(suite);
  if (!pool.ok()) return pool.error();
  const std::set<int> wanted(selected.begin(), selected.end());
  std::set<int> baseline;
  for (const PerturbationGrid& grid : suite.perturbations) {
    const std::string where = grid.where + ": perturbation grid '" + grid.dimension + "': ";
    if (std::string problem = ChainGridProblem(suite, grid); !problem.empty()) return Error{where + problem};
    auto grid_chains = SelectChains(suite, grid.chains, "chains:");
    if (!grid_chains.ok()) return Error{where + grid_chains.error().message};
    for (int level : grid.levels) {
      for (int k = 0; k < grid.variants_per_level; ++k) {
        const Perturbation p = envs::SamplePerturbation(grid.dimension, level, k);
        const std::string id = VariantId(grid.dimension, level, k);
        for (int c : grid_chains.value()) {
          if (!wanted.count(c)) continue;
          PlannedEpisode e = ChainEpisode(suite, c);
          e.variant = id;
          e.perturbation = p;
          // Every subtask is told its own task's variant of the same kind and index.
          const std::vector<int>& subtasks = suite.chains[c].subtasks;
          for (size_t s = 0; s < subtasks.size(); ++s) {
            if (grid.dimension == "language") {
              auto text = pool.value()->Variant(suite.tasks[subtasks[s]].name, p.params.at("kind"), k);
              if (!text.ok()) return text.error();
              e.subtask_instructions[s] = text.value();
            } else if (suite.language_mode == LanguageMode::kFaithful) {
              e.subtask_instructions[s] += FaithfulSuffix(id);
            }
          }
          e.instruction = e.subtask_instructions.front();
          plan.push_back(std::move(e));
          baseline.insert(c);
        }
      }
    }
  }
  if (suite.perturbation_baseline) {
    for (int c : baseline) plan.push_back(ChainEpisode(suite, c));
  }
  return plan;
}

}  // namespace

Result<std::vector<int>> SelectChains(const SuiteSpec& suite, const std::string& selection, const std::string& what) {
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
      return Error{what + " '" + selection + "': '" + item + "' is not an index or a range A-B"};
    }
    if (first < 0 || last >= count || first > last) {
      return Error{what + " '" + selection + "': '" + item + "' is outside 0-" + std::to_string(count - 1) +
                   " (suite " + suite.name + " has " + std::to_string(count) + " chains)"};
    }
    for (int c = first; c <= last; ++c) out.push_back(c);
  }
  return out;
}

Result<std::vector<PlannedEpisode>> PlanEpisodes(const SuiteSpec& suite, const std::vector<int>& tasks, int trials,
                                                 const std::vector<int>& chains) {
  if (!suite.chains.empty()) {
    std::vector<int> selected = chains;
    if (selected.empty()) {
      for (int c = 0; c < static_cast<int>(suite.chains.size()); ++c) selected.push_back(c);
    }
    return PlanChainEpisodes(suite, selected);
  }
  std::vector<PlannedEpisode> plan;
  // Single-goal episodes take their task's step limit where it has one.
  const auto steps_of = [&suite](int t) {
    return suite.tasks[t].max_steps > 0 ? suite.tasks[t].max_steps : suite.protocol.max_steps;
  };
  const auto episode = [&](int t, int i, const std::string& variant, const std::optional<Perturbation>& p,
                           const std::string& instruction) {
    PlannedEpisode e{t, i, variant, p, instruction};
    e.max_steps = steps_of(t);
    return e;
  };
  if (suite.perturbations.empty()) {
    for (int t : tasks) {
      for (int i = 0; i < trials; ++i) plan.push_back(episode(t, i, "default", std::nullopt, suite.tasks[t].instruction));
    }
    return plan;
  }
  auto pool = LoadPool(suite);
  if (!pool.ok()) return pool.error();
  const std::set<int> selected(tasks.begin(), tasks.end());
  std::set<std::pair<int, int>> baseline;
  for (const PerturbationGrid& grid : suite.perturbations) {
    if (!grid.chains.empty()) {
      return Error{grid.where + ": perturbation grid '" + grid.dimension + "': suite " + suite.name +
                   " has no instruction chains: select its tasks with `tasks:`, not `chains:`"};
    }
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
            auto text = pool.value()->Variant(suite.tasks[t].name, p.params.at("kind"), k);
            if (!text.ok()) return text.error();
            instruction = text.value();
          } else if (suite.language_mode == LanguageMode::kFaithful) {
            instruction += FaithfulSuffix(id);
          }
          for (int i : grid.init_states) {
            plan.push_back(episode(t, i, id, p, instruction));
            baseline.insert({t, i});
          }
        }
      }
    }
  }
  if (suite.perturbation_baseline) {
    for (const auto& [t, i] : baseline) plan.push_back(episode(t, i, "default", std::nullopt, suite.tasks[t].instruction));
  }
  return plan;
}

}  // namespace gauntlet::app
