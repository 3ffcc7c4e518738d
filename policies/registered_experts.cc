#include "policies/registered_experts.h"

#include "harness/check.h"
#include "policies/dualarm_oracle_policy.h"
#include "policies/oracle_policy.h"
#include "policies/playtable_oracle_policy.h"
#include "policies/policy_options.h"

namespace gauntlet::policies {

void RegisterExperts(FamilyRegistry& registry) {
  auto add = [&](const char* family, ExpertMaker make) {
    if (registry.HasExpert(family)) return;
    const Status status = registry.RegisterExpert(family, std::move(make));
    GAUNTLET_CHECK(status.ok(), status.message());
  };
  add("tabletop", [](const std::vector<std::string>& settings) -> Result<std::unique_ptr<Policy>> {
    auto options = PolicyOptions::Parse(settings);
    if (!options.ok()) return options.error();
    if (Status s = options.value().CheckAllKnown("oracle"); !s.ok()) return Error{s.message()};
    return std::unique_ptr<Policy>(new OraclePolicy());
  });
  add("playtable", [](const std::vector<std::string>& settings) -> Result<std::unique_ptr<Policy>> {
    auto options = PolicyOptions::Parse(settings);
    if (!options.ok()) return options.error();
    return PlaytableOraclePolicy::Create(std::move(options).value());
  });
  add("dualarm", [](const std::vector<std::string>& settings) -> Result<std::unique_ptr<Policy>> {
    auto options = PolicyOptions::Parse(settings);
    if (!options.ok()) return options.error();
    return DualarmOraclePolicy::Create(std::move(options).value());
  });
}

}  // namespace gauntlet::policies
