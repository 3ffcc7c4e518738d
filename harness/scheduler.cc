#include "harness/scheduler.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "harness/episode_stepper.h"
#include "harness/gl_context.h"
#include "harness/instance_session.h"

namespace gauntlet {

namespace {

using Clock = std::chrono::steady_clock;

// Everything a worker touches. Held by shared_ptr so that an abandoned worker
// that returns after RunSchedule has finished still finds it alive.
struct Shared {
  Shared(std::vector<WorkItem> work_, SuiteSpec suite_, EnvFactory make_env_, PolicyFactory make_policy_,
         ScheduleOptions options_)
      : work(std::move(work_)), suite(std::move(suite_)), make_env(std::move(make_env_)),
        make_policy(std::move(make_policy_)), options(std::move(options_)) {}
  const std::vector<WorkItem> work;
  const SuiteSpec suite;
  const EnvFactory make_env;
  const PolicyFactory make_policy;
  const ScheduleOptions options;
  std::chrono::duration<double> limit{0};  // a call longer than this is hung
  std::atomic<size_t> next{0};

  // The policy side (set before any worker starts).
  std::shared_ptr<Policy> shared_policy;  // a batching policy: one instance for the run
  PolicyInfo shared_info;
  std::string policy_error;               // the first instance could not be made
  std::unique_ptr<PolicyBatcher> batcher; // null: each worker answers its own queries

  std::mutex mu;  // guards everything below and every WorkerWatch's fields
  std::condition_variable cv;
  std::deque<EpisodeOutcome> outcomes;
  std::deque<size_t> retry;            // episodes of an abandoned worker, to run from the start
  std::shared_ptr<Policy> spare;       // the instance made to learn whether the policy batches
  int running = 0;  // workers not finished and not abandoned
  std::string fatal;
};

// What the watchdog knows of one worker.
struct WorkerWatch {
  int slots = 1;
  bool busy = false;  // inside a call on `item` since `since`
  bool abandoned = false;
  size_t item = 0;
  Clock::time_point since;
  std::vector<size_t> held;  // episodes in flight on this worker
  int live = 0;              // of them, those counted as live by the batcher
};

EpisodeOutcome ErrorOutcome(const EpisodeSpec& spec, EpisodeStatus status, std::string why) {
  EpisodeOutcome o;
  o.key = spec.key;
  o.embodiment = spec.embodiment;
  o.status = status;
  o.termination = std::move(why);
  return o;
}

// One episode in flight on a worker, with the world it runs in.
struct EpisodeSlot {
  std::unique_ptr<Env> env;
  int env_task = -1;
  std::string env_world;  // variant id of a world built for one perturbation, "" otherwise
  std::string env_embodiment;
  std::string env_error;
  // A policy that cannot batch: this slot's own instance, its session and info.
  std::shared_ptr<InstanceSession> instance;
  PolicyInfo instance_info;
  std::string instance_error;

  std::shared_ptr<PolicySession> session;
  std::unique_ptr<EpisodeStepper> stepper;  // null: no episode in flight
  size_t item = 0;
  std::uint64_t ticket = 0;  // numbers this slot's queries: a late answer to an old one is dropped
  bool waiting = false;
  bool drained = false;  // no work left for it
};

class WorkerLoop {
 public:
  WorkerLoop(std::shared_ptr<Shared> shared, std::shared_ptr<WorkerWatch> watch)
      : shared_(std::move(shared)), s_(*shared_), watch_(std::move(watch)),
        mailbox_(std::make_shared<Mailbox>()), slots_(watch_->slots) {}

  void Run();

 private:
  bool Abandoned() {
    std::lock_guard<std::mutex> lock(s_.mu);
    return watch_->abandoned;
  }
  void Busy(size_t item) {
    std::lock_guard<std::mutex> lock(s_.mu);
    watch_->busy = true;
    watch_->item = item;
    watch_->since = Clock::now();
  }
  void Idle() {
    std::lock_guard<std::mutex> lock(s_.mu);
    watch_->busy = false;
  }
  std::optional<size_t> TakeItem();
  void Post(size_t item, EpisodeOutcome outcome);
  bool PrepareWorld(EpisodeSlot& slot, const WorkItem& item);
  void Start(EpisodeSlot& slot);
  void Advance(int index);
  void End(EpisodeSlot& slot, EpisodeOutcome outcome);
  void TakeAnswers(std::chrono::milliseconds wait);

  std::shared_ptr<Shared> shared_;
  Shared& s_;
  std::shared_ptr<WorkerWatch> watch_;
  std::shared_ptr<Mailbox> mailbox_;
  std::vector<EpisodeSlot> slots_;
};

std::optional<size_t> WorkerLoop::TakeItem() {
  {
    std::lock_guard<std::mutex> lock(s_.mu);
    if (watch_->abandoned) return std::nullopt;
    if (!s_.retry.empty()) {
      const size_t i = s_.retry.front();
      s_.retry.pop_front();
      watch_->held.push_back(i);
      return i;
    }
  }
  const size_t i = s_.next++;
  if (i >= s_.work.size()) return std::nullopt;
  std::lock_guard<std::mutex> lock(s_.mu);
  watch_->held.push_back(i);
  return i;
}

void WorkerLoop::Post(size_t item, EpisodeOutcome outcome) {
  std::lock_guard<std::mutex> lock(s_.mu);
  watch_->busy = false;
  if (watch_->abandoned) return;  // the watchdog recorded or handed on this episode
  watch_->held.erase(std::find(watch_->held.begin(), watch_->held.end(), item));
  s_.outcomes.push_back(std::move(outcome));
  s_.cv.notify_one();
}

// Builds the slot's world unless the one it has serves `item`; false when it cannot.
bool WorkerLoop::PrepareWorld(EpisodeSlot& slot, const WorkItem& item) {
  const bool own_world = item.spec.perturbation && ChangesWorld(*item.spec.perturbation);
  const std::string world = own_world ? item.spec.key.variant : "";
  const bool task_changed = item.spec.task_index != slot.env_task && (s_.options.world_per_task || slot.env_task < 0);
  if (task_changed || world != slot.env_world || item.spec.embodiment != slot.env_embodiment) {
    slot.env.reset();
    slot.env_error.clear();
    slot.env_task = item.spec.task_index;
    slot.env_world = world;
    slot.env_embodiment = item.spec.embodiment;
    auto made = s_.make_env(s_.suite.tasks.at(slot.env_task), own_world ? item.spec.perturbation : std::nullopt,
                            slot.env_embodiment);
    if (made.ok()) {
      slot.env = std::move(made).value();
    } else {
      slot.env_error = made.error().message;
    }
  }
  return slot.env != nullptr;
}

// Gives the slot its next episode (or marks it drained).
void WorkerLoop::Start(EpisodeSlot& slot) {
  while (true) {
    const std::optional<size_t> next = TakeItem();
    if (!next) {
      slot.drained = true;
      return;
    }
    const WorkItem& item = s_.work[*next];
    Busy(*next);
    if (!PrepareWorld(slot, item)) {
      Post(*next, ErrorOutcome(item.spec, EpisodeStatus::kError, "env: " + slot.env_error));
      continue;
    }
    const PolicyInfo* info = &s_.shared_info;
    if (s_.shared_policy) {
      try {
        slot.session = s_.shared_policy->open_session();
      } catch (const std::exception& e) {
        Post(*next, ErrorOutcome(item.spec, EpisodeStatus::kError, std::string("policy: session: ") + e.what()));
        continue;
      }
    } else {
      if (!slot.instance && slot.instance_error.empty()) {
        std::shared_ptr<Policy> policy;
        {
          std::lock_guard<std::mutex> lock(s_.mu);
          policy = std::move(s_.spare);
        }
        if (!policy && s_.policy_error.empty()) {
          if (auto made = s_.make_policy(); made.ok()) {
            policy = std::move(made).value();
          } else {
            slot.instance_error = made.error().message;
          }
        }
        if (!s_.policy_error.empty()) slot.instance_error = s_.policy_error;
        if (policy) {
          slot.instance_info = policy->info();
          slot.instance = std::make_shared<InstanceSession>(std::move(policy));
        }
      }
      if (!slot.instance) {
        Post(*next, ErrorOutcome(item.spec, EpisodeStatus::kError, "policy: " + slot.instance_error));
        continue;
      }
      slot.session = slot.instance;
      info = &slot.instance_info;
    }
    RunnerOptions runner = s_.options.runner;
    runner.video_path = item.video_path;
    slot.item = *next;
    slot.stepper = std::make_unique<EpisodeStepper>(*slot.env, slot.session, *info, item.spec, item.context, runner);
    if (s_.batcher) {
      {
        std::lock_guard<std::mutex> lock(s_.mu);
        ++watch_->live;
      }
      s_.batcher->AddLive(1);
    }
    return;
  }
}

void WorkerLoop::End(EpisodeSlot& slot, EpisodeOutcome outcome) {
  Post(slot.item, std::move(outcome));
  slot.stepper.reset();
  slot.waiting = false;
  if (s_.shared_policy) slot.session.reset();
  if (!s_.batcher) return;
  {
    std::lock_guard<std::mutex> lock(s_.mu);
    if (watch_->abandoned) return;  // the watchdog uncounted this worker's episodes
    --watch_->live;
  }
  s_.batcher->AddLive(-1);
}

// Runs the slot's episode to its next query (handed over, or answered here
// when there is no batcher) or to its end.
void WorkerLoop::Advance(int index) {
  EpisodeSlot& slot = slots_[index];
  Busy(slot.item);
  bool waiting = false;
  try {
    waiting = slot.stepper->Advance();
    if (!s_.batcher) {
      while (waiting) {
        slot.stepper->Answer(AnswerWithInstance(*slot.session, *slot.stepper->query()));
        waiting = slot.stepper->Advance();
      }
    }
  } catch (const std::exception& e) {
    // An engine bug in one episode must not take the run down; the world is
    // rebuilt for the next episode in case its state is damaged.
    End(slot, ErrorOutcome(s_.work[slot.item].spec, EpisodeStatus::kError, std::string("internal: ") + e.what()));
    slot.env.reset();
    slot.env_task = -1;
    return;
  }
  Idle();
  if (!waiting) return End(slot, slot.stepper->TakeOutcome());
  slot.waiting = true;
  s_.batcher->Submit(PolicyQuery{slot.session, slot.stepper->query()}, mailbox_, index, ++slot.ticket);
}

void WorkerLoop::TakeAnswers(std::chrono::milliseconds wait) {
  for (Mailbox::Delivery& d : mailbox_->Take(wait)) {
    EpisodeSlot& slot = slots_[d.slot];
    if (!slot.waiting || d.ticket != slot.ticket) continue;  // a late answer to a query given up on
    slot.waiting = false;
    slot.stepper->Answer(std::move(d.answer), &d.stats);
    // Its instance may still be inside the call that was left behind: the
    // slot's next episode gets a fresh one.
    if (d.left_behind) slot.instance.reset();
  }
}

void WorkerLoop::Run() {
  auto finish = [&](const std::string& fatal) {
    std::lock_guard<std::mutex> lock(s_.mu);
    if (watch_->abandoned) return;
    if (!fatal.empty()) s_.fatal = fatal;
    --s_.running;
    s_.cv.notify_one();
  };
  std::unique_ptr<GlContext> gl;
  if (s_.options.render) {
    auto created = GlContext::Create(s_.options.render_backend, 64, 64);
    if (!created.ok()) return finish(created.error().message);
    gl = std::move(created).value();
  }
  while (!Abandoned()) {
    bool active = false, advanced = false;
    for (int i = 0; i < static_cast<int>(slots_.size()); ++i) {
      EpisodeSlot& slot = slots_[i];
      if (slot.waiting) {
        active = true;
        continue;
      }
      if (!slot.stepper && !slot.drained) Start(slot);
      if (!slot.stepper) continue;
      active = advanced = true;
      Advance(i);
    }
    if (!active) break;
    if (s_.batcher) TakeAnswers(std::chrono::milliseconds(advanced ? 0 : 100));
  }
  // Destroy the worlds (and their renderers) while the GL context is current.
  slots_.clear();
  finish("");
}

void Worker(std::shared_ptr<Shared> shared, std::shared_ptr<WorkerWatch> watch) {
  WorkerLoop(std::move(shared), std::move(watch)).Run();
}

}  // namespace

Status RunSchedule(const std::vector<WorkItem>& work, const SuiteSpec& suite, const EnvFactory& make_env,
                   const PolicyFactory& make_policy, const ScheduleOptions& options,
                   const std::function<void(const EpisodeOutcome&)>& on_outcome) {
  auto shared = std::make_shared<Shared>(work, suite, make_env, make_policy, options);
  shared->limit = std::chrono::duration<double>(options.runner.episode_timeout_s + options.watchdog_grace_s);
  const int items = static_cast<int>(work.size());
  if (items == 0) return Status::Ok();

  // One instance tells whether the policy batches; a batching one serves the
  // whole run, any other goes to the first slot that needs one.
  int concurrency = 1, max_batch = 0;
  bool batches = false;
  if (auto first = make_policy(); first.ok()) {
    std::shared_ptr<Policy> policy = std::move(first).value();
    batches = policy->batches();
    concurrency = std::max(1, policy->concurrency());
    max_batch = policy->max_batch();
    if (batches) {
      shared->shared_info = policy->info();
      shared->shared_policy = std::move(policy);
    } else {
      shared->spare = std::move(policy);
    }
  } else {
    shared->policy_error = first.error().message;
  }
  const int requested = options.in_flight > 0 ? options.in_flight : options.workers;
  const int in_flight = std::min(items, std::max(1, requested));
  const int count = std::max(1, std::min(options.workers, in_flight));
  if (batches || in_flight > count) {
    BatchOptions batch = options.batch;
    batch.dispatchers = std::max(batch.dispatchers, concurrency);
    if (max_batch > 0) batch.batch_size = std::min(batch.batch_size, max_batch);
    BatchCall call;
    if (batches) {
      call = [policy = shared->shared_policy](const std::vector<PolicyQuery>& queries) {
        return policy->act_batch(queries);
      };
    } else {
      batch.batch_size = 1;  // one act per call: nothing to gather
      call = [](const std::vector<PolicyQuery>& queries) {
        std::vector<PolicyAnswer> answers;
        for (const PolicyQuery& q : queries) answers.push_back(AnswerWithInstance(*q.session, *q.observation));
        return answers;
      };
    }
    shared->batcher = std::make_unique<PolicyBatcher>(std::move(call), batch);
  }

  std::vector<std::pair<std::thread, std::shared_ptr<WorkerWatch>>> workers;
  auto start_worker = [&](int slots) {
    auto watch = std::make_shared<WorkerWatch>();
    watch->slots = slots;
    workers.emplace_back(std::thread(Worker, shared, watch), watch);
  };
  shared->running = count;
  for (int w = 0; w < count; ++w) start_worker(in_flight / count + (w < in_flight % count ? 1 : 0));

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
      WorkerWatch& watch = *workers[w].second;
      if (watch.abandoned || !watch.busy || Clock::now() - watch.since < shared->limit) continue;
      watch.abandoned = true;
      shared->outcomes.push_back(ErrorOutcome(
          shared->work[watch.item].spec, EpisodeStatus::kTimeout,
          "watchdog: no result after " + std::to_string(static_cast<int>(shared->limit.count())) +
              " s (a policy or render call did not return); its worker was replaced"));
      // Its other episodes run again, from the start, on the workers left.
      for (size_t held : watch.held) {
        if (held != watch.item) shared->retry.push_back(held);
      }
      if (shared->batcher) shared->batcher->AddLive(-watch.live);
      workers[w].first.detach();
      start_worker(watch.slots);  // running stays the same: one abandoned, one new
    }
    if (shared->batcher) {
      lock.unlock();
      shared->batcher->ReplaceHung(shared->limit);
      lock.lock();
    }
  }
  lock.unlock();
  for (auto& [thread, watch] : workers) {
    if (thread.joinable()) thread.join();
  }
  // The batcher goes with `shared`: an abandoned worker may still hand it a query.
  if (!shared->fatal.empty()) return Error{shared->fatal};
  return Status::Ok();
}

}  // namespace gauntlet
