// WUDI-Merging ("Whoever Started the Interference Should End It", arXiv
// 2503.08099), as FusionBench's wudi/wudi.py runs it. Formula and defaults:
// merge_methods.h.
#include <ATen/ATen.h>
#include <torch/optim/adam.h>

#include "merging/tensor_merger.h"

namespace gauntlet::merging {

namespace {

// The rows of a linear layer's task vector τ_m span, roughly, the inputs that
// task m feeds the layer, so (τ − τ_m)·τ_mᵀ measures how much the merged
// update τ disturbs task m on its own inputs. Per 2-D parameter, τ starts at
// Σ_m τ_m and takes `iterations` Adam steps (weight decay 0, LibTorch's
// default betas and eps, which are PyTorch's) on
//   L(τ) = Σ_m ‖(τ − τ_m)·τ_mᵀ‖²_F / ‖τ_m‖²_F,
// summed over tasks and entries, not averaged, as FusionBench does. It runs in
// the compute dtype (parameter_map.h); FusionBench runs in the model's dtype.
// Unlike FusionBench, a task with τ_m = 0 (a layer that expert left frozen)
// has no term: there it divides 0 by 0 and the parameter becomes NaN.
// τ is used as is (no alpha). Parameters that are not 2-D get the average.
// FusionBench differentiates the loss as written (about 3·M·out²·in
// multiply-adds a step). The loss is the quadratic in τ whose gradient is
//   ∂L/∂τ = 2·Σ_m (τ − τ_m)·τ_mᵀ·τ_m / ‖τ_m‖²_F = 2·(τ·A − B),
//   A = Σ_m τ_mᵀ·τ_m / ‖τ_m‖²_F  [in, in],   B = Σ_m τ_m·τ_mᵀ·τ_m / ‖τ_m‖²_F,
// so A and B are formed once and a step costs one out·in² product: the same
// Adam trajectory up to rounding, ~M·out/in times cheaper (a 1024² layer
// with 4 experts: 5.7 s a step with autograd on one core, ~0.1 s here).
class WudiMerger : public TensorMerger {
 public:
  WudiMerger(uint64_t iterations, double lr) : iterations_(iterations), lr_(lr), average_(MakeAverage({})) {}

  MergedTensor Merge(const std::string& name, const std::vector<at::Tensor>& task_vectors) override {
    if (task_vectors[0].dim() != 2) return average_->Merge(name, task_vectors);
    std::vector<at::Tensor> active;
    std::vector<at::Tensor> squared_norms;
    for (const auto& tau : task_vectors) {
      at::Tensor squared_norm = tau.square().sum();
      if (squared_norm.item<double>() == 0) continue;
      active.push_back(tau);
      squared_norms.push_back(std::move(squared_norm));
    }
    if (active.empty()) return {at::zeros_like(task_vectors[0]), {}};
    at::Tensor a = at::zeros({task_vectors[0].size(1), task_vectors[0].size(1)}, task_vectors[0].options());
    at::Tensor b = at::zeros_like(task_vectors[0]);
    for (size_t m = 0; m < active.size(); ++m) {
      const at::Tensor gram = at::matmul(active[m].t(), active[m]) / squared_norms[m];
      a += gram;
      b += at::matmul(active[m], gram);
    }
    at::Tensor merged = at::stack(active).sum(0).set_requires_grad(true);
    torch::optim::Adam adam({merged}, torch::optim::AdamOptions(lr_).weight_decay(0));
    for (uint64_t step = 0; step < iterations_; ++step) {
      merged.mutable_grad() = 2 * (at::matmul(merged.detach(), a) - b);
      adam.step();
    }
    return {merged.detach(), {}};
  }

 private:
  uint64_t iterations_;
  double lr_;
  std::unique_ptr<TensorMerger> average_;
};

}  // namespace

std::unique_ptr<TensorMerger> MakeWudi(const ResolvedParams& params) {
  return std::make_unique<WudiMerger>(params.integer("iterations"), params.number("lr"));
}

}  // namespace gauntlet::merging
