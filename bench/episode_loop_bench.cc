// Whole episodes through the harness against the raw MuJoCo loop, on the same
// task in the same process: what a run actually gets, where throughput_bench
// times Env::Step alone. LIBERO-Spatial task 0 by default
// (GAUNTLET_BENCH_SUITE / GAUNTLET_BENCH_TASK choose another, of any family).
//
// One episode is the suite's protocol: reset, settle_steps hold-still steps,
// then max_steps policy steps (a hold-still policy never reaches the goal, so
// every episode runs its full length on both sides).
//
//   Episode/<mode>/Harness    RunEpisode(env, policy, spec, context, options):
//                             reset, settle, observations, policy queries,
//                             action checks, success checks, the outcome
//   Episode/<mode>/Raw        mj_copyData from the reset state, then
//                             (settle + max_steps) x substeps x mj_step
//   Schedule/<mode>/Harness/W RunSchedule over W workers (W x kEpisodesPerWorker
//                             episodes) on worlds built beforehand; its threads,
//                             GL contexts and renderers are made in the timed run
//   Schedule/<mode>/Raw/W     W raw loops in W threads side by side, each on its
//                             own copy of the world; threads, GL contexts and
//                             renderers made in the timed run too
//   BuildWorld                one task's world, built as a worker builds it
//
// Modes:
//   StateOnly   the `noop` policy (policies/noop_policy.h), queried every step
//               with state only, as `gauntlet run --policy noop` does
//   Cameras5    a hold-still policy reading both 128x128 cameras, answering
//               5-action chunks (replan every 5); the raw side renders both
//               cameras on the same steps (bench/raw_renderer.h)
//
// Control steps count settle and policy steps alike. After the benchmarks an
// interleaved summary (alternating rounds of raw and harness, medians over
// rounds) gives harness / raw per worker and 2 workers / 1 worker for both
// sides, and the process CPU time per control step of each: on a shared
// machine trust it over the separate runs (wall-clock scaling needs two idle
// cores; on a loaded machine compare instruction counts, bench/README.md).
//
// LP_NUM_THREADS is set to 1 unless given: `gauntlet run` does so with
// several rendering workers, and one llvmpipe thread per context is what
// lets W workers scale on W cores.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <iomanip>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <mujoco/mujoco.h>

#include "bench/raw_renderer.h"
#include "envs/registered_families.h"
#include "harness/episode_runner.h"
#include "harness/family_registry.h"
#include "harness/gl_context.h"
#include "harness/mujoco_handles.h"
#include "harness/mujoco_world.h"
#include "harness/scheduler.h"
#include "harness/suite_spec.h"
#include "policies/noop_policy.h"
#include "gauntlet_build_paths.h"

namespace {

using gauntlet::Env;
using gauntlet::GlContext;
using Clock = std::chrono::steady_clock;

constexpr int kImageSize = 128;          // LIBERO's observation size
constexpr int kReplanSteps = 5;          // Cameras5: one query per 5 steps
constexpr int kEpisodesPerWorker = 2;    // per Schedule iteration and summary round
constexpr double kMinTime = 3;           // seconds per benchmark

enum class Mode { kStateOnly, kCameras5 };

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// CPU time of the whole process (every thread, llvmpipe's included): what a
// side costs, whatever share of the cores other jobs leave it.
double ProcessCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

// One measured stretch: control steps per wall second, and CPU seconds per step.
struct Rate {
  double steps_per_s = 0;
  double cpu_per_step = 0;
};

// The Cameras5 policy: noop's hold-still action, a chunk of kReplanSteps, for
// a policy that reads the family's cameras (they are rendered every query).
class HoldStillWithCameras : public gauntlet::Policy {
 public:
  HoldStillWithCameras(gauntlet::ActionSpec spec, std::vector<std::string> cameras) {
    info_.name = info_.kind = "hold_still_cameras";
    info_.action_spec = std::move(spec);
    info_.action_spec.chunk_length = kReplanSteps;
    info_.needs.cameras = std::move(cameras);
  }
  gauntlet::PolicyInfo info() const override { return info_; }
  void reset(const gauntlet::EpisodeContext&) override {}
  gauntlet::ActionChunk act(const gauntlet::Observation& observation) override {
    for (const auto& [name, image] : observation.images) benchmark::DoNotOptimize(image.rgb.data());
    return gauntlet::ActionChunk{
        std::vector<gauntlet::Action>(kReplanSteps, gauntlet::HoldStillOpen(info_.action_spec)), {}};
  }

 private:
  gauntlet::PolicyInfo info_;
};

// The suite, task and protocol, loaded once; worlds are built from it on demand.
struct Setup {
  gauntlet::SuiteSpec suite;
  const gauntlet::Family* family = nullptr;
  int task = 0;
  std::vector<std::string> cameras;  // every camera the family offers
  int settle_steps = 0, max_steps = 0;
  int init_states = 1;               // episodes cycle over initial states 0..init_states-1
  std::unique_ptr<GlContext> gl;     // the main thread's; null when no backend works
  std::string gl_error;
};

std::unique_ptr<Setup> g_setup;
std::string g_setup_error;

Setup* GetSetup() {
  if (g_setup || !g_setup_error.empty()) return g_setup.get();
  auto setup = std::make_unique<Setup>();
  // Before any renderer: MuJoCo 2.2.2 binds its GL entry points on the first
  // mjr_makeContext in the process.
  auto gl = GlContext::Create("auto", 64, 64);
  if (gl.ok()) {
    setup->gl = std::move(gl).value();
  } else {
    setup->gl_error = gl.error().message;
  }
  auto suite = gauntlet::LoadSuite(
      EnvOr("GAUNTLET_BENCH_SUITE", std::string(GAUNTLET_SOURCE_DIR) + "/suites/libero_spatial.yaml"));
  if (!suite.ok()) {
    g_setup_error = suite.error().message;
    return nullptr;
  }
  setup->suite = std::move(suite).value();
  auto family = gauntlet::Families().FamilyOf(setup->suite);
  if (!family.ok()) {
    g_setup_error = family.error().message;
    return nullptr;
  }
  setup->family = family.value();
  auto selected = setup->suite.SelectTasks(EnvOr("GAUNTLET_BENCH_TASK", "0"));
  if (!selected.ok() || selected.value().size() != 1) {
    g_setup_error = selected.ok() ? "GAUNTLET_BENCH_TASK: name one task" : selected.error().message;
    return nullptr;
  }
  setup->task = selected.value()[0];
  const gauntlet::TaskSpec& task = setup->suite.tasks.at(setup->task);
  setup->settle_steps = setup->suite.protocol.settle_steps;
  setup->max_steps = task.max_steps > 0 ? task.max_steps : setup->suite.protocol.max_steps;
  setup->init_states = std::max(1, std::min(setup->suite.protocol.trials, 8));
  setup->cameras = setup->family->observation_spec(setup->family->default_embodiment(), kImageSize, kImageSize).cameras;
  g_setup = std::move(setup);
  return g_setup.get();
}

gauntlet::Result<std::unique_ptr<Env>> MakeWorld(const Setup& s) {
  gauntlet::WorldRequest request;
  request.suite = &s.suite;
  request.task = &s.suite.tasks.at(s.task);
  request.image_width = kImageSize;
  request.image_height = kImageSize;
  return s.family->MakeEnv(request);
}

gauntlet::WorkItem Episode(const Setup& s, int index) {
  gauntlet::WorkItem item;
  const gauntlet::TaskSpec& task = s.suite.tasks.at(s.task);
  item.spec.key = {s.suite.name, task.name, "default", index % s.init_states, 0};
  item.spec.task_index = s.task;
  item.spec.settle_steps = s.settle_steps;
  item.spec.max_steps = s.max_steps;
  item.context.suite = s.suite.name;
  item.context.init_state = item.spec.key.init_state;
  item.context.seed = gauntlet::DeriveSeed(item.spec.key, 0);
  return item;
}

std::unique_ptr<gauntlet::Policy> MakePolicy(const Env& env, Mode mode) {
  if (mode == Mode::kStateOnly) return std::make_unique<gauntlet::policies::NoopPolicy>(env.action_spec());
  return std::make_unique<HoldStillWithCameras>(env.action_spec(), env.observation_spec().cameras);
}

gauntlet::RunnerOptions Runner(Mode mode) {
  gauntlet::RunnerOptions options;
  options.replan_steps = mode == Mode::kStateOnly ? 1 : kReplanSteps;
  return options;
}

// Control steps an outcome stands for: settling and policy steps.
int64_t StepsOf(const Setup& s, const gauntlet::EpisodeOutcome& o) { return s.settle_steps + o.steps; }

// One raw MuJoCo loop on its own copy of the world: the env is kept only for
// its compiled model and its reset state.
class RawLoop {
 public:
  // Cameras5 with `render`: the renderer belongs to the GL context current on
  // the calling thread.
  static std::unique_ptr<RawLoop> Create(const Setup& s, Mode mode, std::string* error, bool render = true) {
    auto env = MakeWorld(s);
    if (!env.ok()) {
      *error = env.error().message;
      return nullptr;
    }
    auto loop = std::unique_ptr<RawLoop>(new RawLoop());
    loop->env_ = std::move(env).value();
    const auto* sim = dynamic_cast<const gauntlet::MujocoWorld*>(loop->env_.get());
    if (sim == nullptr) {
      *error = "the family's Env does not expose its MuJoCo model";
      return nullptr;
    }
    loop->m_ = sim->model();
    loop->substeps_ = sim->substeps();
    loop->settle_ = s.settle_steps;
    loop->max_steps_ = s.max_steps;
    for (int i = 0; i < s.init_states; ++i) {
      if (auto st = loop->env_->Reset(Episode(s, i).spec); !st.ok()) {
        *error = st.message();
        return nullptr;
      }
      loop->init_.push_back(gauntlet::MakeData(loop->m_));
      mj_copyData(loop->init_.back().get(), loop->m_, sim->data());
    }
    loop->d_ = gauntlet::MakeData(loop->m_);
    const mjModel* m = loop->m_;
    for (int a = 0; a < m->nu; ++a) {
      const bool motor = m->actuator_gaintype[a] == mjGAIN_FIXED && m->actuator_gainprm[a * mjNGAIN] == 1 &&
                         m->actuator_biastype[a] == mjBIAS_NONE && m->actuator_dyntype[a] == mjDYN_NONE;
      if (motor && m->actuator_trntype[a] == mjTRN_JOINT) {
        loop->arm_actuator_.push_back(a);
        loop->arm_dof_.push_back(m->jnt_dofadr[m->actuator_trnid[2 * a]]);
      }
    }
    if (mode == Mode::kCameras5 && render && !loop->StartRendering(s, error)) return nullptr;
    return loop;
  }

  // Builds the renderer in the GL context current on the calling thread.
  bool StartRendering(const Setup& s, std::string* error) {
    renderer_ = std::make_unique<gauntlet::bench::RawRenderer>(m_, s.cameras, kImageSize);
    if (renderer_->cameras_found()) return true;
    *error = "the model lacks one of the family's cameras";
    return false;
  }
  void StopRendering() { renderer_.reset(); }

  // One episode from initial state `index`; returns its control steps. Gravity
  // compensation holds the arm as the harness's controller does (see
  // throughput_bench.cc); cameras render on the steps the policy is queried.
  int64_t RunEpisode(int index) {
    mjData* d = d_.get();
    mj_copyData(d, m_, init_[index % init_.size()].get());
    const int steps = settle_ + max_steps_;
    for (int step = 0; step < steps; ++step) {
      const int t = step - settle_;
      if (renderer_ && t >= 0 && t % kReplanSteps == 0) renderer_->RenderAll(m_, d);
      for (int s = 0; s < substeps_; ++s) {
        for (size_t i = 0; i < arm_actuator_.size(); ++i) d->ctrl[arm_actuator_[i]] = d->qfrc_bias[arm_dof_[i]];
        mj_step(m_, d);
      }
    }
    benchmark::DoNotOptimize(d->qpos[0]);
    return steps;
  }

 private:
  RawLoop() = default;
  std::unique_ptr<Env> env_;
  const mjModel* m_ = nullptr;  // env_'s
  int substeps_ = 1, settle_ = 0, max_steps_ = 0;
  std::vector<gauntlet::DataPtr> init_;  // reset state per initial state
  gauntlet::DataPtr d_;
  std::vector<int> arm_actuator_, arm_dof_;
  std::unique_ptr<gauntlet::bench::RawRenderer> renderer_;  // Cameras5 only
};

// `workers` raw loops side by side, each in its own thread with its own world
// and (Cameras5) its own GL context and renderer, each running `episodes`
// episodes. The worlds are built before the clock starts; threads, GL
// contexts and renderers after, as RunSchedule makes them. Returns control
// steps per second (wall).
Rate RawSideBySide(const Setup& s, Mode mode, int workers, int episodes, std::string* error) {
  std::vector<std::unique_ptr<RawLoop>> loops(workers);
  for (int w = 0; w < workers; ++w) {
    loops[w] = RawLoop::Create(s, mode, error, /*render=*/false);
    if (!loops[w]) return {};
  }
  std::vector<int64_t> steps(workers, 0);
  std::vector<std::string> errors(workers);
  auto work = [&](int w) {
    std::unique_ptr<GlContext> gl;
    if (mode == Mode::kCameras5) {
      auto made = GlContext::Create("auto", 64, 64);
      if (!made.ok()) {
        errors[w] = made.error().message;
        return;
      }
      gl = std::move(made).value();
      if (!loops[w]->StartRendering(s, &errors[w])) return;
    }
    for (int e = 0; e < episodes; ++e) steps[w] += loops[w]->RunEpisode(w * episodes + e);
    loops[w]->StopRendering();  // before its context, on this thread
  };
  const double cpu_start = ProcessCpuSeconds();
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) threads.emplace_back(work, w);
  for (std::thread& t : threads) t.join();
  const double seconds = SecondsSince(start);
  const double cpu = ProcessCpuSeconds() - cpu_start;
  int64_t total = 0;
  for (int w = 0; w < workers; ++w) {
    if (!errors[w].empty()) *error = errors[w];
    total += steps[w];
  }
  if (!error->empty() || total == 0) return {};
  return {total / seconds, cpu / total};
}

// RunSchedule over `workers` workers, `episodes` episodes each, on worlds
// built beforehand (a run builds one per worker and task, outside the loop
// this measures). Returns control steps per second (wall).
Rate HarnessSchedule(const Setup& s, Mode mode, int workers, int episodes, std::string* error) {
  std::vector<std::unique_ptr<Env>> pool;
  for (int w = 0; w < workers; ++w) {
    auto env = MakeWorld(s);
    if (!env.ok()) {
      *error = env.error().message;
      return {};
    }
    pool.push_back(std::move(env).value());
  }
  std::mutex pool_mu;
  auto make_env = [&](const gauntlet::TaskSpec&, const std::optional<gauntlet::Perturbation>&,
                      const std::string&) -> gauntlet::Result<std::unique_ptr<Env>> {
    std::lock_guard<std::mutex> lock(pool_mu);
    if (pool.empty()) return gauntlet::Error{"the bench's world pool is empty"};
    auto env = std::move(pool.back());
    pool.pop_back();
    return env;
  };
  const gauntlet::ActionSpec action_spec = pool.front()->action_spec();
  const std::vector<std::string> cameras = pool.front()->observation_spec().cameras;
  auto make_policy = [&]() -> gauntlet::Result<std::unique_ptr<gauntlet::Policy>> {
    if (mode == Mode::kStateOnly) return std::unique_ptr<gauntlet::Policy>(new gauntlet::policies::NoopPolicy(action_spec));
    return std::unique_ptr<gauntlet::Policy>(new HoldStillWithCameras(action_spec, cameras));
  };
  std::vector<gauntlet::WorkItem> work;
  for (int i = 0; i < workers * episodes; ++i) work.push_back(Episode(s, i));
  gauntlet::ScheduleOptions options;
  options.workers = workers;
  options.render = mode == Mode::kCameras5;
  options.runner = Runner(mode);
  int64_t steps = 0;
  const double cpu_start = ProcessCpuSeconds();
  const auto start = Clock::now();
  gauntlet::Status status = gauntlet::RunSchedule(
      work, s.suite, make_env, make_policy, options, [&](const gauntlet::EpisodeOutcome& o) {
        if (o.status == gauntlet::EpisodeStatus::kError || o.status == gauntlet::EpisodeStatus::kTimeout) {
          *error = o.key.ToString() + ": " + o.termination;
        }
        steps += StepsOf(s, o);
      });
  const double seconds = SecondsSince(start);
  const double cpu = ProcessCpuSeconds() - cpu_start;
  if (!status.ok()) *error = status.message();
  if (!error->empty() || steps == 0) return {};
  return {steps / seconds, cpu / steps};
}

Setup* SetupOrSkip(benchmark::State& state, Mode mode) {
  Setup* s = GetSetup();
  if (s == nullptr) {
    state.SkipWithError(("cannot load the task: " + g_setup_error).c_str());
    return nullptr;
  }
  if (mode == Mode::kCameras5 && !s->gl) {
    state.SkipWithError(("no OpenGL context: " + s->gl_error).c_str());
    return nullptr;
  }
  return s;
}

// One worker, in this thread: one iteration is one whole episode.
void BM_Episode(benchmark::State& state, Mode mode, bool harness) {
  Setup* s = SetupOrSkip(state, mode);
  if (s == nullptr) return;
  std::string error;
  std::unique_ptr<Env> env;
  std::unique_ptr<gauntlet::Policy> policy;
  std::unique_ptr<RawLoop> raw;
  if (harness) {
    auto made = MakeWorld(*s);
    if (!made.ok()) return state.SkipWithError(made.error().message.c_str());
    env = std::move(made).value();
    policy = MakePolicy(*env, mode);
  } else {
    raw = RawLoop::Create(*s, mode, &error);
    if (!raw) return state.SkipWithError(error.c_str());
  }
  const gauntlet::RunnerOptions options = Runner(mode);
  int64_t steps = 0;
  int index = 0;
  for (auto _ : state) {
    if (harness) {
      const gauntlet::WorkItem item = Episode(*s, index++);
      const gauntlet::EpisodeOutcome o = gauntlet::RunEpisode(*env, *policy, item.spec, item.context, options);
      if (o.status == gauntlet::EpisodeStatus::kError) return state.SkipWithError(o.termination.c_str());
      steps += StepsOf(*s, o);
    } else {
      steps += raw->RunEpisode(index++);
    }
  }
  state.counters["steps_per_s"] = benchmark::Counter(static_cast<double>(steps), benchmark::Counter::kIsRate);
}

// `workers` workers: one iteration is kEpisodesPerWorker episodes per worker.
void BM_Schedule(benchmark::State& state, Mode mode, bool harness) {
  Setup* s = SetupOrSkip(state, mode);
  if (s == nullptr) return;
  const int workers = static_cast<int>(state.range(0));
  double weighted = 0, seconds = 0;
  for (auto _ : state) {
    std::string error;
    const auto start = Clock::now();
    const double rate = (harness ? HarnessSchedule(*s, mode, workers, kEpisodesPerWorker, &error)
                                 : RawSideBySide(*s, mode, workers, kEpisodesPerWorker, &error)).steps_per_s;
    if (!error.empty()) return state.SkipWithError(error.c_str());
    const double elapsed = SecondsSince(start);
    weighted += rate * elapsed;
    seconds += elapsed;
  }
  // The loops' own rate (world building excluded), averaged over iterations by time.
  state.counters["steps_per_s"] = seconds > 0 ? weighted / seconds : 0;
}

// What a worker pays once per task before its first episode (outside the
// loops above): scene, compile (under MuJoCo 2.2.2's global mj_loadXML lock,
// so workers building at once take turns), mjData, initial states.
void BM_BuildWorld(benchmark::State& state) {
  Setup* s = SetupOrSkip(state, Mode::kStateOnly);
  if (s == nullptr) return;
  for (auto _ : state) {
    auto env = MakeWorld(*s);
    if (!env.ok()) return state.SkipWithError(env.error().message.c_str());
    benchmark::DoNotOptimize(env.value().get());
  }
}
BENCHMARK(BM_BuildWorld)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(1);

#define EPISODE_BENCHMARK(name, ...)                                                          \
  BENCHMARK_CAPTURE(BM_Episode, name, __VA_ARGS__)->Unit(benchmark::kMillisecond)->UseRealTime() \
      ->MinTime(kMinTime)
#define SCHEDULE_BENCHMARK(name, ...)                                                          \
  BENCHMARK_CAPTURE(BM_Schedule, name, __VA_ARGS__)->Unit(benchmark::kMillisecond)->UseRealTime() \
      ->Iterations(2)->ArgName("workers")->Arg(1)->Arg(2)

EPISODE_BENCHMARK(StateOnly_Harness, Mode::kStateOnly, true);
EPISODE_BENCHMARK(StateOnly_Raw, Mode::kStateOnly, false);
EPISODE_BENCHMARK(Cameras5_Harness, Mode::kCameras5, true);
EPISODE_BENCHMARK(Cameras5_Raw, Mode::kCameras5, false);
SCHEDULE_BENCHMARK(StateOnly_Harness, Mode::kStateOnly, true);
SCHEDULE_BENCHMARK(StateOnly_Raw, Mode::kStateOnly, false);
SCHEDULE_BENCHMARK(Cameras5_Harness, Mode::kCameras5, true);
SCHEDULE_BENCHMARK(Cameras5_Raw, Mode::kCameras5, false);

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n == 0 ? 0 : n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Rounds of {raw 1, harness 1, raw 2, harness 2} (the order reversed every
// other round), each kEpisodesPerWorker episodes per worker; ratios per round,
// medians over rounds: load from elsewhere then falls on all four alike. The
// CPU line (process CPU time per control step) is less load-sensitive than
// wall time, not immune: on a loaded VM cache sharing and steal move it.
void PrintSummary(std::ostream& out, Mode mode, int rounds) {
  Setup* s = GetSetup();
  if (s == nullptr || (mode == Mode::kCameras5 && !s->gl)) return;
  std::vector<double> rate[4], cpu[4];  // raw1, harness1, raw2, harness2
  std::vector<double> per_worker, per_worker2, raw_scaling, harness_scaling, cpu1, cpu2;
  for (int round = 0; round < rounds; ++round) {
    Rate r[4];
    for (int j = 0; j < 4; ++j) {
      const int k = round % 2 == 0 ? j : 3 - j;
      std::string error;
      const int workers = k < 2 ? 1 : 2;
      r[k] = k % 2 == 0 ? RawSideBySide(*s, mode, workers, kEpisodesPerWorker, &error)
                        : HarnessSchedule(*s, mode, workers, kEpisodesPerWorker, &error);
      if (!error.empty()) {
        out << "summary: " << error << "\n";
        return;
      }
    }
    for (int k = 0; k < 4; ++k) {
      rate[k].push_back(r[k].steps_per_s);
      cpu[k].push_back(r[k].cpu_per_step * 1e3);
    }
    per_worker.push_back(r[1].steps_per_s / r[0].steps_per_s);
    per_worker2.push_back(r[3].steps_per_s / r[2].steps_per_s);
    raw_scaling.push_back(r[2].steps_per_s / r[0].steps_per_s);
    harness_scaling.push_back(r[3].steps_per_s / r[1].steps_per_s);
    cpu1.push_back(r[0].cpu_per_step / r[1].cpu_per_step);
    cpu2.push_back(r[2].cpu_per_step / r[3].cpu_per_step);
  }
  out << std::fixed << std::setprecision(1)
      << (mode == Mode::kStateOnly ? "state-only" : "two cameras, replan every 5") << " (interleaved, median of "
      << rounds << " rounds of " << kEpisodesPerWorker << " episodes per worker), control steps/s:\n"
      << "  1 worker:  harness " << Median(rate[1]) << ", raw " << Median(rate[0]) << ", harness/raw "
      << std::setprecision(3) << Median(per_worker) << "\n"
      << std::setprecision(1) << "  2 workers: harness " << Median(rate[3]) << ", raw " << Median(rate[2])
      << ", harness/raw " << std::setprecision(3) << Median(per_worker2) << "\n"
      << "  2 workers / 1 worker: harness " << Median(harness_scaling) << ", raw " << Median(raw_scaling) << "\n"
      << std::setprecision(2) << "  CPU ms per control step, 1 worker: harness " << Median(cpu[1]) << ", raw "
      << Median(cpu[0]) << ", raw/harness " << std::setprecision(3) << Median(cpu1) << std::setprecision(2)
      << "; 2 workers: harness " << Median(cpu[3]) << ", raw " << Median(cpu[2]) << ", raw/harness "
      << std::setprecision(3) << Median(cpu2) << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  setenv("LP_NUM_THREADS", "1", /*overwrite=*/0);
  gauntlet::envs::RegisterFamilies(gauntlet::Families());
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  const int rounds = std::atoi(EnvOr("GAUNTLET_BENCH_ROUNDS", "4").c_str());
  if (GetSetup() != nullptr && rounds > 0) {
    std::cout << "suite " << g_setup->suite.name << ", task " << g_setup->suite.tasks.at(g_setup->task).name
              << ": " << g_setup->settle_steps << " settle + " << g_setup->max_steps << " steps per episode\n";
    if (g_setup->gl) std::cout << "render backend: " << g_setup->gl->description() << "\n";
    PrintSummary(std::cout, Mode::kStateOnly, rounds);
    PrintSummary(std::cout, Mode::kCameras5, rounds);
  } else if (!g_setup_error.empty()) {
    std::cout << "cannot load the task: " << g_setup_error << "\n";
  }
  benchmark::Shutdown();
  g_setup.reset();
  return 0;
}
