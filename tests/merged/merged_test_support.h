// Small helpers shared by the merge tests: models from literal tensors and
// tensors back as plain numbers.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "policies/merged/parameter_map.h"

namespace gauntlet::policies::merged::merge_testing {

inline ParameterMap Map(const std::string& source, std::vector<std::pair<std::string, at::Tensor>> entries) {
  ParameterMap map(source);
  for (auto& [name, tensor] : entries) map.Add(name, tensor);
  return map;
}

inline std::vector<double> List(const at::Tensor& tensor) {
  const at::Tensor flat = tensor.reshape({-1}).to(at::kDouble).contiguous();
  return std::vector<double>(flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel());
}

}  // namespace gauntlet::policies::merged::merge_testing
