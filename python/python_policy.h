// `python:module:Class`: a policy object written in Python, run through
// pybind11 (embedded in the CLI, or inside the `gauntlet` module's process).
// The object's contract: README.md "Python policies".
#pragma once

#include <memory>
#include <string>

#include "harness/policy.h"
#include "policies/policy_options.h"

namespace gauntlet::python {

// `target` is "module:Class"; the interpreter must be running.
Result<std::unique_ptr<Policy>> MakePythonPolicy(const std::string& target, policies::PolicyOptions options);

}  // namespace gauntlet::python
