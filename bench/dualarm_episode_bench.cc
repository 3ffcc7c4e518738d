// Where a dual-arm episode's time goes: compiling and settling a seed's scene
// (the family builds the scene per episode, as RoboTwin's setup_demo does),
// a control step state-only (20 physics steps of 2 ms with the joint-space
// waypoint), and a step with the head and both wrist cameras at RoboTwin's
// 320 x 240. Harness vs raw MuJoCo on the same model is throughput_bench's
// job (GAUNTLET_BENCH_SUITE=suites/robotwin.yaml).
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "envs/registered_families.h"
#include "harness/family_registry.h"
#include "gauntlet_build_paths.h"
#include "harness/gl_context.h"

namespace {

// The family reached as every caller reaches it: the registry, a suite, a world request.
struct World {
  gauntlet::SuiteSpec suite;
  std::unique_ptr<gauntlet::Env> env;
};

std::unique_ptr<World> MakeWorld() {
  gauntlet::envs::RegisterFamilies(gauntlet::Families());
  auto world = std::make_unique<World>();
  auto suite = gauntlet::LoadSuite(std::string(GAUNTLET_SOURCE_DIR) + "/suites/robotwin.yaml");
  if (!suite.ok()) return nullptr;
  world->suite = std::move(suite).value();
  auto family = gauntlet::Families().FamilyOf(world->suite);
  auto task = world->suite.SelectTasks("place_container_plate");
  if (!family.ok() || !task.ok()) return nullptr;
  gauntlet::WorldRequest request;
  request.suite = &world->suite;
  request.task = &world->suite.tasks[task.value()[0]];
  request.image_width = world->suite.image_width;
  request.image_height = world->suite.image_height;
  auto env = family.value()->MakeEnv(request);
  if (!env.ok()) return nullptr;
  world->env = std::move(env).value();
  return world;
}

gauntlet::EpisodeSpec Episode(int init_state) {
  gauntlet::EpisodeSpec spec;
  spec.key = {"robotwin", "place_container_plate", "default", init_state, 0};
  return spec;
}

// A new seed each iteration: its scene is compiled and settled.
void BM_ResetToANewSeed(benchmark::State& state) {
  constexpr int kSeeds = 64;  // of the task's stored list
  auto world = MakeWorld();
  if (!world) return state.SkipWithError("cannot build the dual-arm world");
  int i = 0;
  for (auto _ : state) {
    if (!world->env->Reset(Episode(i++ % kSeeds)).ok()) return state.SkipWithError("reset failed");
  }
}
BENCHMARK(BM_ResetToANewSeed)->Unit(benchmark::kMillisecond);

void Steps(benchmark::State& state, bool cameras) {
  std::unique_ptr<gauntlet::GlContext> gl;
  if (cameras) {
    auto made = gauntlet::GlContext::Create("auto", 64, 64);
    if (!made.ok()) return state.SkipWithError(made.error().message.c_str());
    gl = std::move(made).value();
  }
  auto world = MakeWorld();
  if (!world || !world->env->Reset(Episode(0)).ok()) return state.SkipWithError("cannot build the dual-arm world");
  gauntlet::Env& env = *world->env;
  const gauntlet::Action hold = env.SettleAction();
  const gauntlet::ObservationRequest request{env.observation_spec().cameras, false};  // head and both wrists
  for (auto _ : state) {
    env.Step(hold);
    if (cameras) benchmark::DoNotOptimize(env.Observe(request));
  }
  state.SetItemsProcessed(state.iterations());  // control steps
}
void BM_ControlStepStateOnly(benchmark::State& state) { Steps(state, false); }
void BM_ControlStepThreeCameras(benchmark::State& state) { Steps(state, true); }
BENCHMARK(BM_ControlStepStateOnly)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ControlStepThreeCameras)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
