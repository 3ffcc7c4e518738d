// Built-in policies by name, as `gauntlet run --policy NAME` takes them.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "harness/policy.h"
#include "harness/result.h"

namespace gauntlet::policies {

// `family_spec` is the action interface of the suite's family; policies that
// adapt to it (noop, random) take its shape.
Result<std::unique_ptr<Policy>> MakePolicy(const std::string& name, const ActionSpec& family_spec);
std::vector<std::string> BuiltinPolicyNames();

}  // namespace gauntlet::policies
