// A policy's declared spec (PolicyInfo: action spec and observation needs):
// its stored form, and the check against what a family offers that the runner
// makes before an episode's first step.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "harness/policy.h"

namespace gauntlet {

// The policy's spec in the printed form of declared_policy_spec.h
// ({"action": {kind, dim, low, high, ...}, "needs": {cameras, image_width, ...}})
// as the policy declares it (for an adapted policy: the wrapped one's).
nlohmann::json DeclaredSpecJson(const PolicyInfo& info);

// "upright" or "rotated180" (as ToString writes them).
Result<ImageOrientation> ParseImageOrientation(const std::string& text);

// Whether `policy` can run on a family offering `action` and `offer`: the
// action spec (CheckCompatible), every camera and state key it reads, the
// image size and orientation it expects. The error names both sides and,
// where one exists, the adapter that converts.
Status CheckPolicyFits(const ActionSpec& action, const ObservationSpec& offer, const PolicyInfo& policy);

}  // namespace gauntlet
