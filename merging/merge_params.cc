#include "merging/merge_params.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "harness/text_join.h"

namespace gauntlet::merging {

namespace {

bool ParseDouble(const std::string& text, double& value) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  return ec == std::errc() && ptr == end && !text.empty() && std::isfinite(value);
}

bool ParseUnsigned(const std::string& text, uint64_t& value) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  return ec == std::errc() && ptr == end && !text.empty();
}

bool ParseFlag(const std::string& text, bool& value) {
  const bool is_true = text == "true" || text == "1";
  if (!is_true && text != "false" && text != "0") return false;
  value = is_true;
  return true;
}

std::string RangeText(const ParamSpec& spec) {
  const bool low = std::isfinite(spec.min), high = std::isfinite(spec.max);
  if (low && high) return "[" + FormatNumber(spec.min) + ", " + FormatNumber(spec.max) + (spec.max_open ? ")" : "]");
  if (low) return ">= " + FormatNumber(spec.min);
  if (high) return (spec.max_open ? "< " : "<= ") + FormatNumber(spec.max);
  return "any finite number";
}

// The canonical text of `text` for `spec`, or an error naming both.
Result<std::string> Canonical(const std::string& method, const ParamSpec& spec, const std::string& text) {
  const std::string where = method + ": " + spec.key + "=" + text;
  switch (spec.kind) {
    case ParamKind::kNumber: {
      double value = 0;
      if (!ParseDouble(text, value)) return Error{where + " is not a number"};
      if (value < spec.min || value > spec.max || (spec.max_open && value == spec.max)) {
        return Error{where + " is out of range: " + spec.key + " must be " + RangeText(spec)};
      }
      return FormatNumber(value);
    }
    case ParamKind::kInteger: {
      uint64_t value = 0;
      if (!ParseUnsigned(text, value)) return Error{where + " is not a non-negative integer"};
      return std::to_string(value);
    }
    case ParamKind::kFlag: {
      bool value = false;
      if (!ParseFlag(text, value)) return Error{where + " is not true/false/1/0"};
      return std::string(value ? "true" : "false");
    }
    case ParamKind::kChoice:
      if (std::find(spec.choices.begin(), spec.choices.end(), text) == spec.choices.end()) {
        return Error{where + " is not one of " + JoinText(spec.choices, ", ")};
      }
      return text;
  }
  return Error{where + ": unknown kind"};
}

}  // namespace

std::string FormatNumber(double value) {
  char buffer[64];
  auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  GAUNTLET_CHECK(ec == std::errc(), "formatting a double");
  return std::string(buffer, ptr);
}

double ResolvedParams::number(const std::string& key) const {
  double value = 0;
  GAUNTLET_CHECK(ParseDouble(text(key), value), "hyperparameter '" + key + "' is not a number");
  return value;
}

uint64_t ResolvedParams::integer(const std::string& key) const {
  uint64_t value = 0;
  GAUNTLET_CHECK(ParseUnsigned(text(key), value), "hyperparameter '" + key + "' is not an integer");
  return value;
}

bool ResolvedParams::flag(const std::string& key) const {
  bool value = false;
  GAUNTLET_CHECK(ParseFlag(text(key), value), "hyperparameter '" + key + "' is not a flag");
  return value;
}

const std::string& ResolvedParams::text(const std::string& key) const {
  auto it = values_.find(key);
  GAUNTLET_CHECK(it != values_.end(), "hyperparameter '" + key + "' was not declared");
  return it->second;
}

ResolvedParams ResolvedParams::WithPrefix(const std::string& prefix) const {
  std::map<std::string, std::string> inner;
  for (const auto& [key, value] : values_) {
    if (key.rfind(prefix, 0) == 0) inner.emplace(key.substr(prefix.size()), value);
  }
  return ResolvedParams(std::move(inner));
}

Result<ResolvedParams> ResolveParams(const std::string& method, const std::vector<ParamSpec>& specs,
                                     const MergeParams& given) {
  std::vector<std::string> known;
  for (const auto& spec : specs) known.push_back(spec.key);
  std::sort(known.begin(), known.end());
  for (const auto& [key, value] : given) {
    if (!std::binary_search(known.begin(), known.end(), key)) {
      return Error{method + ": unknown hyperparameter '" + key + "'; " + method +
                   (known.empty() ? " takes none" : " takes " + JoinText(known, ", "))};
    }
  }
  std::map<std::string, std::string> values;
  for (const auto& spec : specs) {
    auto it = given.find(spec.key);
    auto value = Canonical(method, spec, it == given.end() ? spec.default_value : it->second);
    if (!value.ok()) return value.error();
    values.emplace(spec.key, std::move(value).value());
  }
  return ResolvedParams(std::move(values));
}

}  // namespace gauntlet::merging
