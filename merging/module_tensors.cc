#include "merging/module_tensors.h"

#include <unordered_map>

namespace gauntlet::merging {

namespace {

template <class Visit>
void ForEachModuleTensor(const torch::jit::Module& module, ModuleTensors which, Visit&& visit) {
  for (const auto& parameter : module.named_parameters(/*recurse=*/true)) visit(parameter.name, parameter.value);
  if (which == ModuleTensors::kParametersAndBuffers) {
    for (const auto& buffer : module.named_buffers(/*recurse=*/true)) visit(buffer.name, buffer.value);
  }
}

std::string Layout(const at::Tensor& tensor) { return ShapeText(tensor) + " " + c10::toString(tensor.scalar_type()); }

}  // namespace

ParameterMap ModuleTensorMap(const torch::jit::Module& module, ModuleTensors which, const std::string& source) {
  ParameterMap map(source);
  ForEachModuleTensor(module, which, [&](const std::string& name, const at::Tensor& value) {
    map.Add(name, value.detach());
  });
  return map;
}

Status AssignModuleTensors(torch::jit::Module& module, const ParameterMap& map, const std::string& module_source,
                           Coverage coverage, Casting casting) {
  std::unordered_map<std::string, at::Tensor> targets;
  ForEachModuleTensor(module, ModuleTensors::kParametersAndBuffers,
                      [&](const std::string& name, const at::Tensor& value) { targets.emplace(name, value); });
  // Every check before the first write, so a refusal leaves the module as it was.
  for (const auto& [name, tensor] : map.entries()) {
    auto it = targets.find(name);
    if (it == targets.end()) {
      return Error{module_source + ": cannot take the tensors: '" + map.source() + "' has '" + name +
                   "', which the module lacks"};
    }
    const bool castable = casting == Casting::kFloating && at::isFloatingType(tensor.scalar_type()) &&
                          at::isFloatingType(it->second.scalar_type());
    if (!tensor.sizes().equals(it->second.sizes()) ||
        (tensor.scalar_type() != it->second.scalar_type() && !castable)) {
      return Error{module_source + ": cannot take the tensors: '" + name + "' is " + Layout(tensor) + " in '" +
                   map.source() + "' but " + Layout(it->second) + " in the module"};
    }
  }
  if (coverage == Coverage::kEvery) {
    for (const auto& [name, tensor] : targets) {
      if (!map.contains(name)) {
        return Error{module_source + ": cannot take the tensors: '" + map.source() + "' has no tensor '" + name +
                     "' of the module"};
      }
    }
  }
  torch::NoGradGuard no_grad;
  // copy_ casts: the module's own storage keeps its dtype.
  for (const auto& [name, tensor] : map.entries()) targets.at(name).detach().copy_(tensor);
  return Status::Ok();
}

}  // namespace gauntlet::merging
