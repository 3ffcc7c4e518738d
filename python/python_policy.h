// `python:module:Class`: a policy object written in Python, run through
// pybind11 (embedded in the CLI, or inside the `gauntlet` module's process).
//
// The object's contract (README.md "Python policies"):
//   act(obs) -> numpy.ndarray            (H, D) or (D,), any float dtype
//   reset(context)                       optional; context = {"suite", "instruction",
//                                        "embodiment", "init_state", "seed", "subtask"} and
//                                        "task", "task_index" when task_id is declared
//   spec                                 optional dict (or a method returning one):
//                                        action_kind, action_dim, gripper, rotation,
//                                        chunk, normalized, cameras, image_size,
//                                        orientation, state_keys, task_id
//   obs = {"images": {camera: HxWx3 uint8}, "state": {key: float64 (n,)},
//          "instruction": str, "step": int}, declared cameras and state keys only.
//
// Batching: an object with infer_batch serves every episode of a run from
// one instance (Policy::batches), and act is then optional and never called:
//   infer_batch(observations) -> one answer per observation, in order: a
//                                list or tuple of arrays as act returns them,
//                                or one array with a leading batch dimension
//                                (N, H, D) or (N, D); an item may be an
//                                exception instance, which ends that episode
//                                alone as `error`
//   end_episode(episode)         optional; the episode ended, however it ended
//                                (called once after a reset that returned)
// Each observation then carries "episode", an int naming its episode in this
// run, and reset's context carries the same "episode": a policy keeps its
// per-episode state (history, chunk queue, ensembling) in a dict keyed by it,
// as a model server keys its sessions, made in reset and dropped in
// end_episode. Ids are unique within the process and say nothing about the
// episode (its seed and init_state are in the context): they are handed out
// as episodes start, so they depend on the schedule. An exception from
// infer_batch ends every episode of the call as `error`; a wrong number of
// answers does too, naming both counts; a wrong answer ends its own episode.
//
// Threads: a PythonPolicy that does not batch is used by one thread at a
// time. One that batches gets infer_batch calls from one dispatcher thread
// at a time, while reset and end_episode come from the simulation workers as
// their episodes start and end. Every call takes the GIL for the Python code
// and the conversions around it and nothing else, so the physics and
// rendering of the workers go on while Python runs; a reset may run in the
// middle of an infer_batch call for other episodes when that call lets the
// GIL go (torch and numpy do while they compute).
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
