// Where a dual-arm episode's time goes: compiling and settling a seed's scene
// (the family builds the scene per episode, as RoboTwin's setup_demo does),
// a control step state-only (20 physics steps of 2 ms with the joint-space
// waypoint), and a step with the head and both wrist cameras at RoboTwin's
// 320 x 240. Harness vs raw MuJoCo on the same model is throughput_bench's
// job (GAUNTLET_BENCH_SUITE=suites/robotwin.yaml).
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "envs/dualarm/dualarm_env.h"
#include "envs/dualarm/embodiment_mjcf.h"
#include "harness/gl_context.h"

namespace {

using gauntlet::envs::dualarm::DualarmEnv;
using gauntlet::envs::dualarm::DualarmOptions;

std::unique_ptr<DualarmEnv> MakeEnv(int seeds) {
  DualarmOptions options;
  options.task = "place_container_plate";
  for (int i = 0; i < seeds; ++i) options.seeds.push_back(100000 + i);
  options.seeds_source = "bench seeds";
  auto env = DualarmEnv::Create(options);
  return env.ok() ? std::move(env).value() : nullptr;
}

gauntlet::EpisodeSpec Episode(int init_state) {
  gauntlet::EpisodeSpec spec;
  spec.key = {"robotwin", "place_container_plate", "default", init_state, 0};
  return spec;
}

// A new seed each iteration: its scene is compiled and settled.
void BM_ResetToANewSeed(benchmark::State& state) {
  constexpr int kSeeds = 64;
  auto env = MakeEnv(kSeeds);
  if (!env) return state.SkipWithError("cannot build the dual-arm world");
  int i = 0;
  for (auto _ : state) {
    if (!env->Reset(Episode(i++ % kSeeds)).ok()) return state.SkipWithError("reset failed");
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
  auto env = MakeEnv(1);
  if (!env || !env->Reset(Episode(0)).ok()) return state.SkipWithError("cannot build the dual-arm world");
  const gauntlet::Action hold = env->SettleAction();
  const gauntlet::ObservationRequest request{
      {gauntlet::envs::dualarm::kHeadCamera, gauntlet::envs::dualarm::kLeftWristCamera,
       gauntlet::envs::dualarm::kRightWristCamera},
      false};
  for (auto _ : state) {
    env->Step(hold);
    if (cameras) benchmark::DoNotOptimize(env->Observe(request));
  }
  state.SetItemsProcessed(state.iterations());  // control steps
}
void BM_ControlStepStateOnly(benchmark::State& state) { Steps(state, false); }
void BM_ControlStepThreeCameras(benchmark::State& state) { Steps(state, true); }
BENCHMARK(BM_ControlStepStateOnly)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ControlStepThreeCameras)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
