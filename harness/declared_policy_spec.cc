#include "harness/declared_policy_spec.h"

#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "harness/policy_spec.h"
#include "harness/text_join.h"

namespace gauntlet {

namespace {

using Json = nlohmann::json;

Result<int> ParseInteger(const std::string& text, int min) {
  char* end = nullptr;
  errno = 0;
  const long parsed = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0 || parsed < min || parsed > INT_MAX) {
    return Error{"expected an integer >= " + std::to_string(min)};
  }
  return static_cast<int>(parsed);
}

// true/false/1/0, as --policy-opt reads them.
Result<bool> ParseBool(const std::string& text) {
  if (text == "true" || text == "1") return true;
  if (text == "false" || text == "0") return false;
  return Error{"expected true or false"};
}

// Comma-separated names; spaces around a name and empty items are dropped.
std::vector<std::string> ParseNames(const std::string& text) {
  std::vector<std::string> items;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    const size_t first = item.find_first_not_of(' ');
    if (first != std::string::npos) items.push_back(item.substr(first, item.find_last_not_of(' ') + 1 - first));
  }
  return items;
}

Result<std::vector<double>> ParseNumbers(const std::string& text) {
  std::vector<double> values;
  if (text.find_first_not_of(' ') == std::string::npos) return values;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    char* end = nullptr;
    errno = 0;
    const double value = std::strtod(item.c_str(), &end);
    while (*end == ' ') ++end;
    if (item.find_first_not_of(' ') == std::string::npos || *end != '\0' || errno != 0 || !std::isfinite(value)) {
      return Error{"expected finite numbers separated by commas"};
    }
    values.push_back(value);
  }
  return values;
}

// The shortest text that reads back as `value` ("-1", "0.05").
std::string FormatNumber(double value) {
  char text[32];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(text, sizeof text, "%.*g", precision, value);
    if (std::strtod(text, nullptr) == value) break;
  }
  return text;
}

std::string FormatNumbers(const std::vector<double>& values) {
  std::vector<std::string> texts;
  for (double v : values) texts.push_back(FormatNumber(v));
  return JoinText(texts, ",");
}

struct ImageSize {
  int width = 0, height = 0;
};

// "N" (square) or "WxH"; 0 (or 0x0) is any size.
Result<ImageSize> ParseSize(const std::string& text) {
  const Error invalid{"expected N or WxH pixels (0: any size)"};
  const size_t x = text.find('x');
  if (x == std::string::npos) {
    auto side = ParseInteger(text, 0);
    if (!side.ok()) return invalid;
    return ImageSize{side.value(), side.value()};
  }
  auto width = ParseInteger(text.substr(0, x), 0);
  auto height = ParseInteger(text.substr(x + 1), 0);
  if (!width.ok() || !height.ok() || (width.value() == 0) != (height.value() == 0)) return invalid;
  return ImageSize{width.value(), height.value()};
}

std::string FormatSize(int width, int height) {
  return width == height ? std::to_string(width) : std::to_string(width) + "x" + std::to_string(height);
}

// A key's reading into and printing from a spec, as canonical text.
using Setter = Status (*)(const std::string& text, DeclaredPolicySpec& spec);
using Getter = std::string (*)(const DeclaredPolicySpec& spec);

struct Row {
  DeclaredSpecKey key;
  Setter set;
  Getter get;
};

template <class E>
Status SetChoice(const std::string& text, Result<E> (*parse)(const std::string&), E& field) {
  Result<E> parsed = parse(text);
  if (!parsed.ok()) return Error{parsed.error().message};
  field = parsed.value();
  return Status::Ok();
}

Status SetInteger(const std::string& text, int min, int& field) {
  Result<int> parsed = ParseInteger(text, min);
  if (!parsed.ok()) return Error{parsed.error().message};
  field = parsed.value();
  return Status::Ok();
}

Status SetBool(const std::string& text, bool& field) {
  Result<bool> parsed = ParseBool(text);
  if (!parsed.ok()) return Error{parsed.error().message};
  field = parsed.value();
  return Status::Ok();
}

// One value for every dimension, one per dimension, or none. The bounds come
// after action_dim in the table, so the dimension is known.
Status SetBound(const std::string& text, const ActionSpec& action, std::vector<double>& field) {
  auto values = ParseNumbers(text);
  if (!values.ok()) return Error{values.error().message};
  const size_t n = values.value().size();
  if (n == 1) {
    field.assign(action.dim, values.value()[0]);
  } else if (n == 0 || n == static_cast<size_t>(action.dim)) {
    field = values.value();
  } else {
    return Error{"has " + std::to_string(n) + " values, expected 1 or action_dim (" + std::to_string(action.dim) +
                 ")"};
  }
  return Status::Ok();
}

const char* BoolText(bool value) { return value ? "true" : "false"; }

// Rows in the order they are read: a row may use the ones above it.
const std::vector<Row>& Rows() {
  static const std::vector<Row> rows = {
      {{"action_kind", SpecValueType::kChoice, "eef_delta", "action", "kind", true,
        "what an action commands: eef_delta, eef_abs, joint_pos or dual_joint_pos"},
       [](const std::string& t, DeclaredPolicySpec& s) { return SetChoice(t, ParseActionKind, s.action.kind); },
       [](const DeclaredPolicySpec& s) -> std::string { return ToString(s.action.kind); }},
      {{"action_dim", SpecValueType::kInteger, "7", "action", "dim", true,
        "floats per action"},
       [](const std::string& t, DeclaredPolicySpec& s) { return SetInteger(t, 1, s.action.dim); },
       [](const DeclaredPolicySpec& s) { return std::to_string(s.action.dim); }},
      {{"action_low", SpecValueType::kNumbers, "-1", "action", "low", true,
        "lower bound: one value for every dimension or one per dimension; empty: none"},
       [](const std::string& t, DeclaredPolicySpec& s) { return SetBound(t, s.action, s.action.low); },
       [](const DeclaredPolicySpec& s) { return FormatNumbers(s.action.low); }},
      {{"action_high", SpecValueType::kNumbers, "1", "action", "high", true,
        "upper bound, as action_low"},
       [](const std::string& t, DeclaredPolicySpec& s) -> Status {
         if (Status st = SetBound(t, s.action, s.action.high); !st.ok()) return st;
         const std::vector<double>& low = s.action.low;
         const std::vector<double>& high = s.action.high;
         if (low.size() != high.size()) return Error{"bounds must be declared on both sides (action_low) or neither"};
         for (size_t i = 0; i < low.size(); ++i) {
           if (high[i] < low[i]) {
             return Error{"value " + std::to_string(i) + " is below action_low's (" + FormatNumber(low[i]) + ")"};
           }
         }
         return Status::Ok();
       },
       [](const DeclaredPolicySpec& s) { return FormatNumbers(s.action.high); }},
      {{"gripper", SpecValueType::kChoice, "-1open/+1close", "action", "gripper", true,
        "how the gripper value reads: -1open/+1close, +1open/-1close or 1open/0close"},
       [](const std::string& t, DeclaredPolicySpec& s) {
         return SetChoice(t, ParseGripperConvention, s.action.gripper);
       },
       [](const DeclaredPolicySpec& s) -> std::string { return ToString(s.action.gripper); }},
      {{"rotation", SpecValueType::kChoice, "axis_angle", "action", "rotation", true,
        "rotation format: none, axis_angle, quat_wxyz, quat_xyzw or euler_xyz"},
       [](const std::string& t, DeclaredPolicySpec& s) { return SetChoice(t, ParseRotationFormat, s.action.rotation); },
       [](const DeclaredPolicySpec& s) -> std::string { return ToString(s.action.rotation); }},
      {{"normalized", SpecValueType::kBool, "false", "action", "normalized", true,
        "actions are in a normalised space (needs --adapt denorm)"},
       [](const std::string& t, DeclaredPolicySpec& s) { return SetBool(t, s.action.normalized); },
       [](const DeclaredPolicySpec& s) -> std::string { return BoolText(s.action.normalized); }},
      {{"chunk", SpecValueType::kInteger, "0", "action", "chunk_length", true,
        "actions per query; 0: not fixed"},
       [](const std::string& t, DeclaredPolicySpec& s) { return SetInteger(t, 0, s.action.chunk_length); },
       [](const DeclaredPolicySpec& s) { return std::to_string(s.action.chunk_length); }},
      {{"cameras", SpecValueType::kNames, "agentview,wrist", "needs", "cameras", true,
        "cameras read; empty: state-only"},
       [](const std::string& t, DeclaredPolicySpec& s) {
         s.needs.cameras = ParseNames(t);
         return Status::Ok();
       },
       [](const DeclaredPolicySpec& s) { return JoinText(s.needs.cameras, ","); }},
      {{"image_size", SpecValueType::kSize, "0", "needs", "", true,
        "image size read: N or WxH pixels; 0: any (the run's)"},
       [](const std::string& t, DeclaredPolicySpec& s) -> Status {
         auto size = ParseSize(t);
         if (!size.ok()) return Error{size.error().message};
         s.needs.image_width = size.value().width;
         s.needs.image_height = size.value().height;
         return Status::Ok();
       },
       [](const DeclaredPolicySpec& s) { return FormatSize(s.needs.image_width, s.needs.image_height); }},
      {{"orientation", SpecValueType::kChoice, "upright", "needs", "orientation", true,
        "images upright or rotated180"},
       [](const std::string& t, DeclaredPolicySpec& s) {
         return SetChoice(t, ParseImageOrientation, s.needs.orientation);
       },
       [](const DeclaredPolicySpec& s) -> std::string { return ToString(s.needs.orientation); }},
      {{"state_keys", SpecValueType::kNames, "eef_pos,eef_axis_angle,gripper_qpos", "needs", "state_keys", true,
        "state keys read"},
       [](const std::string& t, DeclaredPolicySpec& s) {
         s.needs.state_keys = ParseNames(t);
         return Status::Ok();
       },
       [](const DeclaredPolicySpec& s) { return JoinText(s.needs.state_keys, ","); }},
      {{"task_id", SpecValueType::kBool, "false", "needs", "task_id", true,
        "reset receives the task's name and index"},
       [](const std::string& t, DeclaredPolicySpec& s) { return SetBool(t, s.needs.task_id); },
       [](const DeclaredPolicySpec& s) -> std::string { return BoolText(s.needs.task_id); }},
      {{"instruction", SpecValueType::kBool, "true", "needs", "instruction", false,
        "reads the instruction (decided by the policy kind)"},
       [](const std::string& t, DeclaredPolicySpec& s) { return SetBool(t, s.needs.instruction); },
       [](const DeclaredPolicySpec& s) -> std::string { return BoolText(s.needs.instruction); }},
      {{"privileged", SpecValueType::kBool, "false", "needs", "privileged", false,
        "reads the simulator's state (scripted experts only)"},
       [](const std::string& t, DeclaredPolicySpec& s) { return SetBool(t, s.needs.privileged); },
       [](const DeclaredPolicySpec& s) -> std::string { return BoolText(s.needs.privileged); }},
  };
  return rows;
}

const Row* FindRow(const std::string& key) {
  for (const Row& row : Rows()) {
    if (row.key.key == key) return &row;
  }
  return nullptr;
}

std::string Quoted(const std::string& key, const std::string& text, const std::string& source) {
  return key + "='" + text + "' (from " + source + ")";
}

// A JSON value of `type` as its text form, or why it is not one.
Result<std::string> TextOfJson(SpecValueType type, const Json& value) {
  switch (type) {
    case SpecValueType::kChoice:
      if (value.is_string()) return value.get<std::string>();
      return Error{"expected a string"};
    case SpecValueType::kInteger:
      if (value.is_number_integer()) return value.dump();
      return Error{"expected an integer"};
    case SpecValueType::kBool:
      if (value.is_boolean()) return std::string(BoolText(value.get<bool>()));
      if (value.is_number_integer() && (value == 0 || value == 1)) return value.dump();
      return Error{"expected true or false"};
    case SpecValueType::kNames: {
      std::vector<std::string> names;
      bool ok = value.is_array();
      for (const Json& item : ok ? value : Json::array()) {
        ok = ok && item.is_string() && item.get<std::string>().find(',') == std::string::npos;
        if (ok) names.push_back(item.get<std::string>());
      }
      if (ok) return JoinText(names, ",");
      return Error{"expected a list of names (strings without commas)"};
    }
    case SpecValueType::kNumbers: {
      if (value.is_number()) return FormatNumber(value.get<double>());
      std::vector<double> numbers;
      bool ok = value.is_array();
      for (const Json& item : ok ? value : Json::array()) {
        ok = ok && item.is_number();
        if (ok) numbers.push_back(item.get<double>());
      }
      if (ok) return FormatNumbers(numbers);
      return Error{"expected a number or a list of numbers"};
    }
    case SpecValueType::kSize:
      if (value.is_number_integer()) return value.dump();
      if (value.is_array() && value.size() == 2 && value[0].is_number_integer() && value[1].is_number_integer()) {
        return value[0].dump() + "x" + value[1].dump();
      }
      return Error{"expected an integer or [width, height]"};
  }
  return Error{"unknown type"};
}

// Canonical text of `type` as its JSON form.
Json JsonOfText(SpecValueType type, const std::string& text) {
  switch (type) {
    case SpecValueType::kChoice: return text;
    case SpecValueType::kInteger: return ParseInteger(text, INT_MIN).value();
    case SpecValueType::kBool: return ParseBool(text).value();
    case SpecValueType::kNames: return ParseNames(text);
    case SpecValueType::kNumbers: return ParseNumbers(text).value();
    case SpecValueType::kSize: {
      const ImageSize size = ParseSize(text).value();
      if (size.width == size.height) return size.width;
      return Json::array({size.width, size.height});
    }
  }
  return nullptr;
}

}  // namespace

const std::vector<DeclaredSpecKey>& DeclaredSpecKeys() {
  static const std::vector<DeclaredSpecKey> keys = [] {
    std::vector<DeclaredSpecKey> out;
    for (const Row& row : Rows()) out.push_back(row.key);
    return out;
  }();
  return keys;
}

Result<ResolvedPolicySpec> ResolveDeclaredPolicySpec(const std::vector<SpecLayer>& layers) {
  ResolvedPolicySpec resolved;
  DeclaredPolicySpec& spec = resolved.spec;
  for (const Row& row : Rows()) {
    if (!row.key.declarable) continue;
    const std::string& key = row.key.key;
    SpecValueInForce value{row.key.default_text, "default"};
    size_t from = layers.size();
    for (size_t i = 0; i < layers.size(); ++i) {
      auto it = layers[i].values.find(key);
      if (it == layers[i].values.end()) continue;
      value = {it->second, layers[i].source};
      from = i;
      break;
    }
    if (Status s = row.set(value.text, spec); !s.ok()) {
      return Error{Quoted(key, value.text, value.source) + ": " + s.message()};
    }
    if (from < layers.size() && layers[from].fixed) {
      // Lower layers may repeat a fixed value (in any spelling) but not change it.
      for (size_t i = from + 1; i < layers.size(); ++i) {
        auto it = layers[i].values.find(key);
        if (it == layers[i].values.end()) continue;
        DeclaredPolicySpec other = spec;
        const Status s = row.set(it->second, other);
        if (!s.ok() || row.get(other) != row.get(spec)) {
          return Error{Quoted(key, it->second, layers[i].source) + ": " + layers[from].source + " fixes it to '" +
                       row.get(spec) + "'"};
        }
      }
    }
    resolved.in_force[key] = value;
  }
  return resolved;
}

Result<SpecLayer> SpecLayerFromJson(const Json& object, const std::string& source, UnknownSpecKeys unknown) {
  if (!object.is_object()) return Error{source + " is " + object.dump() + ", expected a map of keys to values"};
  SpecLayer layer;
  layer.source = source;
  for (const auto& [key, value] : object.items()) {
    const Row* row = FindRow(key);
    if (!row || !row->key.declarable) {
      if (unknown == UnknownSpecKeys::kIgnore) continue;
      std::vector<std::string> known;
      for (const Row& r : Rows()) {
        if (r.key.declarable) known.push_back(r.key.key);
      }
      return Error{"unknown key '" + key + "' in " + source + " (known: " + JoinText(known, ", ") + ")"};
    }
    auto text = TextOfJson(row->key.type, value);
    if (!text.ok()) return Error{key + "=" + value.dump() + " (from " + source + "): " + text.error().message};
    layer.values[key] = text.value();
  }
  return layer;
}

std::string SpecValueText(const DeclaredPolicySpec& spec, const std::string& key) {
  const Row* row = FindRow(key);
  return row ? row->get(spec) : "";
}

Json SpecValueJson(const DeclaredPolicySpec& spec, const std::string& key) {
  const Row* row = FindRow(key);
  return row ? JsonOfText(row->key.type, row->get(spec)) : Json();
}

Json PrintDeclaredPolicySpec(const DeclaredPolicySpec& spec) {
  Json printed = {{"action", Json::object()}, {"needs", Json::object()}};
  for (const Row& row : Rows()) {
    Json& section = printed[row.key.section];
    if (row.key.type == SpecValueType::kSize) {
      section["image_width"] = spec.needs.image_width;
      section["image_height"] = spec.needs.image_height;
    } else {
      section[row.key.printed] = JsonOfText(row.key.type, row.get(spec));
    }
  }
  return printed;
}

Result<DeclaredPolicySpec> ParsePrintedPolicySpec(const Json& printed) {
  DeclaredPolicySpec spec;
  for (const Row& row : Rows()) {
    const Json section = printed.is_object() ? printed.value(row.key.section, Json::object()) : Json::object();
    const std::string where = "spec." + row.key.section + ".";
    std::string text = row.key.default_text;
    if (row.key.type == SpecValueType::kSize) {
      const Json size = {section.value("image_width", Json(0)), section.value("image_height", Json(0))};
      auto parsed = TextOfJson(row.key.type, size);
      if (!parsed.ok()) return Error{where + "image_width/image_height=" + size.dump() + ": " + parsed.error().message};
      text = parsed.value();
    } else if (section.contains(row.key.printed)) {
      const Json& value = section[row.key.printed];
      auto parsed = TextOfJson(row.key.type, value);
      if (!parsed.ok()) return Error{where + row.key.printed + "=" + value.dump() + ": " + parsed.error().message};
      text = parsed.value();
    }
    if (Status s = row.set(text, spec); !s.ok()) {
      const std::string field = row.key.printed.empty() ? row.key.key : row.key.printed;
      return Error{where + field + "='" + text + "': " + s.message()};
    }
  }
  return spec;
}

}  // namespace gauntlet
