// Observations and actions across the C++/Python boundary, as NumPy arrays.
// Shared by Python policies (CLI and module) and the module's `gauntlet.Env`.
// Every function here needs the GIL.
#pragma once

#include <pybind11/pybind11.h>

#include <string>
#include <vector>

#include "harness/observation.h"
#include "harness/result.h"

namespace gauntlet::python {

// {"images": {camera: HxWx3 uint8}, "state": {key: float64 (n,)},
//  "instruction": str, "step": int}, each array a copy. Only the images of
// `cameras` are passed; only the state of `state_keys`, or all of it when
// `all_state`.
pybind11::dict ObservationToPython(const Observation& observation, const std::vector<std::string>& cameras,
                                   const std::vector<std::string>& state_keys, bool all_state);

// A policy's answer: a numpy.ndarray of a floating dtype, (H, D) or (D,) for
// one action. Anything else (a list, an integer or object dtype from a ragged
// list, 0 or 3+ dimensions) is an error that says what came back.
Result<std::vector<std::vector<double>>> ActionsFromPython(pybind11::handle value);

// "ValueError: boom (my_policy.py:12 in act: raise ValueError('boom'))": the
// exception's type and message, and the innermost traceback line.
std::string DescribePythonError(const pybind11::error_already_set& error);

}  // namespace gauntlet::python
