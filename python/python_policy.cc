#include "python/python_policy.h"

#include <pybind11/numpy.h>
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

std::string TypeName(py::handle value) {
  return py::str(py::type::handle_of(value).attr("__name__")).cast<std::string>();
}

// What reset(context) is given; `episode` < 0: no "episode" key (a policy
// that does not batch).
py::dict ContextToPython(const EpisodeContext& context, bool task_id, long long episode) {
  py::dict c;
  c["suite"] = context.suite;
  c["instruction"] = context.instruction;
  c["embodiment"] = context.embodiment;
  c["init_state"] = context.init_state;
  c["seed"] = context.seed;
  c["subtask"] = context.subtask;  // position in an instruction chain (0 otherwise)
  if (task_id) {
    c["task"] = context.task;
    c["task_index"] = context.task_index;
  }
  if (episode >= 0) c["episode"] = episode;
  return c;
}

// Calls object.reset(context) when the object has reset.
void CallReset(py::handle object, const py::dict& context) {
  std::string problem;
  try {
    if (!py::hasattr(object, "reset")) return;
    object.attr("reset")(context);
    return;
  } catch (const py::error_already_set& e) {
    problem = DescribePythonError(e);
  }
  throw PolicyError(problem);
}

// Everything a Python policy's calls need, shared by the policy and the
// sessions of a batching one (which may outlive it inside a call the runner
// left behind).
struct Binding {
  SharedObject object;
  PolicyInfo info;
  std::string label;  // "module:Class", what messages name
  bool all_state = true;

  py::dict Observe(const Observation& observation) const {
    return ObservationToPython(observation, info.needs.cameras, info.needs.state_keys, all_state);
  }
};

// Ids of batching episodes: unique within the process, so that sessions of
// two runs (or two policies) never share one.
std::atomic<long long> next_episode{0};

// One episode of a batching Python policy: its id, which its observations
// and its reset context carry.
class PythonSession : public PolicySession {
 public:
  explicit PythonSession(std::shared_ptr<const Binding> binding) : binding_(std::move(binding)), id_(next_episode++) {}

  long long id() const { return id_; }

  void reset(const EpisodeContext& context) override {
    CallInProgress call;
    py::gil_scoped_acquire gil;
    CallReset(*binding_->object, ContextToPython(context, binding_->info.needs.task_id, id_));
  }

  void on_event(EventSink& /*sink*/, const EpisodeKey& /*key*/) override {
    CallInProgress call;
    py::gil_scoped_acquire gil;
    std::string problem;
    try {
      if (!py::hasattr(*binding_->object, "end_episode")) return;
      binding_->object->attr("end_episode")(id_);
      return;
    } catch (const py::error_already_set& e) {
      problem = binding_->label + ".end_episode: " + DescribePythonError(e);
    }
    throw PolicyError(problem);
  }

 private:
  std::shared_ptr<const Binding> binding_;
  long long id_;
};

// An answer item as an action chunk, or why it is none. Needs the GIL.
PolicyAnswer AnswerFromItem(const Binding& binding, py::handle item, size_t index, long long episode) {
  const std::string where = binding.label + ".infer_batch item " + std::to_string(index) + " (episode " +
                            std::to_string(episode) + ")";
  PolicyAnswer answer;
  if (PyExceptionInstance_Check(item.ptr())) {
    std::string text = TypeName(item);
    const std::string message = py::str(item).cast<std::string>();
    if (!message.empty()) text += ": " + message;
    answer.error = std::make_exception_ptr(PolicyError(where + ": " + text));
    return answer;
  }
  auto actions = ActionsFromPython(item);
  if (!actions.ok()) {
    answer.error = std::make_exception_ptr(PolicyError(where + " " + actions.error().message));
    return answer;
  }
  // Checked here too (the runner checks every action) so that the message
  // names the item and its episode.
  const int dim = binding.info.action_spec.dim;
  for (const std::vector<double>& action : actions.value()) {
    if (dim > 0 && static_cast<int>(action.size()) != dim) {
      answer.error = std::make_exception_ptr(PolicyError(where + " has actions of " + std::to_string(action.size()) +
                                                         " values, the policy declares " + std::to_string(dim)));
      return answer;
    }
  }
  answer.chunk = ActionChunk{std::move(actions).value(), {}};
  return answer;
}

class PythonPolicy : public Policy {
 public:
  // `batches`: the object has infer_batch.
  PythonPolicy(std::shared_ptr<const Binding> binding, bool batches)
      : binding_(std::move(binding)), batches_(batches) {}

  PolicyInfo info() const override { return binding_->info; }

  void reset(const EpisodeContext& context) override {
    if (batches_) {
      // Used one episode at a time (not through the scheduler's sessions):
      // this instance's own session.
      own_ = open_session();
      own_->reset(context);
      return;
    }
    CallInProgress call;
    py::gil_scoped_acquire gil;
    CallReset(*binding_->object, ContextToPython(context, binding_->info.needs.task_id, -1));
  }

  ActionChunk act(const Observation& observation) override {
    if (batches_) {
      if (!own_) own_ = open_session();
      // act_batch is done with the observation when it returns: no copy.
      std::shared_ptr<const Observation> borrowed(&observation, [](const Observation*) {});
      PolicyAnswer answer = act_batch({PolicyQuery{own_, std::move(borrowed)}})[0];
      if (answer.error) std::rethrow_exception(answer.error);
      return std::move(answer.chunk);
    }
    CallInProgress call;
    py::gil_scoped_acquire gil;
    std::string problem;
    try {
      py::object result = binding_->object->attr("act")(binding_->Observe(observation));
      auto actions = ActionsFromPython(result);
      if (actions.ok()) return ActionChunk{std::move(actions).value(), {}};
      problem = binding_->info.name + ".act " + actions.error().message;
    } catch (const py::error_already_set& e) {
      problem = DescribePythonError(e);
    }
    throw PolicyError(problem);
  }

  void on_event(EventSink& sink, const EpisodeKey& key) override {
    if (own_) own_->on_event(sink, key);
  }

  bool batches() const override { return batches_; }

  std::shared_ptr<PolicySession> open_session() override {
    if (!batches_) return Policy::open_session();
    return std::make_shared<PythonSession>(binding_);
  }

  std::vector<PolicyAnswer> act_batch(const std::vector<PolicyQuery>& queries) override {
    if (!batches_) return Policy::act_batch(queries);
    CallInProgress call;
    py::gil_scoped_acquire gil;
    std::string problem;
    try {
      py::list observations;
      std::vector<long long> episodes;
      for (const PolicyQuery& query : queries) {
        auto* session = dynamic_cast<PythonSession*>(query.session.get());
        if (!session) throw std::logic_error(binding_->label + ": a query without its Python session");
        py::dict obs = binding_->Observe(*query.observation);
        obs["episode"] = session->id();
        observations.append(std::move(obs));
        episodes.push_back(session->id());
      }
      py::object result = binding_->object->attr("infer_batch")(observations);
      const std::string counted = " for " + std::to_string(queries.size()) + " observations";
      std::vector<py::object> items;
      if (py::isinstance<py::array>(result)) {
        // One array for the batch: its leading dimension.
        auto array = py::reinterpret_borrow<py::array>(result);
        if (array.ndim() < 2) {
          problem = binding_->label + ".infer_batch returned an array of shape (" +
                    (array.ndim() == 1 ? std::to_string(array.shape(0)) + "," : std::string()) +
                    "), expected one answer per observation: a list, or an array (N, H, D) or (N, D)" + counted;
        } else {
          for (py::ssize_t i = 0; i < array.shape(0); ++i) items.push_back(array[py::int_(i)]);
        }
      } else if (py::isinstance<py::list>(result) || py::isinstance<py::tuple>(result)) {
        for (py::handle item : result) items.push_back(py::reinterpret_borrow<py::object>(item));
      } else {
        problem = binding_->label + ".infer_batch returned a " + TypeName(result) +
                  ", expected a list with one answer per observation, or an array (N, H, D) or (N, D)";
      }
      if (problem.empty() && items.size() != queries.size()) {
        problem = binding_->label + ".infer_batch returned " + std::to_string(items.size()) + " answers" + counted;
      }
      if (problem.empty()) {
        std::vector<PolicyAnswer> answers;
        answers.reserve(items.size());
        for (size_t i = 0; i < items.size(); ++i) {
          answers.push_back(AnswerFromItem(*binding_, items[i], i, episodes[i]));
        }
        return answers;
      }
    } catch (const py::error_already_set& e) {
      problem = binding_->label + ".infer_batch: " + DescribePythonError(e);
    }
    throw PolicyError(problem);
  }

 private:
  std::shared_ptr<const Binding> binding_;
  bool batches_;
  std::shared_ptr<PolicySession> own_;  // a batching policy used through reset and act
};

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
  const bool batches = PyCallable_Check(py::getattr(instance, "infer_batch", py::none()).ptr());
  if (!batches && !PyCallable_Check(py::getattr(instance, "act", py::none()).ptr())) {
    return Error{module_name + ":" + class_name + " has no act(obs) method (nor infer_batch(observations))"};
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
  auto binding = std::make_shared<Binding>();
  binding->object = object;
  binding->info = std::move(info).value();
  binding->label = module_name + ":" + class_name;
  binding->all_state = all_state;
  return std::unique_ptr<Policy>(new PythonPolicy(std::move(binding), batches));
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
