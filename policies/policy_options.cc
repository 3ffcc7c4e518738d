#include "policies/policy_options.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "harness/text_join.h"

namespace gauntlet::policies {

Result<PolicyOptions> PolicyOptions::Parse(const std::vector<std::string>& items) {
  PolicyOptions options;
  for (const std::string& item : items) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Error{"--policy-opt '" + item + "': expected key=value"};
    }
    const std::string key = item.substr(0, eq);
    if (!options.given_.emplace(key, item.substr(eq + 1)).second) {
      return Error{"--policy-opt: '" + key + "' is given twice"};
    }
  }
  return options;
}

std::string PolicyOptions::String(const std::string& key, const std::string& fallback) {
  known_.insert(key);
  auto it = given_.find(key);
  const std::string value = it == given_.end() ? fallback : it->second;
  resolved_[key] = value;
  return value;
}

Result<double> PolicyOptions::Double(const std::string& key, double fallback) {
  known_.insert(key);
  auto it = given_.find(key);
  double value = fallback;
  if (it != given_.end()) {
    char* end = nullptr;
    errno = 0;
    value = std::strtod(it->second.c_str(), &end);
    if (it->second.empty() || *end != '\0' || errno != 0 || !std::isfinite(value)) {
      return Error{"--policy-opt " + key + "='" + it->second + "': not a number"};
    }
  }
  resolved_[key] = value;
  return value;
}

Result<int> PolicyOptions::Int(const std::string& key, int fallback) {
  known_.insert(key);
  auto it = given_.find(key);
  long value = fallback;
  if (it != given_.end()) {
    char* end = nullptr;
    errno = 0;
    value = std::strtol(it->second.c_str(), &end, 10);
    if (it->second.empty() || *end != '\0' || errno != 0 || value < -2147483647L || value > 2147483647L) {
      return Error{"--policy-opt " + key + "='" + it->second + "': not an integer"};
    }
  }
  resolved_[key] = value;
  return static_cast<int>(value);
}

Result<bool> PolicyOptions::Bool(const std::string& key, bool fallback) {
  known_.insert(key);
  auto it = given_.find(key);
  bool value = fallback;
  if (it != given_.end()) {
    if (it->second == "true" || it->second == "1") value = true;
    else if (it->second == "false" || it->second == "0") value = false;
    else return Error{"--policy-opt " + key + "='" + it->second + "': expected true or false"};
  }
  resolved_[key] = value;
  return value;
}

std::optional<std::string> PolicyOptions::Given(const std::string& key) {
  known_.insert(key);
  auto it = given_.find(key);
  if (it == given_.end()) return std::nullopt;
  return it->second;
}

void PolicyOptions::Record(const std::string& key, nlohmann::json value) { resolved_[key] = std::move(value); }

Status PolicyOptions::CheckAllKnown(const std::string& kind) const {
  std::vector<std::string> unknown;
  for (const auto& [key, value] : given_) {
    if (!known_.count(key)) unknown.push_back("'" + key + "'");
  }
  if (unknown.empty()) return Status::Ok();
  const std::string known = JoinText(std::vector<std::string>(known_.begin(), known_.end()), ", ");
  return Error{"--policy-opt " + JoinText(unknown, ", ") + ": not a setting of " + kind + " policies (known: " +
               (known.empty() ? "none" : known) + ")"};
}

}  // namespace gauntlet::policies
