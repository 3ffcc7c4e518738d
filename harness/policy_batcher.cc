#include "harness/policy_batcher.h"

#include <algorithm>
#include <deque>
#include <string>
#include <thread>

namespace gauntlet {

void Mailbox::Post(std::vector<Delivery> deliveries) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (Delivery& d : deliveries) ready_.push_back(std::move(d));
  }
  cv_.notify_all();
}

std::vector<Mailbox::Delivery> Mailbox::Take(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return !ready_.empty(); });
  std::vector<Delivery> out;
  out.swap(ready_);
  return out;
}

namespace {

using Clock = std::chrono::steady_clock;

struct Pending {
  PolicyQuery query;
  std::shared_ptr<Mailbox> mailbox;
  int slot = 0;
  std::uint64_t ticket = 0;
  Clock::time_point submitted;
};

// Where an answer goes.
struct Addressee {
  std::shared_ptr<Mailbox> mailbox;
  int slot = 0;
  std::uint64_t ticket = 0;
};

// What the watchdog knows of one dispatcher.
struct DispatcherWatch {
  bool calling = false;
  bool left_behind = false;
  Clock::time_point since;
  std::vector<Addressee> in_call;  // the queries of the call in progress
};

}  // namespace

struct PolicyBatcher::State {
  State(BatchCall call, BatchOptions options) : call(std::move(call)), options(options) {}
  const BatchCall call;
  const BatchOptions options;

  std::mutex mu;  // guards everything below
  std::condition_variable cv;
  std::deque<Pending> pending;
  int live = 0;     // episodes in flight
  int in_call = 0;  // queries inside calls now
  bool stop = false;
  std::vector<std::pair<std::thread, std::shared_ptr<DispatcherWatch>>> dispatchers;
};

namespace {

// Answers `batch` with one call; a call that throws, or answers with the
// wrong count, answers every query with that failure.
std::vector<PolicyAnswer> Call(const BatchCall& call, const std::vector<PolicyQuery>& batch) {
  std::vector<PolicyAnswer> answers;
  try {
    answers = call(batch);
    if (answers.size() != batch.size()) {
      throw PolicyError("act_batch returned " + std::to_string(answers.size()) + " answers for " +
                        std::to_string(batch.size()) + " queries");
    }
  } catch (...) {
    answers.assign(batch.size(), PolicyAnswer{{}, std::current_exception()});
  }
  return answers;
}

void Dispatch(std::shared_ptr<PolicyBatcher::State> state, std::shared_ptr<DispatcherWatch> watch) {
  PolicyBatcher::State& s = *state;
  const auto max_wait = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double, std::milli>(s.options.max_wait_ms));
  std::unique_lock<std::mutex> lock(s.mu);
  while (true) {
    s.cv.wait(lock, [&] { return s.stop || watch->left_behind || !s.pending.empty(); });
    if (s.stop || watch->left_behind) return;
    // Gather: until the batch is full, the oldest query has waited long
    // enough, or no further query can arrive.
    const auto deadline = s.pending.front().submitted + max_wait;
    auto can_dispatch = [&] {
      const int n = static_cast<int>(s.pending.size());
      return s.stop || n >= s.options.batch_size || n >= s.live - s.in_call;
    };
    while (!s.pending.empty() && !can_dispatch()) {
      if (s.cv.wait_until(lock, deadline) == std::cv_status::timeout) break;
    }
    if (s.pending.empty()) continue;  // another dispatcher took them
    if (s.stop) return;
    const size_t n = std::min<size_t>(s.pending.size(), std::max(1, s.options.batch_size));
    std::vector<Pending> taken(std::make_move_iterator(s.pending.begin()),
                               std::make_move_iterator(s.pending.begin() + n));
    s.pending.erase(s.pending.begin(), s.pending.begin() + n);
    s.in_call += static_cast<int>(n);
    const auto dispatched = Clock::now();
    watch->calling = true;
    watch->since = dispatched;
    watch->in_call.clear();
    for (const Pending& p : taken) watch->in_call.push_back({p.mailbox, p.slot, p.ticket});
    lock.unlock();

    std::vector<PolicyQuery> batch;
    batch.reserve(n);
    for (const Pending& p : taken) batch.push_back(p.query);
    std::vector<PolicyAnswer> answers = Call(s.call, batch);
    // One post per mailbox, in the batch's order.
    std::vector<std::pair<std::shared_ptr<Mailbox>, std::vector<Mailbox::Delivery>>> posts;
    for (size_t i = 0; i < n; ++i) {
      QueryStats stats;
      stats.queue_wait_ms = std::chrono::duration<double, std::milli>(dispatched - taken[i].submitted).count();
      stats.batch_size = static_cast<int>(n);
      auto it = std::find_if(posts.begin(), posts.end(), [&](const auto& p) { return p.first == taken[i].mailbox; });
      if (it == posts.end()) it = posts.insert(posts.end(), {taken[i].mailbox, {}});
      it->second.push_back({taken[i].slot, taken[i].ticket, std::move(answers[i]), stats});
    }
    for (auto& [mailbox, deliveries] : posts) mailbox->Post(std::move(deliveries));

    lock.lock();
    if (watch->left_behind) return;  // its queries were answered and uncounted then
    s.in_call -= static_cast<int>(n);
    watch->calling = false;
    s.cv.notify_all();  // fewer queries in calls: a gathering dispatcher may go now
  }
}

void StartDispatcher(const std::shared_ptr<PolicyBatcher::State>& state) {
  auto watch = std::make_shared<DispatcherWatch>();
  state->dispatchers.emplace_back(std::thread(Dispatch, state, watch), watch);
}

}  // namespace

PolicyBatcher::PolicyBatcher(BatchCall call, BatchOptions options)
    : state_(std::make_shared<State>(std::move(call), options)) {
  std::lock_guard<std::mutex> lock(state_->mu);
  for (int i = 0; i < std::max(1, options.dispatchers); ++i) StartDispatcher(state_);
}

PolicyBatcher::~PolicyBatcher() {
  std::vector<std::pair<std::thread, std::shared_ptr<DispatcherWatch>>> dispatchers;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->stop = true;
    dispatchers.swap(state_->dispatchers);
  }
  state_->cv.notify_all();
  for (auto& [thread, watch] : dispatchers) {
    if (thread.joinable()) thread.join();
  }
}

void PolicyBatcher::Submit(PolicyQuery query, std::shared_ptr<Mailbox> mailbox, int slot, std::uint64_t ticket) {
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->pending.push_back({std::move(query), std::move(mailbox), slot, ticket, Clock::now()});
  }
  state_->cv.notify_all();
}

void PolicyBatcher::AddLive(int delta) {
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->live += delta;
  }
  state_->cv.notify_all();
}

int PolicyBatcher::ReplaceHung(std::chrono::duration<double> limit) {
  std::lock_guard<std::mutex> lock(state_->mu);
  int replaced = 0;
  const size_t count = state_->dispatchers.size();
  for (size_t i = 0; i < count; ++i) {
    auto& [thread, watch] = state_->dispatchers[i];
    if (watch->left_behind || !watch->calling || Clock::now() - watch->since < limit) continue;
    watch->left_behind = true;
    thread.detach();
    const double seconds = std::chrono::duration<double>(Clock::now() - watch->since).count();
    const std::string why = "no answer after " + std::to_string(static_cast<int>(seconds)) +
                            " s (a policy call did not return; it was left behind)";
    for (const Addressee& a : watch->in_call) {
      Mailbox::Delivery d;
      d.slot = a.slot;
      d.ticket = a.ticket;
      d.answer.error = std::make_exception_ptr(PolicyTimeout(why));
      d.left_behind = true;
      a.mailbox->Post({std::move(d)});
    }
    state_->in_call -= static_cast<int>(watch->in_call.size());
    StartDispatcher(state_);  // may reallocate `dispatchers`: `thread` and `watch` are not used after
    ++replaced;
  }
  if (replaced > 0) state_->cv.notify_all();
  return replaced;
}

}  // namespace gauntlet
