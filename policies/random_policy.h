// `random`: uniform actions within the family's bounds, seeded from the
// episode key (so two runs of the same episode act identically).
#pragma once

#include <random>

#include "harness/policy.h"

namespace gauntlet::policies {

class RandomPolicy : public Policy {
 public:
  explicit RandomPolicy(ActionSpec spec) : spec_(std::move(spec)) {}
  PolicyInfo info() const override;
  void reset(const EpisodeContext& context) override { rng_.seed(context.seed); }
  ActionChunk act(const Observation& observation) override;

 private:
  ActionSpec spec_;
  std::mt19937_64 rng_;
};

}  // namespace gauntlet::policies
