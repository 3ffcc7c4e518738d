// TIES-Merging (trim, elect sign, disjoint merge) and DARE-TIES (DARE's
// random drop first, then TIES). Formulas and defaults: merge_methods.h.
#include <ATen/ATen.h>

#include "harness/check.h"
#include "merging/sparsify.h"
#include "merging/tensor_merger.h"

namespace gauntlet::merging {

namespace {

struct TiesSettings {
  double density = 0.2;
  bool mean = false;               // agg=mean: divide by the agreeing count
  bool model_granularity = true;   // trim over the whole merged model, else per tensor
  double alpha = 0.3;
  TaskVectorTransform transform;   // applied to each τ_m before the trim (DARE); may be empty
};

class TiesMerger : public TensorMerger {
 public:
  explicit TiesMerger(TiesSettings settings) : s_(std::move(settings)) {}

  // At model granularity the trim keeps the ⌊density·N⌋ largest |τ_m| of the
  // N merged elements of the whole model, per task. Finding that cut needs
  // every |τ_m| at once: one buffer of N values (4 bytes each, 8 for a float64
  // model) for one task at a time, so the peak is one extra model-sized
  // vector, and the transform (DARE) runs twice per tensor (the same draws:
  // its seeds are derived per tensor). Ties at the cut go to the earliest
  // tensor in merge order, then the earliest position (sparsify.h).
  void Prepare(const MergeInputs& inputs) override {
    names_ = inputs.names;
    if (!s_.model_granularity) return;
    int64_t total = 0;
    bool any_double = false;
    for (const auto& name : names_) {
      total += inputs.base.at(name).numel();
      any_double = any_double || inputs.base.at(name).scalar_type() == at::kDouble;
    }
    const int64_t keep = KeepCount(s_.density, total);
    at::Tensor magnitudes = at::empty({total}, any_double ? at::kDouble : at::kFloat);
    for (size_t m = 0; m < inputs.experts.size(); ++m) {
      int64_t offset = 0;
      for (const auto& name : names_) {
        const at::Tensor& base = inputs.base.at(name);
        const at::Tensor tau = Transformed(name, m, inputs.TaskVector(m, name));
        magnitudes.narrow(0, offset, base.numel()).copy_(tau.abs().reshape({-1}));
        offset += base.numel();
        if (inputs.release_pages) inputs.experts[m]->ReleasePages(name);
      }
      cuts_.push_back(FindTopCut(magnitudes, keep));
    }
  }

  MergedTensor Merge(const std::string& name, const std::vector<at::Tensor>& task_vectors) override {
    GAUNTLET_CHECK(next_ < names_.size() && names_[next_] == name, "ties: tensors merged out of order at " + name);
    ++next_;
    // Trim: τ̂_m keeps the largest |τ_m| (per tensor or per the model's cut).
    std::vector<at::Tensor> trimmed;
    for (size_t m = 0; m < task_vectors.size(); ++m) {
      const at::Tensor tau = Transformed(name, m, task_vectors[m]);
      const at::Tensor magnitudes = tau.abs();
      const at::Tensor keep = s_.model_granularity ? ApplyTopCut(magnitudes, cuts_[m])
                                                   : TopMagnitudeMask(magnitudes, KeepCount(s_.density, tau.numel()));
      trimmed.push_back(tau * keep);
    }
    // Elect: γ = sign(Σ_m τ̂_m), the sign of the larger total mass; 0 → +1.
    at::Tensor total = trimmed[0].clone();
    for (size_t m = 1; m < trimmed.size(); ++m) total += trimmed[m];
    const at::Tensor sign = (total >= 0).to(total.scalar_type()) * 2 - 1;
    // Disjoint merge: the entries that agree with γ, summed or averaged over
    // the agreeing (non-zero) entries.
    at::Tensor merged = at::zeros_like(total);
    at::Tensor agreeing = at::zeros_like(total);
    for (const auto& tau : trimmed) {
      const at::Tensor agrees = tau * sign > 0;
      merged += tau * agrees;
      agreeing += agrees;
    }
    if (s_.mean) merged /= agreeing.clamp_min(1.0);
    return {merged * s_.alpha, {}};
  }

 private:
  at::Tensor Transformed(const std::string& name, size_t task, const at::Tensor& tau) const {
    return s_.transform ? s_.transform(name, task, tau) : tau;
  }

  TiesSettings s_;
  std::vector<std::string> names_;
  size_t next_ = 0;
  std::vector<TopCut> cuts_;  // per task, at model granularity
};

TiesSettings SettingsOf(const ResolvedParams& params) {
  TiesSettings settings;
  settings.density = params.number("density");
  settings.mean = params.text("agg") == "mean";
  settings.model_granularity = params.text("granularity") == "model";
  settings.alpha = params.number("alpha");
  return settings;
}

}  // namespace

std::unique_ptr<TensorMerger> MakeTies(const ResolvedParams& params) {
  return std::make_unique<TiesMerger>(SettingsOf(params));
}

std::unique_ptr<TensorMerger> MakeDareTies(const ResolvedParams& params) {
  TiesSettings settings = SettingsOf(params);
  settings.transform = DareTransform(params.number("p"), params.flag("rescale"), params.integer("seed"));
  return std::make_unique<TiesMerger>(std::move(settings));
}

}  // namespace gauntlet::merging
