// Control steps per second of a LIBERO-Spatial task (suites/libero_spatial.yaml,
// task 0): the harness's TabletopEnv side by side with a raw MuJoCo loop on the
// same compiled model, in the same process.
//
//   StateOnly/Harness   env.Step(action)
//   StateOnly/Raw       25 x mj_step
//   Cameras/Harness     env.Step(action) + env.Observe({agentview, wrist})
//   Cameras/Raw         25 x mj_step + per camera mjv_updateScene, mjr_render, mjr_readPixels
//   CamerasEvery5/*     the same, rendering only every 5th step (a policy replanning every 5)
//   Part/*              one call of each piece of a harness step on a fixed state, to say
//                       where the harness spends time beyond the raw loop
//
// One benchmark iteration is one control step (20 Hz, 25 substeps of 2 ms). Both
// sides restart from initial state 0 every kEpisodeSteps steps, outside the timed
// region. Wall-clock time throughout: llvmpipe rasterises on its own threads,
// which the default per-thread CPU timer would not see.
//
// The raw side holds the arm with gravity compensation (ctrl = qfrc_bias of the
// previous substep, 7 copies per substep). With zero torques the arm sags about
// 17 cm within an episode and the raw side simulates a heavier scene (63 instead
// of 50 contacts, 1.8 instead of 1.0 solver iterations per substep); the
// contacts and solver_iters counters show both sides simulate alike.
//
// After the run, a summary line per pair gives harness / raw.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <mujoco/mujoco.h>
#include <unistd.h>

#include "envs/tabletop/osc_controller.h"
#include "envs/tabletop/panda_robot.h"
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
namespace tabletop = gauntlet::envs::tabletop;

constexpr int kTaskIndex = 0;
constexpr int kImageSize = 128;     // pixels, LIBERO's observation size
constexpr int kEpisodeSteps = 200;  // control steps between resets
constexpr int kReplanSteps = 5;     // CamerasEvery5: render on every 5th step
constexpr double kMinTime = 2.5;    // seconds per benchmark
constexpr double kPairedSeconds = 16;  // per pair, both sides together, for the summary

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

// The raw side's renderer, set up as harness/camera_renderer.cc sets up its own:
// MuJoCo's default options, fixed cameras, no shadows, reflections or skybox,
// the smallest font atlas, the offscreen framebuffer. Unlike CameraRenderer it
// updates the scene once per camera (what a plain MuJoCo loop does) and does
// not flip rows.
class RawRenderer {
 public:
  explicit RawRenderer(const mjModel* m) {
    mjv_defaultOption(&option_);
    mjv_defaultCamera(&camera_);
    camera_.type = mjCAMERA_FIXED;
    mjv_defaultScene(&scene_);
    mjv_makeScene(m, &scene_, 2000);
    scene_.flags[mjRND_SHADOW] = 0;
    scene_.flags[mjRND_REFLECTION] = 0;
    scene_.flags[mjRND_SKYBOX] = 0;
    mjr_defaultContext(&context_);
    mjr_makeContext(m, &context_, mjFONTSCALE_50);
    for (const std::string& name : kCameras) {
      camera_ids_.push_back(mj_name2id(m, mjOBJ_CAMERA, name.c_str()));
    }
    pixels_.resize(static_cast<size_t>(kImageSize) * kImageSize * 3);
  }
  ~RawRenderer() {
    mjr_freeContext(&context_);
    mjv_freeScene(&scene_);
  }
  RawRenderer(const RawRenderer&) = delete;
  RawRenderer& operator=(const RawRenderer&) = delete;

  bool cameras_found() const {
    for (int id : camera_ids_) {
      if (id < 0) return false;
    }
    return true;
  }

  void RenderAll(const mjModel* m, mjData* d) {
    // The harness's renderer shares this GL context and binds its own buffer.
    mjr_setBuffer(mjFB_OFFSCREEN, &context_);
    const mjrRect viewport = {0, 0, kImageSize, kImageSize};
    for (int id : camera_ids_) {
      camera_.fixedcamid = id;
      mjv_updateScene(m, d, &option_, /*pert=*/nullptr, &camera_, mjCAT_ALL, &scene_);
      mjr_render(viewport, &scene_, &context_);
      mjr_readPixels(pixels_.data(), /*depth=*/nullptr, viewport, &context_);
    }
    benchmark::DoNotOptimize(pixels_.data());
  }

  // mjv_updateScene alone, for the Part benchmarks.
  void UpdateScene(const mjModel* m, mjData* d) {
    camera_.fixedcamid = camera_ids_.front();
    mjv_updateScene(m, d, &option_, /*pert=*/nullptr, &camera_, mjCAT_ALL, &scene_);
  }

 private:
  mjvOption option_;
  mjvCamera camera_;
  mjvScene scene_;      // owned: mjv_makeScene / mjv_freeScene
  mjrContext context_;  // owned: mjr_makeContext / mjr_freeContext
  std::vector<int> camera_ids_;
  std::vector<unsigned char> pixels_;
};

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
  DataPtr init;                   // env's state right after Reset: the raw side's reset source
  DataPtr raw;                    // the raw side's state
  std::vector<int> arm_actuator, arm_dof;  // for the raw side's gravity compensation
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
  world->init = gauntlet::MakeData(world->m);
  world->raw = gauntlet::MakeData(world->m);
  mj_copyData(world->init.get(), world->m, world->tabletop_env->data());
  for (int i = 0; i < tabletop::PandaSpec::kArmDofs; ++i) {
    const int joint = mj_name2id(world->m, mjOBJ_JOINT, tabletop::ArmJointName(i));
    for (int a = 0; a < world->m->nu; ++a) {
      if (world->m->actuator_trnid[2 * a] == joint) {
        world->arm_actuator.push_back(a);
        world->arm_dof.push_back(world->m->jnt_dofadr[joint]);
      }
    }
  }
  world->actions = MakeActions();
  if (world->gl) world->raw_renderer = std::make_unique<RawRenderer>(world->m);
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

// Physics workload actually simulated, so both sides can be seen to do the same.
struct PhysicsTally {
  double contacts = 0;      // sum over control steps of d->ncon after the step
  double solver_iters = 0;  // sum over control steps of d->solver_iter (last substep)
  void Add(const mjData* d) {
    contacts += d->ncon;
    solver_iters += d->solver_iter;
  }
  void Report(benchmark::State& state, int64_t steps) const {
    state.counters["contacts"] = contacts / std::max<int64_t>(steps, 1);
    state.counters["solver_iters"] = solver_iters / std::max<int64_t>(steps, 1);
  }
};

void ReportRate(benchmark::State& state) {
  state.counters["steps_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// One side of a comparison: control steps from initial state 0, restarted
// every kEpisodeSteps steps.
class Side {
 public:
  virtual ~Side() = default;
  virtual void Reset() = 0;
  // One control step; `step` counts steps since the last Reset, `render` asks
  // for both camera images afterwards. False when the physics diverged.
  virtual bool Step(int step, bool render) = 0;
  virtual const mjData* data() const = 0;
};

class HarnessSide : public Side {
 public:
  explicit HarnessSide(World* w) : w_(w) {}
  void Reset() override { (void)w_->env->Reset(w_->episode); }
  bool Step(int step, bool render) override {
    const gauntlet::StepResult r = w_->env->Step(w_->actions[step]);
    benchmark::DoNotOptimize(r.success);
    if (render) {
      const gauntlet::Observation obs = w_->env->Observe(request_);
      benchmark::DoNotOptimize(obs.images.begin()->second.rgb.data());
    }
    return !r.diverged;
  }
  const mjData* data() const override { return w_->tabletop_env->data(); }

 private:
  World* w_;
  const gauntlet::ObservationRequest request_{kCameras, /*privileged=*/false};
};

class RawSide : public Side {
 public:
  explicit RawSide(World* w) : w_(w) {}
  void Reset() override { mj_copyData(w_->raw.get(), w_->m, w_->init.get()); }
  bool Step(int step, bool render) override {
    const mjModel* m = w_->m;
    mjData* d = w_->raw.get();
    for (int s = 0; s < tabletop::kSubsteps; ++s) {
      for (size_t i = 0; i < w_->arm_actuator.size(); ++i) {
        d->ctrl[w_->arm_actuator[i]] = d->qfrc_bias[w_->arm_dof[i]];
      }
      mj_step(m, d);
    }
    if (render) w_->raw_renderer->RenderAll(m, d);
    return true;
  }
  const mjData* data() const override { return w_->raw.get(); }

 private:
  World* w_;
};

// render_every: 0 = never, 1 = every step, k = every k-th step.
bool RenderAt(int step, int render_every) { return render_every > 0 && step % render_every == 0; }

void RunSide(benchmark::State& state, bool harness, int render_every) {
  World* w = WorldOrSkip(state, render_every > 0);
  if (w == nullptr) return;
  HarnessSide harness_side(w);
  RawSide raw_side(w);
  Side& side = harness ? static_cast<Side&>(harness_side) : raw_side;
  PhysicsTally tally;
  int step = 0;
  side.Reset();
  for (auto _ : state) {
    if (step == kEpisodeSteps) {
      state.PauseTiming();
      side.Reset();
      step = 0;
      state.ResumeTiming();
    }
    if (!side.Step(step, RenderAt(step, render_every))) {
      state.SkipWithError("the physics diverged");
      break;
    }
    tally.Add(side.data());
    ++step;
  }
  ReportRate(state);
  tally.Report(state, state.iterations());
}

// Harness and raw measured in alternating rounds of the same kBlockSteps steps
// (same episode phase, same rendered steps) for the summary. Medians over the
// rounds: load from other processes on a shared machine then falls on both
// sides alike, and a burst of it spoils single rounds, not the result.
struct PairedRates {
  double harness = 0, raw = 0;  // control steps per second (wall clock), median round
  double ratio = 0;             // harness / raw, median round
  int rounds = 0;
};

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n == 0 ? 0 : n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

PairedRates MeasurePaired(World* w, int render_every, double seconds) {
  using Clock = std::chrono::steady_clock;
  constexpr int kBlockSteps = 20;  // divides kEpisodeSteps and is a multiple of kReplanSteps
  HarnessSide harness(w);
  RawSide raw(w);
  Side* sides[2] = {&harness, &raw};
  std::vector<double> rates[2], ratios;
  double total = 0;
  int first = 0;  // first step of the round's block
  for (int round = 0; total < seconds; ++round) {
    double elapsed[2];
    for (int j = 0; j < 2; ++j) {
      const int k = (round + j) % 2;  // alternate which side goes first
      if (first == 0) sides[k]->Reset();
      const auto start = Clock::now();
      for (int step = first; step < first + kBlockSteps; ++step) {
        sides[k]->Step(step, RenderAt(step, render_every));
      }
      elapsed[k] = std::chrono::duration<double>(Clock::now() - start).count();
    }
    for (int k = 0; k < 2; ++k) rates[k].push_back(kBlockSteps / elapsed[k]);
    ratios.push_back(elapsed[1] / elapsed[0]);
    total += elapsed[0] + elapsed[1];
    first = (first + kBlockSteps) % kEpisodeSteps;
  }
  return {Median(rates[0]), Median(rates[1]), Median(ratios), static_cast<int>(ratios.size())};
}

void BM_StateOnly_Harness(benchmark::State& state) { RunSide(state, true, 0); }
void BM_StateOnly_Raw(benchmark::State& state) { RunSide(state, false, 0); }
void BM_Cameras_Harness(benchmark::State& state) { RunSide(state, true, 1); }
void BM_Cameras_Raw(benchmark::State& state) { RunSide(state, false, 1); }
void BM_CamerasEvery5_Harness(benchmark::State& state) { RunSide(state, true, kReplanSteps); }
void BM_CamerasEvery5_Raw(benchmark::State& state) { RunSide(state, false, kReplanSteps); }

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
  tabletop::OscController controller(w->m);
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
  tabletop::OscController controller(w->m);
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

#define THROUGHPUT_BENCHMARK(fn) \
  BENCHMARK(fn)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(kMinTime)
#define PART_BENCHMARK(fn) \
  BENCHMARK(fn)->Unit(benchmark::kMicrosecond)->UseRealTime()->MinTime(1.0)

THROUGHPUT_BENCHMARK(BM_StateOnly_Harness);
THROUGHPUT_BENCHMARK(BM_StateOnly_Raw);
THROUGHPUT_BENCHMARK(BM_Cameras_Harness);
THROUGHPUT_BENCHMARK(BM_Cameras_Raw);
THROUGHPUT_BENCHMARK(BM_CamerasEvery5_Harness);
THROUGHPUT_BENCHMARK(BM_CamerasEvery5_Raw);
PART_BENCHMARK(BM_Part_MjStep);
PART_BENCHMARK(BM_Part_Step1OscStep2);
PART_BENCHMARK(BM_Part_OscTorques);
PART_BENCHMARK(BM_Part_Forward);
PART_BENCHMARK(BM_Part_Goal);
PART_BENCHMARK(BM_Part_UpdateScene);

// Console output as usual, plus each benchmark's rate kept for the summary
// (the median when run with --benchmark_repetitions).
class RateRecorder : public benchmark::ConsoleReporter {
 public:
  // Colour only on a terminal: a reporter passed to RunSpecifiedBenchmarks does
  // not see --benchmark_color.
  RateRecorder() : ConsoleReporter(isatty(STDOUT_FILENO) ? OO_ColorTabular : OO_Tabular) {}

  void ReportRuns(const std::vector<Run>& reports) override {
    ConsoleReporter::ReportRuns(reports);
    for (const Run& run : reports) {
      if (run.error_occurred) continue;
      const std::string name = run.run_name.function_name;
      const auto it = run.counters.find("steps_per_s");
      if (it == run.counters.end()) continue;
      if (run.run_type == Run::RT_Aggregate) {
        if (run.aggregate_name == "median") medians_[name] = it->second.value;
      } else {
        singles_[name] = it->second.value;
      }
    }
  }

  // 0 when the benchmark did not run (filtered out or skipped).
  double Rate(const std::string& name) const {
    if (auto it = medians_.find(name); it != medians_.end()) return it->second;
    if (auto it = singles_.find(name); it != singles_.end()) return it->second;
    return 0;
  }

  // Per pair that ran: the benchmarks' own rates, then an interleaved
  // measurement of `paired_seconds` (the ratio to trust on a loaded machine).
  void PrintSummary(std::ostream& out, double paired_seconds) const {
    struct Pair {
      const char* label;
      const char* prefix;
      int render_every;
    };
    const Pair pairs[] = {{"state-only", "BM_StateOnly", 0},
                          {"cameras every step", "BM_Cameras", 1},
                          {"cameras every 5th step", "BM_CamerasEvery5", kReplanSteps}};
    out << std::fixed;
    for (const Pair& pair : pairs) {
      const double harness = Rate(std::string(pair.prefix) + "_Harness");
      const double raw = Rate(std::string(pair.prefix) + "_Raw");
      if (harness == 0 || raw == 0) continue;
      PrintLine(out, std::string(pair.label) + " (separate runs)", harness, raw, harness / raw);
      const PairedRates paired = MeasurePaired(GetWorld(), pair.render_every, paired_seconds);
      PrintLine(out, std::string(pair.label) + " (interleaved, median of " +
                         std::to_string(paired.rounds) + " rounds)",
                paired.harness, paired.raw, paired.ratio);
    }
  }

 private:
  static void PrintLine(std::ostream& out, const std::string& label, double harness, double raw,
                        double ratio) {
    out << label << ": harness " << std::setprecision(1) << harness << " steps/s, raw " << raw
        << " steps/s, ratio " << std::setprecision(3) << ratio << "\n";
  }

  std::map<std::string, double> singles_, medians_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RateRecorder reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  if (g_world && g_world->gl) std::cout << "render backend: " << g_world->gl->description() << "\n";
  reporter.PrintSummary(std::cout, kPairedSeconds);
  benchmark::Shutdown();
  g_world.reset();  // renderers before their GL context, on this thread
  return 0;
}
