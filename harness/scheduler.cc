#include "harness/scheduler.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "harness/gl_context.h"

namespace gauntlet {

namespace {

struct Mailbox {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<EpisodeOutcome> outcomes;
  int running = 0;
  std::string fatal;
};

void Worker(const std::vector<WorkItem>& work, std::atomic<size_t>& next, const SuiteSpec& suite,
            const EnvFactory& make_env, const PolicyFactory& make_policy,
            const ScheduleOptions& options, Mailbox& box) {
  auto post = [&](EpisodeOutcome outcome) {
    std::lock_guard<std::mutex> lock(box.mu);
    box.outcomes.push_back(std::move(outcome));
    box.cv.notify_one();
  };
  std::unique_ptr<GlContext> gl;
  if (options.render) {
    auto created = GlContext::Create(options.render_backend, 64, 64);
    if (!created.ok()) {
      std::lock_guard<std::mutex> lock(box.mu);
      box.fatal = created.error().message;
      --box.running;
      box.cv.notify_one();
      return;
    }
    gl = std::move(created).value();
  }
  std::unique_ptr<Policy> policy;
  std::string policy_error;
  if (auto p = make_policy(); p.ok()) {
    policy = std::move(p).value();
  } else {
    policy_error = p.error().message;
  }
  int env_task = -1;
  std::unique_ptr<Env> env;
  std::string env_error;
  for (size_t i = next++; i < work.size(); i = next++) {
    const WorkItem& item = work[i];
    if (item.spec.task_index != env_task) {
      env.reset();
      env_error.clear();
      env_task = item.spec.task_index;
      auto made = make_env(suite.tasks.at(env_task));
      if (made.ok()) {
        env = std::move(made).value();
      } else {
        env_error = made.error().message;
      }
    }
    if (!env || !policy) {
      EpisodeOutcome failed;
      failed.key = item.spec.key;
      failed.status = EpisodeStatus::kError;
      failed.termination = !policy ? "policy: " + policy_error : "env: " + env_error;
      post(failed);
      continue;
    }
    RunnerOptions runner = options.runner;
    runner.video_path = item.video_path;
    try {
      post(RunEpisode(*env, *policy, item.spec, item.context, runner));
    } catch (const std::exception& e) {
      // An engine bug in one episode must not take the run down; the world is
      // rebuilt for the next episode in case its state is damaged.
      EpisodeOutcome failed;
      failed.key = item.spec.key;
      failed.status = EpisodeStatus::kError;
      failed.termination = std::string("internal: ") + e.what();
      post(failed);
      env.reset();
      env_task = -1;
    }
  }
  std::lock_guard<std::mutex> lock(box.mu);
  --box.running;
  box.cv.notify_one();
}

}  // namespace

Status RunSchedule(const std::vector<WorkItem>& work, const SuiteSpec& suite,
                   const EnvFactory& make_env, const PolicyFactory& make_policy,
                   const ScheduleOptions& options,
                   const std::function<void(const EpisodeOutcome&)>& on_outcome) {
  Mailbox box;
  std::atomic<size_t> next{0};
  const int workers = std::max(1, std::min<int>(options.workers, static_cast<int>(work.size())));
  box.running = workers;
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back(Worker, std::cref(work), std::ref(next), std::cref(suite), std::cref(make_env),
                         std::cref(make_policy), std::cref(options), std::ref(box));
  }
  while (true) {
    std::unique_lock<std::mutex> lock(box.mu);
    box.cv.wait(lock, [&] { return !box.outcomes.empty() || box.running == 0; });
    while (!box.outcomes.empty()) {
      EpisodeOutcome o = std::move(box.outcomes.front());
      box.outcomes.pop_front();
      lock.unlock();
      on_outcome(o);
      lock.lock();
    }
    if (box.running == 0) break;
  }
  for (auto& t : threads) t.join();
  if (!box.fatal.empty()) return Error{box.fatal};
  return Status::Ok();
}

}  // namespace gauntlet
