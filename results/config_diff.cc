#include "results/config_diff.h"

#include <map>

#include <nlohmann/json.hpp>

#include "harness/hashing.h"
#include "harness/text_join.h"

namespace gauntlet::results {

namespace {

using Json = nlohmann::json;

// Leaves by dotted path, each rendered as JSON text. Empty objects and arrays
// below the root are leaves too, so that adding "{}" still shows as a change.
void Flatten(const Json& value, const std::string& path, std::map<std::string, std::string>& out) {
  bool is_root = path.empty();
  if (value.is_structured() && (is_root || !value.empty())) {
    if (value.is_object()) {
      for (const auto& [key, child] : value.items()) {
        Flatten(child, is_root ? key : path + "." + key, out);
      }
    } else {
      for (std::size_t i = 0; i < value.size(); ++i) {
        Flatten(value[i], path + "." + std::to_string(i), out);
      }
    }
    return;
  }
  out[path] = value.dump();
}

std::map<std::string, std::string> Leaves(const std::string& json_text) {
  std::map<std::string, std::string> leaves;
  Flatten(Json::parse(json_text), "", leaves);
  return leaves;
}

}  // namespace

Result<std::string> CanonicalizeConfig(const std::string& config_json) {
  Json config = Json::parse(config_json, nullptr, /*allow_exceptions=*/false);
  if (config.is_discarded() || !config.is_object()) {
    return Error{"the run configuration is not a JSON object: " + config_json.substr(0, 80)};
  }
  return config.dump();
}

std::string HashConfig(const std::string& canonical_config) { return Hex16(Fnv1a64(canonical_config)); }

std::string DescribeConfigChanges(const std::string& before_json, const std::string& after_json) {
  // key -> (before, after); a leaf's JSON text is never empty, so "" = absent.
  std::map<std::string, std::pair<std::string, std::string>> leaves;
  for (const auto& [key, value] : Leaves(before_json)) leaves[key].first = value;
  for (const auto& [key, value] : Leaves(after_json)) leaves[key].second = value;

  auto shown = [](const std::string& text) { return text.empty() ? "(absent)" : text; };
  std::vector<std::string> changes;
  for (const auto& [key, values] : leaves) {
    if (values.first == values.second) continue;
    changes.push_back(key + ": " + shown(values.first) + " -> " + shown(values.second));
  }
  return JoinText(changes, "; ");
}

}  // namespace gauntlet::results
