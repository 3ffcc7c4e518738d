// Episodes per minute of whole runs (RunSchedule) against a policy of fixed
// latency, as a lab serving a VLA on a GPU server sees them: a synthetic
// policy that answers any batch (up to 32 queries) after exactly L ms, on
// LIBERO-Spatial with two 128x128 cameras, replanning every 5 steps. Each
// case runs the same episodes with E episodes in flight and batches of up to
// B; the simulation-only bound is the same episodes with an instant policy
// answered on the workers themselves, measured in the same process first.
//
//   BM_Bound                       instant policy, E = W: the bound
//   BM_Latency/L/E/B               L ms per call
//
// Counters: episodes_per_min, and vs_bound (this case / the bound).
// Flags (beside Google Benchmark's): --workers=W (2), --steps=N (100 control
// steps per episode), --episodes=N (0: max(16, 2E) per case).
// Wall-clock time throughout (one iteration = one whole run).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "envs/registered_families.h"
#include "harness/family_registry.h"
#include "harness/gl_context.h"
#include "harness/scheduler.h"
#include "harness/suite_spec.h"
#include "gauntlet_build_paths.h"

namespace {

using gauntlet::Action;
using gauntlet::ActionChunk;
using gauntlet::Policy;
using gauntlet::PolicyAnswer;
using gauntlet::PolicyQuery;

constexpr int kImageSize = 128;
constexpr int kReplan = 5;
int g_workers = 2;
int g_steps = 100;
int g_episodes = 0;
double g_bound_per_min = 0;

// Answers every batch after `latency_ms`, whatever its size: a server whose
// forward pass costs the same for 1 or 32 observations. The chunk holds still
// with the gripper open, so every episode runs its full step budget.
class FixedLatencyPolicy : public Policy {
 public:
  FixedLatencyPolicy(gauntlet::ActionSpec spec, double latency_ms, bool batches)
      : spec_(std::move(spec)), latency_ms_(latency_ms), batches_(batches) {}
  gauntlet::PolicyInfo info() const override {
    gauntlet::PolicyInfo info;
    info.name = info.kind = "fixed_latency";
    info.action_spec = spec_;
    info.action_spec.chunk_length = kReplan;
    info.needs.cameras = {"agentview", "wrist"};
    return info;
  }
  void reset(const gauntlet::EpisodeContext&) override {}
  ActionChunk act(const gauntlet::Observation&) override {
    Wait();
    return Chunk();
  }
  bool batches() const override { return batches_; }
  int max_batch() const override { return 32; }
  std::shared_ptr<gauntlet::PolicySession> open_session() override {
    return std::make_shared<gauntlet::StatelessSession>();
  }
  std::vector<PolicyAnswer> act_batch(const std::vector<PolicyQuery>& queries) override {
    Wait();
    return std::vector<PolicyAnswer>(queries.size(), PolicyAnswer{Chunk(), {}});
  }

 private:
  void Wait() const {
    if (latency_ms_ > 0) std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(latency_ms_));
  }
  ActionChunk Chunk() const { return ActionChunk{std::vector<Action>(kReplan, gauntlet::HoldStillOpen(spec_)), {}}; }
  gauntlet::ActionSpec spec_;
  double latency_ms_;
  bool batches_;
};

struct Setup {
  gauntlet::SuiteSpec suite;
  const gauntlet::Family* family = nullptr;
  std::string error;
};

const Setup& GetSetup() {
  static const Setup setup = [] {
    Setup s;
    auto suite = gauntlet::LoadSuite(std::string(GAUNTLET_SOURCE_DIR) + "/suites/libero_spatial.yaml");
    if (!suite.ok()) {
      s.error = suite.error().message;
      return s;
    }
    s.suite = std::move(suite).value();
    auto family = gauntlet::Families().FamilyOf(s.suite);
    if (!family.ok()) {
      s.error = family.error().message;
      return s;
    }
    s.family = family.value();
    return s;
  }();
  return setup;
}

// `episodes` episodes, task after task (16 initial states each), as a run
// orders them: a slot rebuilds its world only when the task changes.
std::vector<gauntlet::WorkItem> Work(const gauntlet::SuiteSpec& suite, int episodes) {
  constexpr int kPerTask = 16;
  std::vector<gauntlet::WorkItem> work;
  for (int i = 0; i < episodes; ++i) {
    const gauntlet::TaskSpec& task = suite.tasks[(i / kPerTask) % suite.tasks.size()];
    gauntlet::WorkItem item;
    item.spec.key = {suite.name, task.name, "", i % kPerTask, 7};
    item.spec.task_index = task.index;
    item.spec.settle_steps = suite.protocol.settle_steps;
    item.spec.max_steps = g_steps;
    item.context.instruction = task.instruction;
    item.context.init_state = item.spec.key.init_state;
    work.push_back(item);
  }
  return work;
}

// Runs `episodes` episodes; returns episodes per minute (0 when any failed to run).
double RunOnce(benchmark::State& state, int episodes, int in_flight, int batch, double latency_ms, bool batches) {
  const Setup& setup = GetSetup();
  const auto work = Work(setup.suite, episodes);
  gauntlet::ScheduleOptions options;
  options.workers = g_workers;
  options.render = true;
  options.in_flight = in_flight;
  options.batch.batch_size = batch;
  options.runner.replan_steps = kReplan;
  auto make_env = [&](const gauntlet::TaskSpec& task, const std::optional<gauntlet::Perturbation>& world,
                      const std::string&) {
    gauntlet::WorldRequest request;
    request.suite = &setup.suite;
    request.task = &task;
    request.image_width = kImageSize;
    request.image_height = kImageSize;
    request.world = world;
    return setup.family->MakeEnv(request);
  };
  auto make_policy = [=]() -> gauntlet::Result<std::unique_ptr<Policy>> {
    return std::unique_ptr<Policy>(new FixedLatencyPolicy(setup.family->action_specs("").front(), latency_ms, batches));
  };
  int errors = 0;
  const auto start = std::chrono::steady_clock::now();
  gauntlet::Status s = gauntlet::RunSchedule(work, setup.suite, make_env, make_policy, options,
                                             [&](const gauntlet::EpisodeOutcome& o) {
                                               errors += o.status == gauntlet::EpisodeStatus::kError ||
                                                         o.status == gauntlet::EpisodeStatus::kTimeout;
                                             });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!s.ok() || errors > 0) {
    state.SkipWithError((s.ok() ? std::to_string(errors) + " episodes failed to run" : s.message()).c_str());
    return 0;
  }
  state.SetIterationTime(seconds);
  return 60.0 * episodes / seconds;
}

void BM_Bound(benchmark::State& state) {
  if (!GetSetup().error.empty()) return state.SkipWithError(GetSetup().error.c_str());
  const int episodes = g_episodes > 0 ? g_episodes : 32;
  for (auto _ : state) g_bound_per_min = RunOnce(state, episodes, g_workers, 1, 0, false);
  state.counters["episodes_per_min"] = g_bound_per_min;
  state.counters["workers"] = g_workers;
}

void BM_Latency(benchmark::State& state) {
  if (!GetSetup().error.empty()) return state.SkipWithError(GetSetup().error.c_str());
  const double latency_ms = static_cast<double>(state.range(0));
  const int in_flight = static_cast<int>(state.range(1));
  const int batch = static_cast<int>(state.range(2));
  const int episodes = g_episodes > 0 ? g_episodes : std::max(16, 2 * in_flight);
  double per_min = 0;
  for (auto _ : state) per_min = RunOnce(state, episodes, in_flight, batch, latency_ms, true);
  state.counters["episodes_per_min"] = per_min;
  if (g_bound_per_min > 0) state.counters["vs_bound"] = per_min / g_bound_per_min;
}

BENCHMARK(BM_Bound)->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);
BENCHMARK(BM_Latency)
    ->ArgNames({"L_ms", "E", "B"})
    ->ArgsProduct({{20, 50}, {1, 2, 8, 16, 32}, {1, 8, 16}})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    auto flag = [&](const char* name, int* value) {
      const size_t n = std::strlen(name);
      if (std::strncmp(argv[i], name, n) != 0 || argv[i][n] != '=') return false;
      *value = std::atoi(argv[i] + n + 1);
      return true;
    };
    if (flag("--workers", &g_workers) || flag("--steps", &g_steps) || flag("--episodes", &g_episodes)) continue;
    rest.push_back(argv[i]);
  }
  int rest_argc = static_cast<int>(rest.size());
  gauntlet::envs::RegisterFamilies(gauntlet::Families());
  // llvmpipe: one render thread per worker scales best (TRAPS.md), as `gauntlet run` sets it.
  if (g_workers > 1) setenv("LP_NUM_THREADS", "1", 0);
  // MuJoCo binds its GL entry points on the first context: make one before any world.
  auto gl = gauntlet::GlContext::Create("auto", 64, 64);
  if (!gl.ok()) std::cerr << "no GL context: " << gl.error().message << "\n";
  benchmark::Initialize(&rest_argc, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
