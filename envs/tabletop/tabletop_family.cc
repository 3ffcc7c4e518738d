#include "envs/tabletop/tabletop_family.h"

#include <filesystem>

#include "envs/perturbations/perturbation_sampler.h"
#include "envs/tabletop/init_states.h"
#include "envs/tabletop/layout_variant.h"
#include "envs/tabletop/tabletop_env.h"
#include "harness/episode.h"

namespace gauntlet::envs::tabletop {

Result<std::unique_ptr<Env>> MakeTabletopEnv(const SuiteSpec& suite, const TaskSpec& task,
                                             int image_width, int image_height, bool shadows,
                                             const std::optional<Perturbation>& world, int world_states,
                                             const std::map<std::string, ImageSize>& camera_sizes) {
  if (task.file.empty()) return Error{suite.path + ": task '" + task.name + "' needs a BDDL file ('file:')"};
  if (!suite.world.empty()) return Error{suite.path + ": the tabletop family takes no 'world:' settings"};
  auto bddl = LoadBddlFile(task.file);
  if (!bddl.ok()) return bddl.error();
  TabletopOptions options;
  options.render.width = image_width;
  options.render.height = image_height;
  options.render.camera_sizes = camera_sizes;
  options.render.shadows = shadows;
  const ImageSize largest = LargestRenderSize(options.render);
  options.scene.offscreen_width = largest.width;
  options.scene.offscreen_height = largest.height;
  options.scene.shadows = shadows;
  options.instruction = task.instruction;
  if (world) {
    const ArenaSpec* arena = FindArena(bddl.value().problem_class);
    if (arena == nullptr) return Error{task.file + ": unknown problem class"};
    auto rewritten = ApplyLayout(bddl.value(), *world, arena->surface);
    if (!rewritten.ok()) return rewritten.error();
    auto env = TabletopEnv::CreateWithoutStates(rewritten.value(), options);
    if (!env.ok()) return env.error();
    const std::uint64_t seed = InitStateSeed(suite, task) ^ SeedOf(world->params.dump());
    auto states = GenerateInitStates(env.value()->scene(), env.value()->model(), world_states, seed);
    if (!states.ok()) return Error{"layout " + world->params.dump() + ": " + states.error().message};
    env.value()->SetInitStates(std::move(states).value());
    return std::unique_ptr<Env>(std::move(env).value());
  }
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

std::vector<ActionSpec> TabletopFamily::action_specs(const std::string&) const { return {TabletopActionSpec()}; }

ObservationSpec TabletopFamily::observation_spec(const std::string&, int image_width, int image_height) const {
  return TabletopObservationSpec(image_width, image_height);
}

std::string TabletopFamily::video_camera() const { return kAgentviewCamera; }

Result<std::unique_ptr<Env>> TabletopFamily::MakeEnv(const WorldRequest& r) const {
  auto embodiment = ResolveEmbodiment(r.embodiment);
  if (!embodiment.ok()) return embodiment.error();
  if (r.action && *r.action != ActionKind::kEefDelta) {
    return Error{std::string("the tabletop family takes eef_delta actions only, not ") + ToString(*r.action)};
  }
  return MakeTabletopEnv(*r.suite, *r.task, r.image_width, r.image_height, r.shadows, r.world, r.world_states,
                         r.camera_sizes);
}

Status TabletopFamily::WriteInitStates(const SuiteSpec& suite, const TaskSpec& task) const {
  return tabletop::WriteInitStates(suite, task);
}

Result<TaskFileInfo> TabletopFamily::ReadTaskFile(const std::string& path) const {
  auto bddl = LoadBddlFile(path);
  if (!bddl.ok()) return bddl.error();
  return TaskFileInfo{bddl.value().language};
}

Status RegisterFamily(FamilyRegistry& registry) { return registry.Register(std::make_unique<TabletopFamily>()); }

}  // namespace gauntlet::envs::tabletop
