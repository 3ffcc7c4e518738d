// Control steps per second of one task of a suite (default: LIBERO-Spatial
// task 0; GAUNTLET_BENCH_SUITE and GAUNTLET_BENCH_TASK choose another, of any
// family): the harness's Env, built through the family registry, side by side
// with a raw MuJoCo loop on the same compiled model, in the same process.
//
//   StateOnly/Harness   env.Step(action)
//   StateOnly/Raw       substeps x mj_step
//   Cameras/Harness     env.Step(action) + env.Observe(every camera of the family)
//   Cameras/Raw         substeps x mj_step + per camera mjv_updateScene, mjr_render, mjr_readPixels
//   CamerasEvery5/*     the same, rendering only every 5th step (a policy replanning every 5)
//
// Where a tabletop step spends its time beyond the raw loop:
// bench/tabletop_parts_bench.cc.
//
// One benchmark iteration is one control step. Both sides restart from
// initial state 0 every kEpisodeSteps steps, outside the timed region.
// Wall-clock time throughout: llvmpipe rasterises on its own threads, which
// the default per-thread CPU timer would not see.
//
// The raw side holds the robot with gravity compensation: every torque motor
// (gain 1, no bias) driving a joint gets ctrl = qfrc_bias of its dof from the
// previous substep; position servos keep their reset targets. With zero
// torques an arm sags within an episode and the raw side simulates a heavier
// scene; the contacts and solver_iters counters show both sides simulate alike.
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

#include "bench/raw_renderer.h"
#include "envs/registered_families.h"
#include "harness/episode.h"
#include "harness/family_registry.h"
#include "harness/gl_context.h"
#include "harness/mujoco_handles.h"
#include "harness/mujoco_world.h"
#include "harness/suite_spec.h"
#include "gauntlet_build_paths.h"

namespace {

using gauntlet::Action;
using gauntlet::DataPtr;
using gauntlet::GlContext;
using gauntlet::bench::RawRenderer;
constexpr int kImageSize = 128;     // pixels, LIBERO's observation size
constexpr int kEpisodeSteps = 200;  // control steps between resets
constexpr int kReplanSteps = 5;     // CamerasEvery5: render on every 5th step
constexpr double kMinTime = 2.5;    // seconds per benchmark
constexpr double kPairedSeconds = 16;  // per pair, both sides together, for the summary

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

// For an end-effector delta interface the tool circles slowly in the
// horizontal plane with the gripper open: the arm moves, the controller
// works, and nothing is knocked over (one circle every 40 steps). Other
// interfaces hold still with the gripper open.
std::vector<Action> MakeActions(const gauntlet::ActionSpec& spec) {
  std::vector<Action> actions;
  for (int step = 0; step < kEpisodeSteps; ++step) {
    Action a = gauntlet::HoldStillOpen(spec);
    if (spec.kind == gauntlet::ActionKind::kEefDelta && spec.dim >= 3) {
      const double phase = 2 * M_PI * step / 40.0;
      a[0] = 0.2 * std::cos(phase);
      a[1] = 0.2 * std::sin(phase);
    }
    actions.push_back(a);
  }
  return actions;
}

// Everything the benchmarks share, built once. Members are destroyed in reverse
// order: the renderers (env's and raw) before the GL context they belong to.
struct World {
  std::unique_ptr<GlContext> gl;  // null when no backend works: camera benchmarks skip
  std::string gl_error;
  gauntlet::SuiteSpec suite;
  gauntlet::EpisodeSpec episode;  // the task, initial state 0
  std::unique_ptr<gauntlet::Env> env;
  const gauntlet::MujocoWorld* sim = nullptr;  // env's model and state; not owned
  const mjModel* m = nullptr;     // env's compiled model; not owned
  std::vector<std::string> cameras;  // every camera the family offers
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
  const std::string suite_path =
      EnvOr("GAUNTLET_BENCH_SUITE", std::string(GAUNTLET_SOURCE_DIR) + "/suites/libero_spatial.yaml");
  auto suite = gauntlet::LoadSuite(suite_path);
  if (!suite.ok()) {
    g_world_error = suite.error().message;
    return nullptr;
  }
  world->suite = std::move(suite).value();
  auto family = gauntlet::Families().FamilyOf(world->suite);
  if (!family.ok()) {
    g_world_error = family.error().message;
    return nullptr;
  }
  auto selected = world->suite.SelectTasks(EnvOr("GAUNTLET_BENCH_TASK", "0"));
  if (!selected.ok() || selected.value().size() != 1) {
    g_world_error = selected.ok() ? "GAUNTLET_BENCH_TASK: name one task" : selected.error().message;
    return nullptr;
  }
  const gauntlet::TaskSpec& task = world->suite.tasks.at(selected.value()[0]);
  gauntlet::WorldRequest request;
  request.suite = &world->suite;
  request.task = &task;
  request.image_width = kImageSize;
  request.image_height = kImageSize;
  auto env = family.value()->MakeEnv(request);
  if (!env.ok()) {
    g_world_error = env.error().message;
    return nullptr;
  }
  world->env = std::move(env).value();
  world->sim = dynamic_cast<const gauntlet::MujocoWorld*>(world->env.get());
  if (world->sim == nullptr) {
    g_world_error = "the " + family.value()->name() + " family's Env does not expose its MuJoCo model";
    return nullptr;
  }
  world->m = world->sim->model();
  world->cameras = world->env->observation_spec().cameras;
  world->episode.key.suite = world->suite.name;
  world->episode.key.task = task.name;
  world->episode.key.init_state = 0;
  world->episode.task_index = task.index;
  if (auto st = world->env->Reset(world->episode); !st.ok()) {
    g_world_error = st.message();
    return nullptr;
  }
  world->init = gauntlet::MakeData(world->m);
  world->raw = gauntlet::MakeData(world->m);
  mj_copyData(world->init.get(), world->m, world->sim->data());
  const mjModel* m = world->m;
  for (int a = 0; a < m->nu; ++a) {
    const bool motor = m->actuator_gaintype[a] == mjGAIN_FIXED && m->actuator_gainprm[a * mjNGAIN] == 1 &&
                       m->actuator_biastype[a] == mjBIAS_NONE && m->actuator_dyntype[a] == mjDYN_NONE;
    if (motor && m->actuator_trntype[a] == mjTRN_JOINT) {
      world->arm_actuator.push_back(a);
      world->arm_dof.push_back(m->jnt_dofadr[m->actuator_trnid[2 * a]]);
    }
  }
  world->actions = MakeActions(world->env->action_spec());
  if (world->gl) world->raw_renderer = std::make_unique<RawRenderer>(world->m, world->cameras, kImageSize);
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
    state.SkipWithError("the model lacks one of the family's cameras");
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
  const mjData* data() const override { return w_->sim->data(); }

 private:
  World* w_;
  const gauntlet::ObservationRequest request_{w_->cameras, /*privileged=*/false};
};

class RawSide : public Side {
 public:
  explicit RawSide(World* w) : w_(w) {}
  void Reset() override { mj_copyData(w_->raw.get(), w_->m, w_->init.get()); }
  bool Step(int step, bool render) override {
    const mjModel* m = w_->m;
    mjData* d = w_->raw.get();
    for (int s = 0; s < w_->sim->substeps(); ++s) {
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

#define THROUGHPUT_BENCHMARK(fn) \
  BENCHMARK(fn)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(kMinTime)

THROUGHPUT_BENCHMARK(BM_StateOnly_Harness);
THROUGHPUT_BENCHMARK(BM_StateOnly_Raw);
THROUGHPUT_BENCHMARK(BM_Cameras_Harness);
THROUGHPUT_BENCHMARK(BM_Cameras_Raw);
THROUGHPUT_BENCHMARK(BM_CamerasEvery5_Harness);
THROUGHPUT_BENCHMARK(BM_CamerasEvery5_Raw);

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
  gauntlet::envs::RegisterFamilies(gauntlet::Families());
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RateRecorder reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  if (g_world) {
    std::cout << "suite " << g_world->suite.name << " (" << g_world->suite.family << "), task "
              << g_world->episode.key.task << "\n";
  }
  if (g_world && g_world->gl) std::cout << "render backend: " << g_world->gl->description() << "\n";
  reporter.PrintSummary(std::cout, kPairedSeconds);
  benchmark::Shutdown();
  g_world.reset();  // renderers before their GL context, on this thread
  return 0;
}
