// One expert of a merge as the merge reads it: per parameter, its task vector
// τ_m = θ_m − θ₀ and its value θ_m. A dense expert is a ParameterMap of the
// base's layout; a LoRA expert (lora_adapter.h) is an adapter on the base,
// whose τ_m is its low-rank update, made one parameter at a time, so that a
// merge of adapters never holds a whole expert model.
//
// Copy: not copyable (held by unique_ptr). Thread-safety: const methods may
// be called concurrently.
#pragma once

#include <ATen/core/Tensor.h>

#include <memory>
#include <string>
#include <vector>

#include "harness/result.h"
#include "merging/parameter_map.h"

namespace gauntlet::merging {

class ExpertModel {
 public:
  virtual ~ExpertModel() = default;

  // Names the expert in errors and records: a file or folder.
  virtual const std::string& source() const = 0;
  // Whether the expert can be merged onto `base`; the error names the
  // parameter and both sources.
  virtual Status CheckLayout(const ParameterMap& base) const = 0;
  // τ_m of rows [row_begin, row_begin + theta0_rows.size(0)) of `name`
  // (along dim 0; the whole tensor when it is 0-d), where `theta0_rows` are
  // those rows of θ₀ already in the compute dtype (ComputeType of θ₀'s):
  // the merge hands out a large parameter in pieces of rows, so that a
  // LoRA update or a bf16 conversion is made one piece at a time.
  virtual at::Tensor TaskVectorRows(const std::string& name, const at::Tensor& theta0_rows,
                                    int64_t row_begin) const = 0;
  // τ_m of the whole of `name`, in ComputeType; `theta0` is base.at(name).
  at::Tensor TaskVector(const std::string& name, const at::Tensor& theta0) const {
    return TaskVectorRows(name, theta0.to(ComputeType(theta0.scalar_type())), 0);
  }
  // θ_m of `name`, in θ₀'s dtype.
  virtual at::Tensor Value(const std::string& name, const at::Tensor& theta0) const = 0;
  // Drops the resident pages of the mapped files under `name` (a merge with
  // MergeOptions::release_pages calls it once the parameter is merged;
  // nothing for tensors in memory).
  virtual void ReleasePages(const std::string& name) const {}
};

using ExpertModels = std::vector<std::unique_ptr<ExpertModel>>;

// An expert given as a whole model of the base's layout (CheckSameLayout).
// ReleasePages drops the pages of its tensors that view mapped files.
std::unique_ptr<ExpertModel> DenseExpert(ParameterMap model);
ExpertModels DenseExperts(const std::vector<ParameterMap>& models);

// Drops the resident pages under `tensor` when it views a mapped file
// (ReleaseMappedPages); a tensor in memory (not a view) is left alone.
void ReleaseIfMapped(const at::Tensor& tensor);

}  // namespace gauntlet::merging
