#include "policies/torchscript/declared_spec.h"

#include "harness/policy_spec.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <sstream>

namespace gauntlet::policies {

namespace {

// Reads the spec's keys one after the other. The first invalid value is kept
// as the error and reading goes on with defaults, so the caller checks once.
class SpecReader {
 public:
  SpecReader(const std::map<std::string, std::string>& declared, const std::string& declared_by,
             PolicyOptions& options)
      : declared_(declared), declared_by_(declared_by), options_(options) {}

  const std::string& error() const { return error_; }

  int Int(const std::string& key, int fallback, int min) {
    const Value v = Lookup(key, std::to_string(fallback));
    char* end = nullptr;
    errno = 0;
    const long parsed = std::strtol(v.text.c_str(), &end, 10);
    if (v.text.empty() || *end != '\0' || errno != 0 || parsed < min || parsed > INT_MAX) {
      Fail(key, v, "expected an integer >= " + std::to_string(min));
      return fallback;
    }
    (void)options_.Int(key, static_cast<int>(parsed));  // records it
    return static_cast<int>(parsed);
  }

  // true/false/1/0, as --policy-opt reads them.
  bool Bool(const std::string& key, bool fallback) {
    const Value v = Lookup(key, fallback ? "true" : "false");
    if (v.text != "true" && v.text != "1" && v.text != "false" && v.text != "0") {
      Fail(key, v, "expected true or false");
      return fallback;
    }
    const bool value = v.text == "true" || v.text == "1";
    (void)options_.Bool(key, value);
    return value;
  }

  template <class E>
  E Enum(const std::string& key, E fallback, Result<E> (*parse)(const std::string&)) {
    const Value v = Lookup(key, ToString(fallback));
    Result<E> parsed = parse(v.text);
    if (!parsed.ok()) {
      Fail(key, v, parsed.error().message);
      return fallback;
    }
    options_.String(key, v.text);
    return parsed.value();
  }

  // Comma-separated names; spaces around a name and empty items are dropped.
  std::vector<std::string> List(const std::string& key, const std::string& fallback) {
    const Value v = Lookup(key, fallback);
    options_.String(key, v.text);
    std::vector<std::string> items;
    std::istringstream in(v.text);
    for (std::string item; std::getline(in, item, ',');) {
      const size_t first = item.find_first_not_of(' ');
      if (first != std::string::npos) items.push_back(item.substr(first, item.find_last_not_of(' ') + 1 - first));
    }
    return items;
  }

 private:
  struct Value {
    std::string text;
    std::string from;  // "--policy-opt", declared_by_ or "default"
  };

  // PolicyOptions cannot say whether a key was given; asked with a fallback
  // that no command line contains, it tells. The typed call that follows
  // records the value in force over it.
  Value Lookup(const std::string& key, const std::string& fallback) {
    static const std::string kNotGiven = "\x01(not given)";
    const std::string given = options_.String(key, kNotGiven);
    if (given != kNotGiven) return {given, "--policy-opt"};
    auto it = declared_.find(key);
    if (it != declared_.end()) return {it->second, declared_by_};
    return {fallback, "default"};
  }

  void Fail(const std::string& key, const Value& v, const std::string& why) {
    if (error_.empty()) error_ = key + "='" + v.text + "' (from " + v.from + "): " + why;
  }

  const std::map<std::string, std::string>& declared_;
  const std::string declared_by_;
  PolicyOptions& options_;
  std::string error_;
};

}  // namespace

Result<DeclaredSpec> ResolveDeclaredSpec(const std::map<std::string, std::string>& declared,
                                         const std::string& declared_by, PolicyOptions& options) {
  SpecReader read(declared, declared_by, options);
  DeclaredSpec spec;
  ActionSpec& action = spec.action;
  action.kind = read.Enum("action_kind", ActionKind::kEefDelta, ParseActionKind);
  action.dim = read.Int("action_dim", 7, 1);
  action.gripper = read.Enum("gripper", GripperConvention::kNegOpenPosClose, ParseGripperConvention);
  action.rotation = read.Enum("rotation", RotationFormat::kAxisAngle, ParseRotationFormat);
  action.chunk_length = read.Int("chunk", 0, 0);
  action.normalized = read.Bool("normalized", false);
  ObservationNeeds& needs = spec.needs;
  needs.cameras = read.List("cameras", "agentview,wrist");
  needs.image_width = needs.image_height = read.Int("image_size", 0, 0);
  needs.orientation = read.Enum("orientation", ImageOrientation::kUpright, ParseImageOrientation);
  needs.state_keys = read.List("state_keys", "eef_pos,eef_axis_angle,gripper_qpos");
  needs.task_id = read.Bool("task_id", false);
  if (!read.error().empty()) return Error{read.error()};
  return spec;
}

}  // namespace gauntlet::policies
