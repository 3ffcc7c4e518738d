#include "policies/noop_policy.h"

namespace gauntlet::policies {

PolicyInfo NoopPolicy::info() const {
  PolicyInfo info;
  info.name = "noop";
  info.kind = "noop";
  info.action_spec = spec_;
  return info;
}

ActionChunk NoopPolicy::act(const Observation&) { return ActionChunk{{HoldStillOpen(spec_)}, {}}; }

}  // namespace gauntlet::policies
