#include "app/embedded_interpreter.h"

#include <pybind11/embed.h>

#include <cstdio>
#include <iostream>

#include "app/policy_factory.h"
#include "python/python_policy.h"

namespace py = pybind11;

namespace gauntlet::app {

struct EmbeddedInterpreter::State {
  PyThreadState* main_thread = nullptr;  // Python's, saved while the GIL is released
};

EmbeddedInterpreter::EmbeddedInterpreter() : state_(std::make_unique<State>()) {
  // No Python signal handlers: Ctrl-C stops the CLI as it does without Python.
  py::initialize_interpreter(/*init_signal_handlers=*/false, 0, nullptr, /*add_program_dir_to_path=*/false);
  // `python -m` puts the working directory first on sys.path; so does the CLI.
  py::module_::import("sys").attr("path").attr("insert")(0, py::module_::import("os").attr("getcwd")());
  SetPythonPolicyMaker(python::MakePythonPolicy);
  state_->main_thread = PyEval_SaveThread();
}

EmbeddedInterpreter::~EmbeddedInterpreter() {
  SetPythonPolicyMaker(nullptr);
  if (python::PolicyCallsInProgress() > 0) {
    // A worker the watchdog abandoned is still in the policy (a Python loop
    // that never returns). Finalising would pull the interpreter from under
    // it and crash; the process is about to exit, so leave it running.
    std::cout.flush();
    std::fflush(nullptr);
    return;
  }
  PyEval_RestoreThread(state_->main_thread);
  py::finalize_interpreter();
}

}  // namespace gauntlet::app
