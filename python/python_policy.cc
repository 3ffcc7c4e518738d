#include "python/python_policy.h"

#include "harness/policy_spec.h"

#include <pybind11/stl.h>

#include <atomic>
#include <set>

#include "harness/run_metadata.h"
#include "python/numpy_conversion.h"

namespace py = pybind11;

namespace gauntlet::python {

namespace {

std::atomic<int> calls_in_progress{0};

// Counts a thread from before it waits for the GIL until after it let go.
class CallInProgress {
 public:
  CallInProgress() { ++calls_in_progress; }
  ~CallInProgress() { --calls_in_progress; }
  CallInProgress(const CallInProgress&) = delete;
  CallInProgress& operator=(const CallInProgress&) = delete;
};

class PythonPolicy : public Policy {
 public:
  // `all_state`: the object declared no state_keys and sees every state key.
  PythonPolicy(SharedObject object, PolicyInfo info, bool all_state)
      : object_(std::move(object)), info_(std::move(info)), all_state_(all_state) {}

  PolicyInfo info() const override { return info_; }

  void reset(const EpisodeContext& context) override {
    CallInProgress call;
    py::gil_scoped_acquire gil;
    std::string problem;
    try {
      if (!py::hasattr(*object_, "reset")) return;
      py::dict c;
      c["suite"] = context.suite;
      c["instruction"] = context.instruction;
      c["embodiment"] = context.embodiment;
      c["init_state"] = context.init_state;
      c["seed"] = context.seed;
      if (info_.needs.task_id) {
        c["task"] = context.task;
        c["task_index"] = context.task_index;
      }
      object_->attr("reset")(c);
      return;
    } catch (const py::error_already_set& e) {
      problem = DescribePythonError(e);
    }
    throw PolicyError(problem);
  }

  ActionChunk act(const Observation& observation) override {
    CallInProgress call;
    py::gil_scoped_acquire gil;
    std::string problem;
    try {
      py::object result = object_->attr("act")(
          ObservationToPython(observation, info_.needs.cameras, info_.needs.state_keys, all_state_));
      auto actions = ActionsFromPython(result);
      if (actions.ok()) return ActionChunk{std::move(actions).value(), {}};
      problem = info_.name + ".act " + actions.error().message;
    } catch (const py::error_already_set& e) {
      problem = DescribePythonError(e);
    }
    throw PolicyError(problem);
  }

 private:
  SharedObject object_;
  PolicyInfo info_;
  bool all_state_;
};

std::string TypeName(py::handle value) {
  return py::str(py::type::handle_of(value).attr("__name__")).cast<std::string>();
}

// spec[key] as a T, `fallback` when absent; the error names the key.
template <class T>
Result<T> SpecValue(const py::dict& spec, const char* key, T fallback, const char* expected) {
  if (!spec.contains(key)) return fallback;
  py::object value = spec[key];
  try {
    return value.cast<T>();
  } catch (const py::cast_error&) {
    return Error{"spec['" + std::string(key) + "'] is " + py::repr(value).cast<std::string>() + ", expected " +
                 expected};
  }
}

#define GAUNTLET_SPEC(var, type, key, fallback, expected)               \
  auto var##_r = SpecValue<type>(spec, key, fallback, expected);        \
  if (!var##_r.ok()) return var##_r.error();                            \
  const type var = var##_r.value()

// The declared spec (absent keys: the tabletop family's conventions, both
// cameras at the run's size, every state key) as a PolicyInfo's action spec
// and needs. `all_state` is set when state_keys is absent.
Result<PolicyInfo> ReadSpec(py::handle instance, bool* all_state) {
  py::object declared = py::getattr(instance, "spec", py::none());
  if (!declared.is_none() && PyCallable_Check(declared.ptr())) declared = declared();
  py::dict spec;
  if (!declared.is_none()) {
    if (!py::isinstance<py::dict>(declared)) return Error{"spec is a " + TypeName(declared) + ", expected a dict"};
    spec = py::reinterpret_borrow<py::dict>(declared);
  }
  static const std::set<std::string> known = {"action_kind", "action_dim", "gripper",     "rotation",
                                              "chunk",       "normalized", "cameras",     "image_size",
                                              "orientation", "state_keys", "task_id"};
  for (auto item : spec) {
    const std::string key = py::str(item.first).cast<std::string>();
    if (!known.count(key)) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      return Error{"spec: unknown key '" + key + "' (known: " + list + ")"};
    }
  }
  GAUNTLET_SPEC(kind, std::string, "action_kind", "eef_delta", "a string such as 'eef_delta'");
  GAUNTLET_SPEC(dim, int, "action_dim", 7, "an int");
  GAUNTLET_SPEC(gripper, std::string, "gripper", "-1open/+1close", "a string such as '-1open/+1close'");
  GAUNTLET_SPEC(rotation, std::string, "rotation", "axis_angle", "a string such as 'axis_angle'");
  GAUNTLET_SPEC(chunk, int, "chunk", 0, "an int (0: any length)");
  GAUNTLET_SPEC(normalized, bool, "normalized", false, "a bool");
  GAUNTLET_SPEC(cameras, std::vector<std::string>, "cameras", (std::vector<std::string>{"agentview", "wrist"}),
                "a list of camera names");
  GAUNTLET_SPEC(orientation, std::string, "orientation", "upright", "'upright' or 'rotated180'");
  GAUNTLET_SPEC(state_keys, std::vector<std::string>, "state_keys", {}, "a list of state keys");
  GAUNTLET_SPEC(task_id, bool, "task_id", false, "a bool");
  std::vector<int> size{0, 0};
  if (spec.contains("image_size")) {
    if (py::isinstance<py::int_>(spec["image_size"])) {
      GAUNTLET_SPEC(square, int, "image_size", 0, "an int or [width, height]");
      size.assign(2, square);
    } else {
      GAUNTLET_SPEC(pair, std::vector<int>, "image_size", {}, "an int or [width, height]");
      if (pair.size() != 2) return Error{"spec['image_size'] has " + std::to_string(pair.size()) + " values, expected [width, height]"};
      size = pair;
    }
  }

  PolicyInfo info;
  info.kind = "python";
  ActionSpec& a = info.action_spec;
  auto parsed_kind = ParseActionKind(kind);
  if (!parsed_kind.ok()) return Error{"spec['action_kind']: " + parsed_kind.error().message};
  auto parsed_gripper = ParseGripperConvention(gripper);
  if (!parsed_gripper.ok()) return Error{"spec['gripper']: " + parsed_gripper.error().message};
  auto parsed_rotation = ParseRotationFormat(rotation);
  if (!parsed_rotation.ok()) return Error{"spec['rotation']: " + parsed_rotation.error().message};
  if (dim < 1) return Error{"spec['action_dim'] is " + std::to_string(dim) + ", expected at least 1"};
  if (chunk < 0) return Error{"spec['chunk'] is " + std::to_string(chunk) + ", expected 0 (any) or more"};
  if (size[0] < 0 || size[1] < 0) return Error{"spec['image_size'] must not be negative"};
  auto parsed_orientation = ParseImageOrientation(orientation);
  if (!parsed_orientation.ok()) return Error{"spec['orientation']: " + parsed_orientation.error().message};
  a.kind = parsed_kind.value();
  a.dim = dim;
  a.low.assign(dim, -1.0);
  a.high.assign(dim, 1.0);
  a.gripper = parsed_gripper.value();
  a.rotation = parsed_rotation.value();
  a.normalized = normalized;
  a.chunk_length = chunk;
  ObservationNeeds& n = info.needs;
  n.cameras = cameras;
  n.image_width = size[0];
  n.image_height = size[1];
  n.orientation = parsed_orientation.value();
  n.state_keys = state_keys;
  n.task_id = task_id;
  *all_state = !spec.contains("state_keys");
  return info;
}

#undef GAUNTLET_SPEC

// The policy around `object`, an instance of `class_name` from `module_name`:
// its declared spec, and where it came from (the module's file and its hash).
Result<std::unique_ptr<Policy>> MakeFromInstance(const SharedObject& object, const std::string& module_name,
                                                 const std::string& class_name, const std::string& settings_json) {
  py::handle instance = *object;
  if (!PyCallable_Check(py::getattr(instance, "act", py::none()).ptr())) {
    return Error{module_name + ":" + class_name + " has no act(obs) method"};
  }
  bool all_state = true;
  auto info = ReadSpec(instance, &all_state);
  if (!info.ok()) return Error{module_name + ":" + class_name + ": " + info.error().message};
  info.value().name = class_name;
  info.value().source = module_name + ":" + class_name;
  py::object module = py::module_::import("sys").attr("modules").attr("get")(module_name);
  py::object file = module.is_none() ? py::none() : py::getattr(module, "__file__", py::none());
  if (!file.is_none()) {
    const std::string path = py::module_::import("os.path").attr("abspath")(file).cast<std::string>();
    info.value().source += " (" + path + ")";
    if (auto sha = Sha256File(path); sha.ok()) info.value().checkpoint_sha256 = sha.value();
  }
  info.value().settings_json = settings_json;
  return std::unique_ptr<Policy>(new PythonPolicy(object, std::move(info).value(), all_state));
}

}  // namespace

SharedObject Share(py::object object) {
  return SharedObject(new py::object(std::move(object)), [](py::object* o) {
    if (!Py_IsInitialized()) {
      o->release();  // the interpreter is gone, and the object with it
      delete o;
      return;
    }
    CallInProgress call;
    py::gil_scoped_acquire gil;
    delete o;
  });
}

Result<std::unique_ptr<Policy>> MakePythonPolicy(const std::string& target, policies::PolicyOptions options) {
  const auto colon = target.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == target.size()) {
    return Error{"'" + target + "': expected module:Class, e.g. gauntlet_policies.probe:ProbePolicy"};
  }
  const std::string module_name = target.substr(0, colon), class_name = target.substr(colon + 1);
  CallInProgress call;
  py::gil_scoped_acquire gil;
  try {
    py::module_ module;
    try {
      module = py::module_::import(module_name.c_str());
    } catch (const py::error_already_set& e) {
      return Error{"cannot import module '" + module_name + "': " + DescribePythonError(e) +
                   " (Python looks in the working directory, PYTHONPATH and the installed packages)"};
    }
    if (!py::hasattr(module, class_name.c_str())) {
      const std::string file = py::str(py::getattr(module, "__file__", py::str("?"))).cast<std::string>();
      return Error{"module '" + module_name + "' (" + file + ") has no attribute '" + class_name + "'"};
    }
    py::object cls = module.attr(class_name.c_str());
    // Each option is a keyword argument of the constructor: its parameters
    // are the known settings (a typo is an error naming them) and those not
    // given are recorded with their default.
    py::object inspect = py::module_::import("inspect");
    py::object parameters = py::list();
    try {
      parameters = inspect.attr("signature")(cls).attr("parameters").attr("values")();
    } catch (const py::error_already_set&) {
      // No signature (a builtin): it takes no settings.
    }
    const py::object keyword_kinds = py::make_tuple(inspect.attr("Parameter").attr("POSITIONAL_OR_KEYWORD"),
                                                    inspect.attr("Parameter").attr("KEYWORD_ONLY"));
    const std::string not_given = std::string("\x01not given");
    py::dict kwargs;
    for (py::handle parameter : parameters) {
      if (!keyword_kinds.contains(parameter.attr("kind"))) continue;
      const std::string name = parameter.attr("name").cast<std::string>();
      const std::string value = options.String(name, not_given);
      if (value != not_given) {
        kwargs[py::str(name)] = value;
      } else {
        py::object fallback = parameter.attr("default");
        options.String(name, fallback.is(inspect.attr("Parameter").attr("empty")) ? "" : py::str(fallback).cast<std::string>());
      }
    }
    if (Status s = options.CheckAllKnown("python:" + target); !s.ok()) return Error{s.message()};
    py::object instance;
    try {
      instance = cls(**kwargs);
    } catch (const py::error_already_set& e) {
      return Error{"making " + class_name + "(...) failed: " + DescribePythonError(e)};
    }
    return MakeFromInstance(Share(std::move(instance)), module_name, class_name, options.resolved().dump());
  } catch (const py::error_already_set& e) {
    return Error{target + ": " + DescribePythonError(e)};
  }
}

int PolicyCallsInProgress() { return calls_in_progress.load(); }

Result<std::unique_ptr<Policy>> WrapPythonPolicy(const SharedObject& object) {
  CallInProgress call;
  py::gil_scoped_acquire gil;
  try {
    py::handle type = py::type::handle_of(*object);
    return MakeFromInstance(object, py::str(type.attr("__module__")).cast<std::string>(),
                            py::str(type.attr("__name__")).cast<std::string>(), "{}");
  } catch (const py::error_already_set& e) {
    return Error{DescribePythonError(e)};
  }
}

}  // namespace gauntlet::python
