// `python:module:Class`: a policy object written in Python, run through
// pybind11 (embedded in the CLI, or inside the `gauntlet` module's process).
//
// The object's contract (README.md "Python policies"):
//   act(obs) -> numpy.ndarray            (H, D) or (D,), any float dtype
//   reset(context)                       optional; context = {"suite", "instruction",
//                                        "embodiment", "init_state", "seed"} and
//                                        "task", "task_index" when task_id is declared
//   spec                                 optional dict (or a method returning one):
//                                        action_kind, action_dim, gripper, rotation,
//                                        chunk, normalized, cameras, image_size,
//                                        orientation, state_keys, task_id
//   obs = {"images": {camera: HxWx3 uint8}, "state": {key: float64 (n,)},
//          "instruction": str, "step": int}, declared cameras and state keys only.
//
// Threads: PythonPolicy is used by one worker thread at a time and takes the
// GIL in act, reset and its destructor; workers share the one interpreter, so
// Python code runs one worker at a time while the physics and rendering of
// the others go on.
#pragma once

#include <pybind11/pybind11.h>

#include <memory>
#include <string>

#include "harness/policy.h"
#include "policies/policy_options.h"

namespace gauntlet::python {

// A Python object held by C++ code on threads that do not hold the GIL:
// copying the holder never touches Python reference counts, and the last
// holder to let go takes the GIL to release the object. shared_ptr because
// policy factories are std::functions, copied between threads.
using SharedObject = std::shared_ptr<pybind11::object>;
SharedObject Share(pybind11::object object);  // needs the GIL

// `target` is "module:Class": imports module (the working directory is on
// sys.path), makes Class(**options) with each option a keyword argument of
// Class's constructor (string values; a key that names no parameter is an
// error listing the parameters). Takes the GIL; the interpreter must run.
Result<std::unique_ptr<Policy>> MakePythonPolicy(const std::string& target, policies::PolicyOptions options);

// Threads in or waiting for Python code on a policy's behalf right now. The
// CLI does not finalise its interpreter while one is: a worker the watchdog
// abandoned may still be running the policy.
int PolicyCallsInProgress();

// A policy around an object that follows the contract above (gauntlet.run
// with a Python object): named after its class, its source the class's
// module and file. Takes the GIL.
Result<std::unique_ptr<Policy>> WrapPythonPolicy(const SharedObject& object);

}  // namespace gauntlet::python
