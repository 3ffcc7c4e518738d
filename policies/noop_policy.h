// `noop`: holds still with the gripper open. A baseline and a smoke test.
#pragma once

#include "harness/policy.h"

namespace gauntlet::policies {

class NoopPolicy : public Policy {
 public:
  explicit NoopPolicy(ActionSpec spec) : spec_(std::move(spec)) {}
  PolicyInfo info() const override;
  void reset(const EpisodeContext&) override {}
  ActionChunk act(const Observation& observation) override;

 private:
  ActionSpec spec_;
};

}  // namespace gauntlet::policies
