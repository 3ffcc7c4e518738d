// Small helpers shared by the merge tests: models from literal tensors,
// merges that must succeed, and tensors back as plain numbers.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "merging/merge_methods.h"
#include "merging/parameter_map.h"

namespace gauntlet::merging::merge_testing {

inline ParameterMap Map(const std::string& source, std::vector<std::pair<std::string, at::Tensor>> entries) {
  ParameterMap map(source);
  for (auto& [name, tensor] : entries) map.Add(name, tensor);
  return map;
}

inline std::vector<double> List(const at::Tensor& tensor) {
  const at::Tensor flat = tensor.reshape({-1}).to(at::kDouble).contiguous();
  return std::vector<double>(flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel());
}

// A base and its experts, as the tests build them.
struct Models {
  ParameterMap base;
  std::vector<ParameterMap> experts;
};

// MergeModels that must succeed: a failure throws its message, which the test reports.
inline MergeResult MustMerge(const std::string& method, const Models& models, const MergeParams& params = {},
                             const MergeOptions& options = {}) {
  auto result = MergeModels(method, models.base, models.experts, params, options);
  if (!result.ok()) throw std::runtime_error(result.error().message);
  return std::move(result).value();
}

}  // namespace gauntlet::merging::merge_testing
