// A plug-in policy's declared spec (harness/declared_policy_spec.h: keys,
// types, defaults) with `--policy-opt` over it: every declarable key may be
// given as `--policy-opt key=value`, and wins over what the policy declares.
#pragma once

#include <vector>

#include "harness/declared_policy_spec.h"
#include "policies/policy_options.h"

namespace gauntlet::policies {

// The spec in force: the fixed layers at the front of `layers`, then the keys
// given in `options` (source "--policy-opt"), then the other layers in order,
// then the schema's defaults. Each declarable key is marked known in
// `options` and its value in force recorded in options.resolved() in its JSON
// form. An invalid value is an error naming the key, the value and its
// source; the caller adds the policy's file or URL.
Result<DeclaredPolicySpec> ResolveDeclaredSpec(std::vector<SpecLayer> layers, PolicyOptions& options);

}  // namespace gauntlet::policies
