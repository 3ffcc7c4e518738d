#include "python/python_policy.h"

#include <pybind11/stl.h>

#include <atomic>

#include "harness/declared_policy_spec.h"
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
      c["subtask"] = context.subtask;  // position in an instruction chain (0 otherwise)
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

constexpr const char* kSpecSource = "Python attribute spec";

// A value of the spec dict as JSON: str, bool, int, float, NumPy scalars and
// arrays (as their Python values), lists and tuples of them.
Result<nlohmann::json> JsonOf(py::handle value, const std::string& key) {
  if (py::isinstance<py::str>(value)) return nlohmann::json(value.cast<std::string>());
  if (py::isinstance<py::bool_>(value)) return nlohmann::json(value.cast<bool>());
  if (py::isinstance<py::int_>(value)) return nlohmann::json(value.cast<long long>());
  if (py::isinstance<py::float_>(value)) return nlohmann::json(value.cast<double>());
  if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
    nlohmann::json items = nlohmann::json::array();
    for (py::handle item : value) {
      auto converted = JsonOf(item, key);
      if (!converted.ok()) return converted;
      items.push_back(std::move(converted).value());
    }
    return items;
  }
  const py::object numpy_generic = py::module_::import("numpy").attr("generic");
  const py::object numpy_array = py::module_::import("numpy").attr("ndarray");
  if (py::isinstance(value, numpy_generic) || py::isinstance(value, numpy_array)) {
    return JsonOf(value.attr("tolist")(), key);
  }
  return Error{key + "=" + py::repr(value).cast<std::string>() + " (from " + kSpecSource + "): a " + TypeName(value) +
               ", expected a str, number, bool or a list of them"};
}

// The declared spec (harness/declared_policy_spec.h; a key outside it is an
// error, and without state_keys the policy sees every state key) as a
// PolicyInfo's action spec and needs. `all_state` is set when state_keys is
// absent.
Result<PolicyInfo> ReadSpec(py::handle instance, bool* all_state) {
  py::object declared = py::getattr(instance, "spec", py::none());
  if (!declared.is_none() && PyCallable_Check(declared.ptr())) declared = declared();
  nlohmann::json spec = nlohmann::json::object();
  if (!declared.is_none()) {
    if (!py::isinstance<py::dict>(declared)) return Error{"spec is a " + TypeName(declared) + ", expected a dict"};
    for (auto item : py::reinterpret_borrow<py::dict>(declared)) {
      if (!py::isinstance<py::str>(item.first)) {
        return Error{"spec has the key " + py::repr(item.first).cast<std::string>() + ", expected str keys"};
      }
      const std::string key = item.first.cast<std::string>();
      auto value = JsonOf(item.second, key);
      if (!value.ok()) return value.error();
      spec[key] = std::move(value).value();
    }
  }
  auto layer = SpecLayerFromJson(spec, kSpecSource, UnknownSpecKeys::kReject);
  if (!layer.ok()) return layer.error();
  *all_state = !layer.value().values.count("state_keys");
  auto resolved = ResolveDeclaredPolicySpec({layer.value(), SpecLayer{"the Python default", {{"state_keys", ""}}}});
  if (!resolved.ok()) return resolved.error();
  PolicyInfo info;
  info.kind = "python";
  info.action_spec = resolved.value().spec.action;
  info.needs = resolved.value().spec.needs;
  return info;
}

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
