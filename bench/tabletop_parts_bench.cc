// Where a control step of the tabletop family spends its time: each piece of
// a harness step (OSC torques, the split mj_step1/mj_step2 substep against
// plain mj_step, mj_forward, the goal predicates, a scene update) timed alone
// on a fixed state of LIBERO-Spatial task 0. The whole-step comparison with a
// raw MuJoCo loop, for any family, is bench/throughput_bench.cc; this one
// reads the tabletop family's internals on purpose.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <mujoco/mujoco.h>
#include <unistd.h>

#include "bench/raw_renderer.h"
#include "envs/robots/osc_controller.h"
#include "envs/robots/panda_robot.h"
#include "envs/tabletop/predicates.h"
#include "envs/tabletop/tabletop_env.h"
#include "envs/tabletop/tabletop_family.h"
#include "harness/episode.h"
#include "harness/gl_context.h"
#include "harness/mujoco_handles.h"
#include "harness/suite_spec.h"
#include "gauntlet_build_paths.h"

namespace {

using gauntlet::Action;
using gauntlet::DataPtr;
using gauntlet::GlContext;
using gauntlet::bench::RawRenderer;
namespace tabletop = gauntlet::envs::tabletop;

constexpr int kTaskIndex = 0;
constexpr int kImageSize = 128;     // pixels, LIBERO's observation size
constexpr int kEpisodeSteps = 200;  // control steps between resets

const std::vector<std::string> kCameras = {"agentview", "wrist"};

// The tool circles slowly in the horizontal plane with the gripper open: the arm
// moves, the OSC works, and nothing is knocked over. One circle every 2 s.
std::vector<Action> MakeActions() {
  std::vector<Action> actions;
  for (int step = 0; step < kEpisodeSteps; ++step) {
    const double phase = 2 * M_PI * step / 40.0;
    actions.push_back({0.2 * std::cos(phase), 0.2 * std::sin(phase), 0, 0, 0, 0, -1});
  }
  return actions;
}

// Everything the benchmarks share, built once. Members are destroyed in reverse
// order: the renderers (env's and raw) before the GL context they belong to.
struct World {
  std::unique_ptr<GlContext> gl;  // null when no backend works: camera benchmarks skip
  std::string gl_error;
  gauntlet::SuiteSpec suite;
  gauntlet::EpisodeSpec episode;  // task 0, initial state 0
  std::unique_ptr<gauntlet::Env> env;
  tabletop::TabletopEnv* tabletop_env = nullptr;  // env, as its concrete type
  const mjModel* m = nullptr;     // env's compiled model; not owned
  DataPtr raw;                    // the raw side's state
  std::vector<Action> actions;
  std::unique_ptr<RawRenderer> raw_renderer;
};

std::unique_ptr<World> g_world;
std::string g_world_error;

World* GetWorld() {
  if (g_world || !g_world_error.empty()) return g_world.get();
  auto world = std::make_unique<World>();
  // The GL context first: MuJoCo 2.2.2 binds its OpenGL entry points once per
  // process, on the first mjr_makeContext, against whatever is current then.
  auto gl = GlContext::Create("auto", 64, 64);
  if (gl.ok()) {
    world->gl = std::move(gl).value();
  } else {
    world->gl_error = gl.error().message;
  }
  auto suite = gauntlet::LoadSuite(std::string(GAUNTLET_SOURCE_DIR) + "/suites/libero_spatial.yaml");
  if (!suite.ok()) {
    g_world_error = suite.error().message;
    return nullptr;
  }
  world->suite = std::move(suite).value();
  const gauntlet::TaskSpec& task = world->suite.tasks.at(kTaskIndex);
  auto env = tabletop::MakeTabletopEnv(world->suite, task, kImageSize, kImageSize,
                                       /*shadows=*/false);
  if (!env.ok()) {
    g_world_error = env.error().message;
    return nullptr;
  }
  world->env = std::move(env).value();
  world->tabletop_env = &dynamic_cast<tabletop::TabletopEnv&>(*world->env);
  world->m = world->tabletop_env->model();
  world->episode.key.suite = world->suite.name;
  world->episode.key.task = task.name;
  world->episode.key.init_state = 0;
  world->episode.task_index = kTaskIndex;
  if (auto st = world->env->Reset(world->episode); !st.ok()) {
    g_world_error = st.message();
    return nullptr;
  }
  world->raw = gauntlet::MakeData(world->m);
  world->actions = MakeActions();
  if (world->gl) world->raw_renderer = std::make_unique<RawRenderer>(world->m, kCameras, kImageSize);
  g_world = std::move(world);
  return g_world.get();
}

// Null (and the benchmark skipped) when the world or, with `cameras`, GL is missing.
World* WorldOrSkip(benchmark::State& state, bool cameras) {
  World* w = GetWorld();
  if (w == nullptr) {
    state.SkipWithError(("cannot build the task: " + g_world_error).c_str());
    return nullptr;
  }
  if (cameras && !w->gl) {
    state.SkipWithError(("no OpenGL context: " + w->gl_error).c_str());
    return nullptr;
  }
  if (cameras && !w->raw_renderer->cameras_found()) {
    state.SkipWithError("the model lacks the agentview or wrist camera");
    return nullptr;
  }
  return w;
}

// ---- Parts of a harness control step, each timed on a fixed state ----------
// The state is initial state 0 after 20 harness steps (arm moving, objects
// resting), copied into the raw mjData: the timed calls never touch the env.

mjData* PartState(World* w) {
  (void)w->env->Reset(w->episode);
  for (int step = 0; step < 20; ++step) (void)w->env->Step(w->actions[step]);
  mjData* d = w->raw.get();
  mj_copyData(d, w->m, w->tabletop_env->data());
  return d;
}

void ReportCallRate(benchmark::State& state) {
  state.counters["calls_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// One substep's OSC torques (runs 25 times per control step).
void BM_Part_OscTorques(benchmark::State& state) {
  World* w = WorldOrSkip(state, false);
  if (w == nullptr) return;
  mjData* d = PartState(w);
  gauntlet::envs::OscController controller(w->m);
  controller.SetDeltaGoal(d, {0.01, 0, 0, 0, 0, 0});
  for (auto _ : state) {
    controller.ApplyTorques(w->m, d);
    benchmark::ClobberMemory();
  }
  ReportCallRate(state);
}

// The mj_forward after the substeps (once per control step).
void BM_Part_Forward(benchmark::State& state) {
  World* w = WorldOrSkip(state, false);
  if (w == nullptr) return;
  mjData* d = PartState(w);
  for (auto _ : state) {
    mj_forward(w->m, d);
    benchmark::ClobberMemory();
  }
  ReportCallRate(state);
}

// The goal predicates (once per control step).
void BM_Part_Goal(benchmark::State& state) {
  World* w = WorldOrSkip(state, false);
  if (w == nullptr) return;
  mjData* d = PartState(w);
  const tabletop::TabletopScene& scene = w->tabletop_env->scene();
  auto goal = tabletop::GoalEvaluator::Compile(w->m, scene, scene.task.goal);
  if (!goal.ok()) {
    state.SkipWithError(goal.error().message.c_str());
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(goal.value().AllHold(w->m, d));
  ReportCallRate(state);
}

// One physics substep, as the raw loop runs it (mj_step) and as the harness
// does (mj_step1, OSC torques, mj_step2). Restarted from the same state every
// 25 substeps so the workload stays that of the fixed state.
void TimeSubstep(benchmark::State& state, bool split_with_osc) {
  World* w = WorldOrSkip(state, false);
  if (w == nullptr) return;
  mjData* d = PartState(w);
  DataPtr start = gauntlet::MakeData(w->m);
  mj_copyData(start.get(), w->m, d);
  gauntlet::envs::OscController controller(w->m);
  controller.SetDeltaGoal(d, {0.01, 0, 0, 0, 0, 0});
  int substep = 0;
  for (auto _ : state) {
    if (substep == tabletop::kSubsteps) {
      state.PauseTiming();
      mj_copyData(d, w->m, start.get());
      substep = 0;
      state.ResumeTiming();
    }
    if (split_with_osc) {
      mj_step1(w->m, d);
      controller.ApplyTorques(w->m, d);
      mj_step2(w->m, d);
    } else {
      mj_step(w->m, d);
    }
    ++substep;
  }
  ReportCallRate(state);
}
void BM_Part_MjStep(benchmark::State& state) { TimeSubstep(state, false); }
void BM_Part_Step1OscStep2(benchmark::State& state) { TimeSubstep(state, true); }

// One mjv_updateScene (the raw side calls it per camera, the harness once per frame).
void BM_Part_UpdateScene(benchmark::State& state) {
  World* w = WorldOrSkip(state, true);
  if (w == nullptr) return;
  mjData* d = PartState(w);
  for (auto _ : state) w->raw_renderer->UpdateScene(w->m, d);
  ReportCallRate(state);
}

#define PART_BENCHMARK(fn) \
  BENCHMARK(fn)->Unit(benchmark::kMicrosecond)->UseRealTime()->MinTime(1.0)

PART_BENCHMARK(BM_Part_MjStep);
PART_BENCHMARK(BM_Part_Step1OscStep2);
PART_BENCHMARK(BM_Part_OscTorques);
PART_BENCHMARK(BM_Part_Forward);
PART_BENCHMARK(BM_Part_Goal);
PART_BENCHMARK(BM_Part_UpdateScene);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  if (g_world && g_world->gl) std::cout << "render backend: " << g_world->gl->description() << "\n";
  benchmark::Shutdown();
  g_world.reset();  // renderers before their GL context, on this thread
  return 0;
}
