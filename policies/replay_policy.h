// `replay`: replays the actions a stored episode executed, one per step, for
// the same task and initial state. With the same world and configuration the
// replayed episode reproduces the stored outcome and final state hash.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "harness/policy.h"

namespace gauntlet::policies {

class ReplayPolicy : public Policy {
 public:
  // (task, init_state) -> executed actions; `source` names the run in messages.
  using Recordings = std::map<std::pair<std::string, int>, std::vector<Action>>;
  ReplayPolicy(ActionSpec spec, Recordings recordings, std::string source);

  PolicyInfo info() const override;
  void reset(const EpisodeContext& context) override;
  ActionChunk act(const Observation& observation) override;

 private:
  ActionSpec spec_;
  Recordings recordings_;
  std::string source_;
  const std::vector<Action>* current_ = nullptr;
  std::string missing_;  // why there is nothing to replay for this episode
};

}  // namespace gauntlet::policies
