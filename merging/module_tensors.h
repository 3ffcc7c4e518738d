// A TorchScript module's named tensors as a ParameterMap, and the way back:
// writing a map's tensors into a module's own storage. The merge verbs use it
// to save merged weights under the base module's code; the merged policy to
// switch a loaded module between per-task weights without reloading it.
//
// Names and order are those of parameter_map.h: named_parameters() then
// named_buffers(), recursively, as dotted paths.
#pragma once

#include <torch/script.h>

#include <string>

#include "harness/result.h"
#include "merging/parameter_map.h"

namespace gauntlet::merging {

// The module's tensors, detached from autograd, sharing its storage.
ParameterMap ModuleTensorMap(const torch::jit::Module& module, ModuleTensors which, const std::string& source);

enum class Coverage {
  kEvery,   // `map` holds exactly the module's tensors (saving a whole model)
  kSubset,  // `map` holds some of them (switching a few parameters)
};

enum class Casting {
  kExact,     // dtypes must match
  kFloating,  // a floating tensor goes into a floating module tensor of any
              // floating dtype, cast to it: a bf16 checkpoint bound to the
              // code of a float32 module (merge --module)
};

// Copies each tensor of `map` into the module's tensor of the same name
// (parameters and buffers), in place. Every name must exist in the module
// with the same shape and dtype (or as `casting` allows), and with kEvery
// every module tensor must be in `map`; the first problem is returned naming
// the tensor, `map`'s source and `module_source`, and then nothing has been
// written.
Status AssignModuleTensors(torch::jit::Module& module, const ParameterMap& map, const std::string& module_source,
                           Coverage coverage, Casting casting = Casting::kExact);

}  // namespace gauntlet::merging
