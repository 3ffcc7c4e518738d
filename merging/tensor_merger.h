// The inside of a merge method (merge_methods.h is the outside): a
// TensorMerger turns the M task vectors of one parameter into the merged task
// vector τ_merge of that parameter, so that a merge holds one parameter's
// task vectors at a time. A method that needs whole-model statistics (TIES at
// model granularity) gathers them in Prepare.
//
// Included by the merged/*.cc files only.
#pragma once

#include <ATen/core/Tensor.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "merging/expert_model.h"
#include "merging/merge_params.h"
#include "merging/parameter_map.h"

namespace gauntlet::merging {

struct MergedTensor {
  at::Tensor task_vector;               // τ_merge, in the compute dtype
  std::vector<at::Tensor> task_masks;   // M bool masks S_m, for methods that make them
};

struct MergeInputs {
  const ParameterMap& base;
  const ExpertModels& experts;
  std::vector<std::string> names;  // the merged parameters, in merge order
  bool release_pages = false;      // MergeOptions::release_pages

  // τ_m of `name`, in the compute dtype.
  at::Tensor TaskVector(size_t m, const std::string& name) const {
    return experts[m]->TaskVector(name, base.at(name));
  }
};

// One merge: constructed with its resolved hyperparameters, used once, by one
// thread. Not copyable.
class TensorMerger {
 public:
  TensorMerger() = default;
  TensorMerger(const TensorMerger&) = delete;
  TensorMerger& operator=(const TensorMerger&) = delete;
  virtual ~TensorMerger() = default;

  // Called once, first: an error for inputs the method cannot merge (a layout
  // it needs, such as KnOTS's LoRA factors), which MergeModels returns.
  virtual Status CheckInputs(const MergeInputs& inputs) const { return {}; }
  // Called once, after CheckInputs and before any Merge.
  virtual void Prepare(const MergeInputs& inputs) {}
  // Called once per name of inputs.names, in that order; `task_vectors` are
  // τ_m = θ_m − θ₀ in the compute dtype (parameter_map.h), one per expert.
  // For an Elementwise() merger, a large parameter may instead come as
  // consecutive pieces of rows (dim 0), each once, in order.
  virtual MergedTensor Merge(const std::string& name, const std::vector<at::Tensor>& task_vectors) = 0;
  // Whether merging a tensor piece by piece (Merge above) gives the pieces of
  // merging it whole: the result at an element depends only on the task
  // vectors at that element and on state consumed in flat order (TIES's ties
  // at a model-wide cut). The merge then works on cache-sized pieces.
  virtual bool Elementwise() const { return false; }
  // After the last Merge: per-task scales of the per-task models (EMR's λ_m);
  // empty means 1 for every task.
  virtual std::vector<double> TaskScales() const { return {}; }
};

using MergerFactory = std::function<std::unique_ptr<TensorMerger>(const ResolvedParams&)>;

// A per-task rewrite of a task vector before it is merged (DARE's random drop,
// Breadcrumbs' band): a pure function of (name, task, τ) so that running it
// twice gives the same tensor.
using TaskVectorTransform =
    std::function<at::Tensor(const std::string& name, size_t task, const at::Tensor& task_vector)>;

// The methods, by file. Each reads the keys merge_methods.h lists for it.
// linear_methods.cc
std::unique_ptr<TensorMerger> MakeAverage(const ResolvedParams& params);
std::unique_ptr<TensorMerger> MakeTaskArithmetic(const ResolvedParams& params);
std::unique_ptr<TensorMerger> MakeDare(const ResolvedParams& params);
std::unique_ptr<TensorMerger> MakeBreadcrumbs(const ResolvedParams& params);
std::unique_ptr<TensorMerger> MakeMagMax(const ResolvedParams& params);
std::unique_ptr<TensorMerger> MakeCapabilityVector(const ResolvedParams& params);
// ties.cc
std::unique_ptr<TensorMerger> MakeTies(const ResolvedParams& params);
std::unique_ptr<TensorMerger> MakeDareTies(const ResolvedParams& params);
// subspace_methods.cc
std::unique_ptr<TensorMerger> MakeTsv(const ResolvedParams& params);
std::unique_ptr<TensorMerger> MakeIsoC(const ResolvedParams& params);
std::unique_ptr<TensorMerger> MakeIsoCts(const ResolvedParams& params);
// wudi.cc
std::unique_ptr<TensorMerger> MakeWudi(const ResolvedParams& params);
// emr.cc
std::unique_ptr<TensorMerger> MakeEmr(const ResolvedParams& params);
// task_masks.cc: `inner` makes τ_merge.
std::unique_ptr<TensorMerger> MakeTallMask(const ResolvedParams& params, std::unique_ptr<TensorMerger> inner);
std::unique_ptr<TensorMerger> MakeConsensus(const ResolvedParams& params, std::unique_ptr<TensorMerger> inner);
// knots.cc: `inner` merges the aligned coordinates.
std::unique_ptr<TensorMerger> MakeKnots(const ResolvedParams& params, std::unique_ptr<TensorMerger> inner);

// DARE (sparsify.h: BernoulliKeepMask, DeriveSeed): τ ⊙ B / (1 − p) with
// rescale, τ ⊙ B without; B's seed derived from (seed, name, task).
TaskVectorTransform DareTransform(double drop, bool rescale, uint64_t seed);

}  // namespace gauntlet::merging
