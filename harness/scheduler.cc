#include "harness/scheduler.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "harness/gl_context.h"

namespace gauntlet {

namespace {

using Clock = std::chrono::steady_clock;

// Everything a worker touches. Held by shared_ptr so that an abandoned worker
// that returns after RunSchedule has finished still finds it alive.
struct Shared {
  Shared(std::vector<WorkItem> work_, SuiteSpec suite_, EnvFactory make_env_,
         PolicyFactory make_policy_, ScheduleOptions options_)
      : work(std::move(work_)), suite(std::move(suite_)), make_env(std::move(make_env_)),
        make_policy(std::move(make_policy_)), options(std::move(options_)) {}
  const std::vector<WorkItem> work;
  const SuiteSpec suite;
  const EnvFactory make_env;
  const PolicyFactory make_policy;
  const ScheduleOptions options;
  std::atomic<size_t> next{0};

  std::mutex mu;  // guards everything below and every Slot's fields
  std::condition_variable cv;
  std::deque<EpisodeOutcome> outcomes;
  int running = 0;  // workers not finished and not abandoned
  std::string fatal;
};

// What the watchdog knows of one worker.
struct Slot {
  bool busy = false;
  bool abandoned = false;
  size_t item = 0;
  Clock::time_point since;
};

EpisodeOutcome ErrorOutcome(const EpisodeSpec& spec, EpisodeStatus status, std::string why) {
  EpisodeOutcome o;
  o.key = spec.key;
  o.embodiment = spec.embodiment;
  o.status = status;
  o.termination = std::move(why);
  return o;
}

void Worker(std::shared_ptr<Shared> shared, std::shared_ptr<Slot> slot) {
  Shared& s = *shared;
  auto post = [&](EpisodeOutcome outcome) {
    std::lock_guard<std::mutex> lock(s.mu);
    slot->busy = false;
    if (slot->abandoned) return;  // the watchdog already recorded this episode
    s.outcomes.push_back(std::move(outcome));
    s.cv.notify_one();
  };
  auto finish = [&](const std::string& fatal) {
    std::lock_guard<std::mutex> lock(s.mu);
    if (slot->abandoned) return;
    if (!fatal.empty()) s.fatal = fatal;
    --s.running;
    s.cv.notify_one();
  };
  std::unique_ptr<GlContext> gl;
  if (s.options.render) {
    auto created = GlContext::Create(s.options.render_backend, 64, 64);
    if (!created.ok()) return finish(created.error().message);
    gl = std::move(created).value();
  }
  std::unique_ptr<Policy> policy;
  std::string policy_error;
  if (auto p = s.make_policy(); p.ok()) {
    policy = std::move(p).value();
  } else {
    policy_error = p.error().message;
  }
  int env_task = -1;
  std::string env_world;  // variant id of a world built for one perturbation, "" otherwise
  std::string env_embodiment;
  std::unique_ptr<Env> env;
  std::string env_error;
  for (size_t i = s.next++; i < s.work.size(); i = s.next++) {
    {
      std::lock_guard<std::mutex> lock(s.mu);
      if (slot->abandoned) return;
      slot->busy = true;
      slot->item = i;
      slot->since = Clock::now();
    }
    const WorkItem& item = s.work[i];
    const bool own_world = item.spec.perturbation && ChangesWorld(*item.spec.perturbation);
    const std::string world = own_world ? item.spec.key.variant : "";
    const bool task_changed = item.spec.task_index != env_task && (s.options.world_per_task || env_task < 0);
    if (task_changed || world != env_world || item.spec.embodiment != env_embodiment) {
      env.reset();
      env_error.clear();
      env_task = item.spec.task_index;
      env_world = world;
      env_embodiment = item.spec.embodiment;
      auto made = s.make_env(s.suite.tasks.at(env_task), own_world ? item.spec.perturbation : std::nullopt,
                             env_embodiment);
      if (made.ok()) {
        env = std::move(made).value();
      } else {
        env_error = made.error().message;
      }
    }
    if (!env || !policy) {
      post(ErrorOutcome(item.spec, EpisodeStatus::kError,
                        !policy ? "policy: " + policy_error : "env: " + env_error));
      continue;
    }
    RunnerOptions runner = s.options.runner;
    runner.video_path = item.video_path;
    try {
      post(RunEpisode(*env, *policy, item.spec, item.context, runner));
    } catch (const std::exception& e) {
      // An engine bug in one episode must not take the run down; the world is
      // rebuilt for the next episode in case its state is damaged.
      post(ErrorOutcome(item.spec, EpisodeStatus::kError, std::string("internal: ") + e.what()));
      env.reset();
      env_task = -1;
    }
  }
  finish("");
}

}  // namespace

Status RunSchedule(const std::vector<WorkItem>& work, const SuiteSpec& suite,
                   const EnvFactory& make_env, const PolicyFactory& make_policy,
                   const ScheduleOptions& options,
                   const std::function<void(const EpisodeOutcome&)>& on_outcome) {
  auto shared = std::make_shared<Shared>(work, suite, make_env, make_policy, options);
  struct Running {
    std::thread thread;
    std::shared_ptr<Slot> slot;
  };
  std::vector<Running> workers;
  auto start_worker = [&]() {
    auto slot = std::make_shared<Slot>();
    workers.push_back({std::thread(Worker, shared, slot), slot});
  };
  const int count = std::max(1, std::min<int>(options.workers, static_cast<int>(work.size())));
  shared->running = count;
  for (int w = 0; w < count; ++w) start_worker();

  const auto limit = std::chrono::duration<double>(options.runner.episode_timeout_s + options.watchdog_grace_s);
  std::unique_lock<std::mutex> lock(shared->mu);
  while (true) {
    shared->cv.wait_for(lock, std::chrono::milliseconds(200),
                        [&] { return !shared->outcomes.empty() || shared->running == 0; });
    while (!shared->outcomes.empty()) {
      EpisodeOutcome o = std::move(shared->outcomes.front());
      shared->outcomes.pop_front();
      lock.unlock();
      on_outcome(o);
      lock.lock();
    }
    if (shared->running == 0) break;
    for (size_t w = 0; w < workers.size(); ++w) {
      Slot& slot = *workers[w].slot;
      if (slot.abandoned || !slot.busy || Clock::now() - slot.since < limit) continue;
      slot.abandoned = true;
      shared->outcomes.push_back(ErrorOutcome(
          shared->work[slot.item].spec, EpisodeStatus::kTimeout,
          "watchdog: no result after " + std::to_string(static_cast<int>(limit.count())) +
              " s (a policy or render call did not return); its worker was replaced"));
      workers[w].thread.detach();
      start_worker();  // running stays the same: one abandoned, one new
    }
  }
  lock.unlock();
  for (auto& w : workers) {
    if (w.thread.joinable()) w.thread.join();
  }
  if (!shared->fatal.empty()) return Error{shared->fatal};
  return Status::Ok();
}

}  // namespace gauntlet
