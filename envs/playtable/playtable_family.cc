#include "envs/playtable/playtable_family.h"

#include <cstdio>
#include <map>
#include <mutex>

#include "envs/playtable/chain_generator.h"
#include "envs/playtable/playtable_env.h"
#include "envs/playtable/playtable_tasks.h"
#include "envs/playtable/symbolic_state.h"

namespace gauntlet::envs::playtable {

namespace {

// The suite's `world:` settings, checked: only `scene` is known.
Result<std::string> SceneOf(const SuiteSpec& suite) {
  std::string scene = kEvaluationScene;
  for (const auto& [key, value] : suite.world) {
    if (key != "scene") return Error{suite.path + ": world: unknown setting '" + key + "' (known: scene)"};
    scene = value;
  }
  auto layout = FindDeskLayout(scene);
  if (!layout.ok()) return Error{suite.path + ": world: " + layout.error().message};
  return scene;
}

// CALVIN's generator rejects millions of candidate chains to reproduce
// numpy's stream (about 2 s for 1,000 on one core), so a process generates
// each count once, whatever number of suites or tools load it.
const std::vector<EvaluationChain>& CachedChains(int count) {
  static std::mutex mutex;
  static std::map<int, std::vector<EvaluationChain>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(count);
  if (it == cache.end()) it = cache.emplace(count, playtable::GenerateChains(count)).first;
  return it->second;
}

}  // namespace

std::vector<ActionSpec> PlaytableFamily::action_specs(const std::string&) const { return PlaytableActionSpecs(); }

ObservationSpec PlaytableFamily::observation_spec(const std::string&, int image_width, int image_height) const {
  RenderOptions render;
  render.width = image_width;
  render.height = image_height;
  return PlaytableObservationSpec(render);
}

std::string PlaytableFamily::video_camera() const { return kStaticCamera; }

Result<std::unique_ptr<Env>> PlaytableFamily::MakeEnv(const WorldRequest& r) const {
  auto embodiment = ResolveEmbodiment(r.embodiment);
  if (!embodiment.ok()) return embodiment.error();
  // The planner refuses layout on chain suites first; this guards other callers.
  if (r.world) return Error{"the playtable family has no world-changing perturbations (its start scenes are fixed)"};
  if (FindPlaytableTask(r.task->name) == nullptr) {
    return Error{r.suite->path + ": task '" + r.task->name + "' is not one of the play table's 34 tasks"};
  }
  auto scene = SceneOf(*r.suite);
  if (!scene.ok()) return scene.error();
  PlaytableOptions options;
  options.scene = scene.value();
  options.render.width = r.image_width;
  options.render.height = r.image_height;
  options.render.camera_sizes = r.camera_sizes;
  options.render.shadows = r.shadows;
  if (r.action) options.action = *r.action;
  auto env = PlaytableEnv::Create(options);
  if (!env.ok()) return env.error();
  return std::unique_ptr<Env>(std::move(env).value());
}

Status PlaytableFamily::WriteInitStates(const SuiteSpec& suite, const TaskSpec& task) const {
  return Error{suite.path + ": task '" + task.name +
               "': the playtable family stores no initial states (each chain's start scene is derived from its "
               "symbolic start state)"};
}

Result<std::vector<ChainSpec>> PlaytableFamily::GenerateChains(const SuiteSpec& suite, const std::string& generator,
                                                               int count) const {
  if (generator != kCalvinGenerator && generator != kPairsGenerator) {
    return Error{"unknown chain generator '" + generator + "' (the playtable family has: " + kCalvinGenerator +
                 ", " + kPairsGenerator + ")"};
  }
  // Suite task index of each play-table task, by name.
  std::vector<int> index_of(PlaytableTasks().size(), -1);
  for (const TaskSpec& t : suite.tasks) {
    const PlaytableTask* task = FindPlaytableTask(t.name);
    if (task == nullptr) return Error{"task '" + t.name + "' is not one of the play table's 34 tasks"};
    index_of[task->id] = t.index;
  }
  auto suite_task = [&](int id, const std::string& chain) -> Result<int> {
    if (index_of[id] < 0) {
      return Error{chain + " needs task '" + PlaytableTasks()[id].name + "', which the suite does not list"};
    }
    return index_of[id];
  };
  std::vector<ChainSpec> chains;
  char name[64];
  if (generator == kPairsGenerator) {
    // Every task from every start state where CALVIN's rules let it start,
    // as a chain of one: the expert's solvability, task by task.
    const std::vector<SymbolicState>& states = StartStates();
    for (size_t i = 0; i < states.size(); ++i) {
      for (const PlaytableTask& task : PlaytableTasks()) {
        if (!ApplyTask(states[i], task.id)) continue;
        std::snprintf(name, sizeof(name), "s%03d_%s", static_cast<int>(i), task.name.c_str());
        auto t = suite_task(task.id, name);
        if (!t.ok()) return t.error();
        chains.push_back(ChainSpec{name, {t.value()}, static_cast<int>(i)});
      }
    }
    if (static_cast<int>(chains.size()) != count) {
      return Error{std::string(kPairsGenerator) + " makes " + std::to_string(chains.size()) +
                   " chains (every valid pair of start state and task), not " + std::to_string(count)};
    }
    return chains;
  }
  for (const EvaluationChain& g : CachedChains(count)) {
    std::snprintf(name, sizeof(name), "chain%04d", static_cast<int>(chains.size()));
    ChainSpec chain;
    chain.name = name;
    chain.init_state = g.start_state_index;
    for (int id : g.task_ids) {
      auto t = suite_task(id, chain.name);
      if (!t.ok()) return t.error();
      chain.subtasks.push_back(t.value());
    }
    chains.push_back(std::move(chain));
  }
  return chains;
}

Status RegisterFamily(FamilyRegistry& registry) { return registry.Register(std::make_unique<PlaytableFamily>()); }

}  // namespace gauntlet::envs::playtable
