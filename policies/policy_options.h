// Settings of one policy, given as `--policy-opt key=value` (repeatable). Each
// policy kind takes the keys it knows; whatever is left is an error that names
// the key and the keys the kind knows, so a typo never passes silently.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "harness/result.h"

namespace gauntlet::policies {

class PolicyOptions {
 public:
  PolicyOptions() = default;
  // Each item is "key=value"; a repeated key is an error.
  static Result<PolicyOptions> Parse(const std::vector<std::string>& items);

  // The value of `key`, or `fallback`; marks the key as known.
  std::string String(const std::string& key, const std::string& fallback);
  Result<double> Double(const std::string& key, double fallback);
  Result<int> Int(const std::string& key, int fallback);
  Result<bool> Bool(const std::string& key, bool fallback);  // true/false/1/0

  // The text given for `key`, if any; marks the key as known but records
  // nothing: the caller parses it and Records the value in force.
  std::optional<std::string> Given(const std::string& key);
  void Record(const std::string& key, nlohmann::json value);

  // Error naming every key given but never asked for, and the known ones.
  Status CheckAllKnown(const std::string& kind) const;

  // Every known key with the value in force (given or default): recorded as
  // the policy's settings.
  const nlohmann::json& resolved() const { return resolved_; }

 private:
  std::map<std::string, std::string> given_;
  std::set<std::string> known_;
  nlohmann::json resolved_ = nlohmann::json::object();
};

}  // namespace gauntlet::policies
