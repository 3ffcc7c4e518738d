// EMR-Merging (elect, mask, rescale): one unified task vector, and per task a
// mask and a scale, applied at inference for the task being evaluated.
// Formulas: merge_methods.h.
#include <ATen/ATen.h>

#include "merging/tensor_merger.h"

namespace gauntlet::merging {

namespace {

class EmrMerger : public TensorMerger {
 public:
  MergedTensor Merge(const std::string&, const std::vector<at::Tensor>& task_vectors) override {
    const size_t m = task_vectors.size();
    if (abs_mean_sums_.empty()) {
      abs_mean_sums_.assign(m, 0.0);
      masked_mean_sums_.assign(m, 0.0);
    }
    // Elect: γ = sign(Σ τ_m), a zero sum counted as −1 (FusionBench's _sign).
    at::Tensor total = task_vectors[0].clone();
    for (size_t i = 1; i < m; ++i) total += task_vectors[i];
    const at::Tensor sign = (total > 0).to(total.scalar_type()) * 2 - 1;
    // Mask: M_m = 1[τ_m·γ > 0]; unified: γ ⊙ max_m |τ_m ⊙ M_m|.
    std::vector<at::Tensor> masks;
    at::Tensor magnitude = at::zeros_like(total);
    for (const auto& tau : task_vectors) {
      masks.push_back(tau * sign > 0);
      magnitude = at::maximum(magnitude, (tau * masks.back()).abs());
    }
    at::Tensor unified = sign * magnitude;
    // Rescale: λ_m = Σ_n mean|τ_m,n| / Σ_n mean|M_m,n ⊙ τ_uni,n| over the parameters n.
    for (size_t i = 0; i < m; ++i) {
      abs_mean_sums_[i] += task_vectors[i].abs().mean().item<double>();
      masked_mean_sums_[i] += (unified * masks[i]).abs().mean().item<double>();
    }
    return {std::move(unified), std::move(masks)};
  }

  std::vector<double> TaskScales() const override {
    std::vector<double> scales;
    for (size_t i = 0; i < abs_mean_sums_.size(); ++i) {
      scales.push_back(masked_mean_sums_[i] > 0 ? abs_mean_sums_[i] / masked_mean_sums_[i] : 0.0);
    }
    return scales;
  }

 private:
  std::vector<double> abs_mean_sums_, masked_mean_sums_;
};

}  // namespace

std::unique_ptr<TensorMerger> MakeEmr(const ResolvedParams&) { return std::make_unique<EmrMerger>(); }

}  // namespace gauntlet::merging
