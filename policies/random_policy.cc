#include "policies/random_policy.h"

namespace gauntlet::policies {

PolicyInfo RandomPolicy::info() const {
  PolicyInfo info;
  info.name = "random";
  info.kind = "random";
  info.action_spec = spec_;
  return info;
}

ActionChunk RandomPolicy::act(const Observation&) {
  Action a(spec_.dim);
  for (int i = 0; i < spec_.dim; ++i) {
    // From the raw stream: std distributions differ between standard libraries.
    const double u = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
    a[i] = spec_.low[i] + u * (spec_.high[i] - spec_.low[i]);
  }
  return ActionChunk{{a}, {}};
}

}  // namespace gauntlet::policies
