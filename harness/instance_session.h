// The session of a policy that cannot batch: the policy instance itself,
// serving one episode at a time (reset and on_event go straight to it; its
// queries are answered by Policy::act).
#pragma once

#include <memory>

#include "harness/policy.h"

namespace gauntlet {

class InstanceSession : public PolicySession {
 public:
  explicit InstanceSession(std::shared_ptr<Policy> policy) : policy_(std::move(policy)) {}
  void reset(const EpisodeContext& context) override { policy_->reset(context); }
  void on_event(EventSink& sink, const EpisodeKey& key) override { policy_->on_event(sink, key); }
  Policy& policy() { return *policy_; }

 private:
  std::shared_ptr<Policy> policy_;
};

// Answers one query of `session` (an InstanceSession) with Policy::act.
PolicyAnswer AnswerWithInstance(PolicySession& session, const Observation& observation);

}  // namespace gauntlet
