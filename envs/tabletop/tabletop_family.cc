#include "envs/tabletop/tabletop_family.h"

#include <filesystem>

#include "envs/tabletop/tabletop_env.h"
#include "harness/episode.h"

namespace gauntlet::envs::tabletop {

Result<std::unique_ptr<Env>> MakeTabletopEnv(const SuiteSpec& suite, const TaskSpec& task,
                                             int image_width, int image_height, bool shadows) {
  auto bddl = LoadBddlFile(task.file);
  if (!bddl.ok()) return bddl.error();
  TabletopOptions options;
  options.scene.offscreen_width = image_width;
  options.scene.offscreen_height = image_height;
  options.scene.shadows = shadows;
  options.render.width = image_width;
  options.render.height = image_height;
  options.render.shadows = shadows;
  options.instruction = task.instruction;
  auto env = TabletopEnv::Create(bddl.value(), task.init_states, options);
  if (!env.ok()) return env.error();
  return std::unique_ptr<Env>(std::move(env).value());
}

std::uint64_t InitStateSeed(const SuiteSpec& suite, const TaskSpec& task) {
  EpisodeKey key;
  key.suite = suite.name;
  key.task = task.name;
  return DeriveSeed(key, suite.init_state_seed);
}

Status WriteInitStates(const SuiteSpec& suite, const TaskSpec& task) {
  auto bddl = LoadBddlFile(task.file);
  if (!bddl.ok()) return bddl.error();
  auto env = TabletopEnv::CreateWithoutStates(bddl.value(), TabletopOptions{});
  if (!env.ok()) return env.error();
  auto states = GenerateInitStates(env.value()->scene(), env.value()->model(),
                                   suite.protocol.trials, InitStateSeed(suite, task));
  if (!states.ok()) return states.error();
  states.value().task = task.name;
  std::filesystem::create_directories(std::filesystem::path(task.init_states).parent_path());
  return SaveInitStates(states.value(), task.init_states);
}

}  // namespace gauntlet::envs::tabletop
