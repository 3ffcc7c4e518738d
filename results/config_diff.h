// Deciding whether two run configurations are the same, and saying how they
// differ when they are not.
#pragma once

#include <string>

#include "harness/result.h"

namespace gauntlet::results {

// `config_json` re-serialised with sorted keys and no whitespace, so equal
// configurations give equal text however they were written. Must be an object.
Result<std::string> CanonicalizeConfig(const std::string& config_json);

// 16 hex digits of a 64-bit FNV-1a hash of the canonical text: stable across
// machines and builds (std::hash is not), enough to group comparable runs.
std::string HashConfig(const std::string& canonical_config);

// Both objects flattened to dotted paths (arrays index as "a.0"), then every
// added, removed or changed leaf in key order, e.g.
//   protocol.max_steps: 220 -> 300; policy.kind: "oracle" -> (absent)
// Empty when they are equal. Both arguments must be valid JSON.
std::string DescribeConfigChanges(const std::string& before_json, const std::string& after_json);

}  // namespace gauntlet::results
