// The compiled part of the Python package `gauntlet` (gauntlet._native,
// which gauntlet/__init__.py re-exports): a task's world stepped from Python
// (gauntlet.Env) and whole runs with Python policies (gauntlet.run), writing
// the same SQLite results as the CLI. It loads into a running interpreter and
// never links libpython (README.md "Python module").
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <iostream>
#include <optional>

#include "app/run_command.h"
#include "app/world_views.h"
#include "envs/registered_families.h"
#include "harness/family_registry.h"
#include "harness/gl_context.h"
#include "harness/text_join.h"
#include "policies/adapted_policy.h"
#include "python/numpy_conversion.h"
#include "policies/registered_experts.h"
#include "python/python_policy.h"

namespace py = pybind11;

namespace gauntlet::python {

namespace {

// One task of a suite, owned by one Python thread at a time (its GL context
// is made current on the calling thread at every call that renders).
//
// Copy/move: neither (pybind11 holds it by unique_ptr).
class TaskEnv {
 public:
  TaskEnv(const std::string& suite_arg, const py::object& task_arg, int image_size,
          const std::optional<std::vector<std::string>>& cameras, const std::string& render_backend, bool shadows) {
    auto suite = LoadSuite(app::ResolveSuitePath(suite_arg));
    if (!suite.ok()) throw py::value_error(suite.error().message);
    suite_ = std::move(suite).value();
    const std::string selection =
        py::isinstance<py::int_>(task_arg) ? std::to_string(task_arg.cast<long>()) : task_arg.cast<std::string>();
    auto selected = suite_.SelectTasks(selection);
    if (!selected.ok()) throw py::value_error(selected.error().message);
    if (selected.value().size() != 1) throw py::value_error("task: name exactly one task of " + suite_.name);
    task_index_ = selected.value()[0];
    if (image_size < 0) throw py::value_error("image_size must be positive (0: the suite's)");
    auto family = Families().FamilyOf(suite_);
    if (!family.ok()) throw py::value_error(family.error().message);
    auto offered = family.value()->RunOffer(family.value()->default_embodiment(), suite_, image_size);
    if (!offered.ok()) throw py::value_error(offered.error().message);
    const ObservationSpec offer = offered.value();
    cameras_ = cameras ? *cameras : offer.cameras;
    for (const std::string& camera : cameras_) {
      if (std::find(offer.cameras.begin(), offer.cameras.end(), camera) == offer.cameras.end()) {
        throw py::value_error("camera '" + camera + "' is not offered (cameras: " + JoinText(offer.cameras, ", ") + ")");
      }
    }
    if (!cameras_.empty()) {
      auto gl = GlContext::Create(render_backend, 64, 64);
      if (!gl.ok()) throw std::runtime_error(gl.error().message);
      gl_ = std::move(gl).value();
    }
    WorldRequest request;
    request.suite = &suite_;
    request.task = &task();
    request.image_width = offer.image_width;
    request.image_height = offer.image_height;
    request.camera_sizes = offer.camera_sizes;
    request.shadows = shadows;
    auto env = family.value()->MakeEnv(request);
    if (!env.ok()) throw std::runtime_error(env.error().message);
    env_ = std::move(env).value();
  }

  ~TaskEnv() {
    if (gl_) gl_->MakeCurrent();  // the renderer frees its GL resources in this context
    env_.reset();
  }

  // The episode's fixed initial state after the suite's settle steps, as the
  // runner does before it queries a policy.
  py::dict Reset(int init_state) {
    EpisodeSpec spec;
    spec.key = {suite_.name, task().name, "default", init_state, 0};
    spec.task_index = task_index_;
    spec.settle_steps = suite_.protocol.settle_steps;
    spec.max_steps = suite_.protocol.max_steps;
    Status status;
    StepResult settled;
    {
      py::gil_scoped_release release;
      status = env_->Reset(spec);
      const Action settle = env_->SettleAction();
      for (int i = 0; status.ok() && i < spec.settle_steps && !settled.diverged; ++i) settled = env_->Step(settle);
    }
    if (!status.ok()) throw py::value_error(status.message());
    if (settled.diverged) throw std::runtime_error("physics diverged while settling: " + settled.info);
    step_ = 0;
    return Observe();
  }

  py::tuple Step(const py::object& value, bool observe) {
    if (step_ < 0) throw std::runtime_error("Env.step before Env.reset");
    auto array = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(value);
    if (!array) {
      PyErr_Clear();
      throw py::value_error("action is not a sequence of numbers");
    }
    if (array.ndim() != 1) throw py::value_error("action must be one-dimensional (D,), got " + std::to_string(array.ndim()) + " dimensions");
    const Action action(array.data(), array.data() + array.size());
    if (Status s = ValidateAction(env_->action_spec(), action); !s.ok()) throw py::value_error(s.message());
    StepResult result;
    {
      py::gil_scoped_release release;
      result = env_->Step(action);
    }
    ++step_;
    py::dict info;
    info["step"] = step_;
    info["diverged"] = result.diverged;
    info["reason"] = result.info;
    return py::make_tuple(observe ? py::object(Observe()) : py::object(py::none()), result.success, info);
  }

  py::dict Observe() {
    if (step_ < 0) throw std::runtime_error("Env.observe before Env.reset");
    Observation obs;
    {
      py::gil_scoped_release release;
      if (gl_ && GlContext::Current() != gl_.get()) gl_->MakeCurrent();
      obs = env_->Observe(ObservationRequest{cameras_, false});
    }
    obs.step = step_;
    return ObservationToPython(obs, cameras_, {}, /*all_state=*/true);
  }

  std::string StateHash() const { return env_->state_hash(); }
  const std::string& suite_name() const { return suite_.name; }
  const TaskSpec& task() const { return suite_.tasks[task_index_]; }
  int task_index() const { return task_index_; }
  const ProtocolSpec& protocol() const { return suite_.protocol; }
  std::string instruction() const { return env_->instruction(); }

  py::dict ActionSpecDict() const {
    const ActionSpec& a = env_->action_spec();
    py::dict d;
    d["action_kind"] = ToString(a.kind);
    d["action_dim"] = a.dim;
    d["gripper"] = ToString(a.gripper);
    d["rotation"] = ToString(a.rotation);
    d["normalized"] = a.normalized;
    d["low"] = a.low;
    d["high"] = a.high;
    return d;
  }

  py::dict ObservationSpecDict() const {
    const ObservationSpec o = env_->observation_spec();
    py::dict d;
    d["cameras"] = o.cameras;
    d["rendered"] = cameras_;
    d["image_size"] = py::make_tuple(o.image_width, o.image_height);
    py::dict sizes;
    for (const auto& [camera, size] : o.camera_sizes) sizes[py::str(camera)] = py::make_tuple(size.width, size.height);
    d["camera_sizes"] = sizes;
    d["state"] = o.state;
    return d;
  }

 private:
  SuiteSpec suite_;
  int task_index_ = 0;
  std::vector<std::string> cameras_;  // rendered at every observation
  std::unique_ptr<GlContext> gl_;     // declared before env_: outlives it
  std::unique_ptr<Env> env_;
  int step_ = -1;                     // control steps since reset; -1 before the first
};

std::string JoinedList(const py::object& value) {
  if (value.is_none()) return "";
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();
  if (py::isinstance<py::int_>(value)) return std::to_string(value.cast<long>());
  std::vector<std::string> items;
  for (py::handle item : value) {
    items.push_back(py::isinstance<py::int_>(item) ? std::to_string(item.cast<long>())
                                                   : py::str(item).cast<std::string>());
  }
  return JoinText(items, ",");
}

std::vector<std::string> OptionItems(const py::object& value) {
  std::vector<std::string> items;
  if (value.is_none()) return items;
  if (py::isinstance<py::dict>(value)) {
    for (auto item : py::reinterpret_borrow<py::dict>(value)) {
      items.push_back(py::str(item.first).cast<std::string>() + "=" + py::str(item.second).cast<std::string>());
    }
    return items;
  }
  return value.cast<std::vector<std::string>>();
}

// The family a run's policy must fit and what it offers the policy: the
// suite's (the first suite's for a set) or the task file's family, at
// --image-size, else the suite's sizes, else a task file's default.
struct RunTarget {
  const Family* family = nullptr;
  std::optional<SuiteSpec> suite;  // none for a task file
};
Result<RunTarget> ResolveRunTarget(const app::RunArgs& args) {
  RunTarget target;
  if (!args.task_file.empty()) {
    auto family = Families().FamilyForTaskFile(args.task_file);
    if (!family.ok()) return family.error();
    target.family = family.value();
  } else {
    auto set = LoadSuiteSet(app::ResolveSuitePath(args.suite));
    if (!set.ok()) return set.error();
    auto family = Families().FamilyOf(set.value().suites.at(0));
    if (!family.ok()) return family.error();
    target.family = family.value();
    target.suite = set.value().suites[0];
  }
  return target;
}

// A Python policy object or a zero-argument callable (a class, usually)
// called for each policy the run makes, wrapped in the requested adapters as
// BuildPolicy does for the CLI. An object with infer_batch serves the whole
// run; one without serves one episode at a time, so only a run with one
// episode in flight.
Result<app::PolicyBuild> BuildObjectPolicy(const py::object& policy, const app::RunArgs& args) {
  const bool is_class = py::isinstance<py::type>(policy);
  const bool instance = !is_class && (py::hasattr(policy, "act") || py::hasattr(policy, "infer_batch"));
  const bool batches = instance && PyCallable_Check(py::getattr(policy, "infer_batch", py::none()).ptr());
  if (instance && !batches && (args.workers > 1 || args.in_flight > 1)) {
    const std::string asked = args.workers > 1 ? "workers=" + std::to_string(args.workers)
                                               : "in_flight=" + std::to_string(args.in_flight);
    throw py::value_error("gauntlet.run: with " + asked +
                          " pass the policy's class (or a zero-argument callable) to make one policy per "
                          "episode in flight, or give the object infer_batch(observations); an instance with "
                          "only act(obs) serves one episode at a time");
  }
  if (!instance && !PyCallable_Check(policy.ptr())) {
    throw py::type_error("gauntlet.run: policy must be a spec string ('oracle', 'python:module:Class', ...), "
                         "an object with act(obs), or a class or callable making one");
  }
  if (!args.policy.options.empty()) {
    throw py::value_error("gauntlet.run: policy_options apply to a policy named by a string; pass settings to "
                          "the policy's constructor instead");
  }
  const SharedObject shared = Share(policy);
  std::function<Result<std::unique_ptr<Policy>>()> make;
  if (instance) {
    make = [shared] { return WrapPythonPolicy(shared); };
  } else {
    make = [shared]() -> Result<std::unique_ptr<Policy>> {
      py::gil_scoped_acquire gil;
      py::object made;
      try {
        made = (*shared)();
      } catch (const py::error_already_set& e) {
        return Error{"making the policy failed: " + DescribePythonError(e)};
      }
      return WrapPythonPolicy(Share(std::move(made)));
    };
  }
  auto target = ResolveRunTarget(args);
  if (!target.ok()) return target.error();
  const Family& family = *target.value().family;
  auto embodiment = family.ResolveEmbodiment(args.embodiment);
  if (!embodiment.ok()) return embodiment.error();
  const std::optional<SuiteSpec>& suite = target.value().suite;
  const int size = args.image_size > 0 ? args.image_size : SuiteSpec{}.image_width;
  auto offer = suite ? family.RunOffer(embodiment.value(), *suite, args.image_size)
                     : Result<ObservationSpec>(family.observation_spec(embodiment.value(), size, size));
  if (!offer.ok()) return offer.error();
  return app::ComposePolicy(make, args.policy.adapters, family.action_specs(embodiment.value()), offer.value());
}

int Run(const std::string& suite, const py::object& policy, const std::string& db, const py::object& tasks,
        int trials, int workers, const std::string& run_name, const std::string& chunk_mode, int replan_steps,
        double ensemble_decay, const std::vector<std::string>& adapters, const py::object& policy_options,
        std::uint64_t seed, int image_size, const std::string& render_backend, const std::string& video_dir,
        double episode_timeout, bool shadows, bool quiet, const std::string& task_file, int max_steps,
        const std::string& replay_run, const std::string& replay_db, const std::string& chains, int in_flight,
        int batch_size, double max_wait_ms) {
  if (workers < 1 || workers > 256) throw py::value_error("workers must be in 1..256");
  // As the CLI's --in-flight, --batch-size and --max-wait-ms (0: chosen from workers and the policy).
  if (in_flight < 0 || in_flight > 4096) throw py::value_error("in_flight must be 0 (chosen) or in 1..4096");
  if (batch_size < 0 || batch_size > 4096) throw py::value_error("batch_size must be 0 (in_flight) or in 1..4096");
  if (!(max_wait_ms >= 0 && max_wait_ms <= 60000)) throw py::value_error("max_wait_ms must be in 0..60000");
  if (replan_steps < 1) throw py::value_error("replan_steps must be at least 1");
  if (trials < 0) throw py::value_error("trials must be 0 (the suite's) or more");
  if (image_size != 0 && (image_size < 16 || image_size > 1024)) throw py::value_error("image_size must be 0 or in 16..1024");
  app::RunArgs args;
  args.suite = suite;
  args.tasks = JoinedList(tasks);
  args.chains = chains;
  args.db = db;
  args.run_name = run_name;
  args.video_dir = video_dir;
  args.task_file = task_file;
  args.max_steps = max_steps;
  args.render_backend = render_backend;
  args.chunk_mode = chunk_mode;
  args.trials = trials;
  args.workers = workers;
  args.in_flight = in_flight;
  args.batch_size = batch_size;
  args.max_wait_ms = max_wait_ms;
  args.replan_steps = replan_steps;
  args.image_size = image_size;
  args.ensemble_decay = ensemble_decay;
  args.seed = seed;
  args.episode_timeout = episode_timeout;
  args.shadows = shadows;
  args.quiet = quiet;
  args.policy.options = OptionItems(policy_options);
  args.policy.adapters = adapters;
  args.policy.replay_run = replay_run;
  args.policy.replay_db = replay_db;

  std::optional<app::PolicyBuild> override_build;
  if (py::isinstance<py::str>(policy)) {
    args.policy.spec = policy.cast<std::string>();
  } else {
    auto built = BuildObjectPolicy(policy, args);
    if (!built.ok()) {
      std::cerr << "gauntlet: --policy " << py::str(policy).cast<std::string>() << ": " << built.error().message << "\n";
      return 2;
    }
    args.policy.spec = built.value().info.name;
    override_build = std::move(built).value();
  }
  int code = 0;
  {
    // The run's threads (simulation workers, the dispatcher of batched
    // calls) take the GIL only inside Python calls; this thread holds none.
    py::gil_scoped_release release;
    code = app::Run(args, override_build);
    std::cout.flush();
  }
  return code;
}

}  // namespace

}  // namespace gauntlet::python

PYBIND11_MODULE(_native, m) {
  using namespace gauntlet;
  using namespace gauntlet::python;
  m.doc() = "gauntlet: roll out robot policies in MuJoCo task suites (Env, run).";
  m.attr("__version__") = "0.1.0";
  envs::RegisterFamilies(Families());
  policies::RegisterExperts(Families());
  app::SetPythonPolicyMaker(MakePythonPolicy);

  py::class_<TaskEnv>(m, "Env", R"doc(
One task of a suite, stepped from Python.

Env(suite, task, image_size=0, cameras=None, render_backend="auto", shadows=False)
  suite: a suite name (libero_spatial) or a YAML path, as `gauntlet run` takes it
  task: its index or name
  image_size: square camera size in pixels (0: the suite's, 128 for LIBERO)
  cameras: the cameras rendered into every observation (None: all; []: none, no GL)

Observations are dicts {"images": {camera: HxWx3 uint8}, "state": {key: float64 (n,)},
"instruction": str, "step": int}. Use an Env from one thread.)doc")
      .def(py::init<const std::string&, const py::object&, int, const std::optional<std::vector<std::string>>&,
                    const std::string&, bool>(),
           py::arg("suite"), py::arg("task"), py::arg("image_size") = 0, py::arg("cameras") = py::none(),
           py::arg("render_backend") = "auto", py::arg("shadows") = false)
      .def("reset", &TaskEnv::Reset, py::arg("init_state") = 0,
           "Restore fixed initial state `init_state`, run the suite's settle steps (gripper open) and "
           "return the observation (step 0).")
      .def("step", &TaskEnv::Step, py::arg("action"), py::arg("observe") = true,
           "Apply one action (D,) for one control step; returns (obs or None, success, info) with "
           "info = {'step', 'diverged', 'reason'}. A wrong size or a non-finite value raises ValueError.")
      .def("observe", &TaskEnv::Observe, "The current observation.")
      .def("state_hash", &TaskEnv::StateHash, "Hex digest of the full simulator state (as stored per episode).")
      .def_property_readonly("instruction", &TaskEnv::instruction)
      .def_property_readonly("suite", &TaskEnv::suite_name)
      .def_property_readonly("task", [](const TaskEnv& e) { return e.task().name; })
      .def_property_readonly("task_index", &TaskEnv::task_index)
      .def_property_readonly("max_steps", [](const TaskEnv& e) { return e.protocol().max_steps; })
      .def_property_readonly("settle_steps", [](const TaskEnv& e) { return e.protocol().settle_steps; })
      .def_property_readonly("num_init_states", [](const TaskEnv& e) { return e.protocol().trials; })
      .def_property_readonly("action_spec", &TaskEnv::ActionSpecDict)
      .def_property_readonly("observation_spec", &TaskEnv::ObservationSpecDict);

  m.def("run", &Run, R"doc(
Roll out a suite with a policy and store every episode in `db`, as `gauntlet run` does.

policy: a spec string as --policy takes it ('oracle', 'probe', 'python:module:Class', ...),
  a Python policy object, or a class / zero-argument callable making one per episode in
  flight. An object with infer_batch(observations) serves every episode of the run with
  batched calls; one with only act(obs) serves one episode at a time (workers=1,
  in_flight at most 1). chains: a chain suite's slice as --chains takes it ("0-99", "3,7").
  in_flight, batch_size, max_wait_ms: as --in-flight, --batch-size and --max-wait-ms
  (in_flight=0: 8 per worker for a policy that batches, else one per worker;
  batch_size=0: in_flight).
  Returns the CLI's exit code: 0 all episodes stored, 1 some missing, 2 the run
  could not start (the reason is printed to stderr).)doc",
        py::arg("suite"), py::arg("policy"), py::kw_only(), py::arg("db") = "gauntlet.db",
        py::arg("tasks") = py::none(), py::arg("trials") = 0, py::arg("workers") = 1, py::arg("run_name") = "",
        py::arg("chunk_mode") = "replan_steps", py::arg("replan_steps") = 1, py::arg("ensemble_decay") = 0.01,
        py::arg("adapters") = std::vector<std::string>{}, py::arg("policy_options") = py::none(),
        py::arg("seed") = 7, py::arg("image_size") = 0, py::arg("render_backend") = "auto",
        py::arg("video_dir") = "", py::arg("episode_timeout") = 600.0, py::arg("shadows") = false,
        py::arg("quiet") = false, py::arg("task_file") = "", py::arg("max_steps") = 0,
        py::arg("replay_run") = "", py::arg("replay_db") = "", py::arg("chains") = "", py::arg("in_flight") = 0,
        py::arg("batch_size") = 0, py::arg("max_wait_ms") = 5.0);
}
