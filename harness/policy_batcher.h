// The policy side of a run with episodes in flight. Workers hand their
// episodes' queries over and go on stepping other episodes; dispatcher
// threads gather up to `batch_size` pending queries and answer them with one
// call (Policy::act_batch, or one Policy::act per query for policies that
// cannot batch), then post each answer to the mailbox of the worker that
// asked.
//
// A dispatcher waits at most `max_wait_ms` after the oldest pending query for
// a batch to fill, and not at all once every episode still in flight is
// either waiting in the queue or inside another call (no more queries can
// come): small runs and slow workers never pay the wait. (An episode whose
// answer waits in its worker's mailbox counts as one that may still ask.)
//
// Threads: Submit, SetLive and ReplaceHung from any thread. The state the
// dispatchers share is reference-counted, so a dispatcher stuck in a call that
// never returns can be left behind (ReplaceHung) and finish harmlessly later.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "harness/episode_stepper.h"
#include "harness/policy.h"

namespace gauntlet {

struct BatchOptions {
  int batch_size = 1;      // queries answered by one call, at most
  double max_wait_ms = 5;  // how long the oldest query may wait for a batch to fill
  int dispatchers = 1;     // calls in progress at once
};

// Where one worker's answers arrive.
class Mailbox {
 public:
  struct Delivery {
    int slot = 0;
    std::uint64_t ticket = 0;  // which query of the slot this answers
    PolicyAnswer answer;
    QueryStats stats;
    // The answer is a timeout because the call holding the query was left
    // behind (ReplaceHung): whatever the query's session is may still be in use.
    bool left_behind = false;
  };
  void Post(std::vector<Delivery> deliveries);
  // Everything delivered so far; waits up to `timeout` while nothing is there.
  std::vector<Delivery> Take(std::chrono::milliseconds timeout);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Delivery> ready_;
};

using BatchCall = std::function<std::vector<PolicyAnswer>(const std::vector<PolicyQuery>&)>;

class PolicyBatcher {
 public:
  PolicyBatcher(BatchCall call, BatchOptions options);
  ~PolicyBatcher();  // answers nothing more; joins the dispatchers not left behind
  PolicyBatcher(const PolicyBatcher&) = delete;
  PolicyBatcher& operator=(const PolicyBatcher&) = delete;

  void Submit(PolicyQuery query, std::shared_ptr<Mailbox> mailbox, int slot, std::uint64_t ticket);
  // Episodes in flight (started and not ended): the most queries that can
  // still arrive. Workers add 1 when an episode starts and -1 when it ends.
  void AddLive(int delta);
  // Leaves behind every dispatcher inside one call for longer than `limit`,
  // answers the queries of that call with a PolicyTimeout and starts a fresh
  // dispatcher in its place; returns how many were replaced.
  int ReplaceHung(std::chrono::duration<double> limit);

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace gauntlet
