#include "policies/registered_experts.h"

#include "harness/check.h"
#include "policies/oracle_policy.h"
#include "policies/playtable_oracle_policy.h"

namespace gauntlet::policies {

void RegisterExperts(FamilyRegistry& registry) {
  auto add = [&](const char* family, ExpertMaker make) {
    if (registry.HasExpert(family)) return;
    const Status status = registry.RegisterExpert(family, std::move(make));
    GAUNTLET_CHECK(status.ok(), status.message());
  };
  add("tabletop", [] { return std::unique_ptr<Policy>(new OraclePolicy()); });
  add("playtable", [] { return std::unique_ptr<Policy>(new PlaytableOraclePolicy()); });
}

}  // namespace gauntlet::policies
