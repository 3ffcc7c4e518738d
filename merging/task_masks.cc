// TALL masks / MergeVLA task masks and consensus merging. Formulas and
// defaults: merge_methods.h.
#include <ATen/ATen.h>

#include "merging/tensor_merger.h"

namespace gauntlet::merging {

namespace {

// S_m = 1[|τ_m| > λ·|τ_merge − τ_m|] (TALL; MergeVLA eq. 3).
std::vector<at::Tensor> TaskMasks(const std::vector<at::Tensor>& task_vectors, const at::Tensor& merged,
                                  double lambda) {
  std::vector<at::Tensor> masks;
  for (const auto& tau : task_vectors) masks.push_back(tau.abs() > lambda * (merged - tau).abs());
  return masks;
}

class TallMaskMerger : public TensorMerger {
 public:
  TallMaskMerger(double lambda, std::unique_ptr<TensorMerger> inner) : lambda_(lambda), inner_(std::move(inner)) {}

  void Prepare(const MergeInputs& inputs) override { inner_->Prepare(inputs); }
  bool Elementwise() const override { return inner_->Elementwise(); }

  MergedTensor Merge(const std::string& name, const std::vector<at::Tensor>& task_vectors) override {
    at::Tensor merged = inner_->Merge(name, task_vectors).task_vector;
    std::vector<at::Tensor> masks = TaskMasks(task_vectors, merged, lambda_);
    return {std::move(merged), std::move(masks)};
  }

 private:
  double lambda_;
  std::unique_ptr<TensorMerger> inner_;
};

// Consensus: keep the entries of τ_merge active in at least k task masks.
class ConsensusMerger : public TensorMerger {
 public:
  ConsensusMerger(double lambda, uint64_t k, double alpha, std::unique_ptr<TensorMerger> inner)
      : lambda_(lambda), k_(static_cast<int64_t>(k)), alpha_(alpha), inner_(std::move(inner)) {}

  void Prepare(const MergeInputs& inputs) override { inner_->Prepare(inputs); }
  bool Elementwise() const override { return inner_->Elementwise(); }

  MergedTensor Merge(const std::string& name, const std::vector<at::Tensor>& task_vectors) override {
    const at::Tensor merged = inner_->Merge(name, task_vectors).task_vector;
    std::vector<at::Tensor> masks = TaskMasks(task_vectors, merged, lambda_);
    at::Tensor count = at::zeros(merged.sizes(), at::kLong);
    for (const auto& mask : masks) count += mask;
    return {merged * (count >= k_) * alpha_, std::move(masks)};
  }

 private:
  double lambda_;
  int64_t k_;
  double alpha_;
  std::unique_ptr<TensorMerger> inner_;
};

}  // namespace

std::unique_ptr<TensorMerger> MakeTallMask(const ResolvedParams& params, std::unique_ptr<TensorMerger> inner) {
  return std::make_unique<TallMaskMerger>(params.number("lambda"), std::move(inner));
}

std::unique_ptr<TensorMerger> MakeConsensus(const ResolvedParams& params, std::unique_ptr<TensorMerger> inner) {
  return std::make_unique<ConsensusMerger>(params.number("lambda"), params.integer("k"), params.number("alpha"),
                                           std::move(inner));
}

}  // namespace gauntlet::merging
