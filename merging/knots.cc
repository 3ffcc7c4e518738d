// KnOTS ("Model merging with SVD to tie the Knots", arXiv 2410.19735): the
// experts' updates of a layer are written in one shared SVD basis, and an
// existing method merges their coordinates in it. Follows gstoica27/KnOTS
// (task_merger.py's SVDMerger, configs/vitB_r16_knots_ties.py) and
// FusionBench's knots/knots_utils.py (subspace_alignment). Formulas and
// defaults: merge_methods.h.
#include <ATen/ATen.h>

#include <map>
#include <optional>
#include <set>

#include "merging/randomized_svd.h"
#include "merging/sparsify.h"
#include "merging/tensor_merger.h"

namespace gauntlet::merging {

namespace {

// Singular values at or below this are dropped (FusionBench's eps; KnOTS's
// own code uses 1e-5). Absolute, as in both.
constexpr double kMinSingularValue = 1e-4;

const std::string kLoraA = ".lora_A.weight";
const std::string kLoraB = ".lora_B.weight";
const std::string kDense = ".weight";

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() > suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// "<p>" for "<p>.lora_A.weight" and "<p>.lora_B.weight"; nothing otherwise.
std::optional<std::string> LoraPrefix(const std::string& name) {
  for (const std::string* suffix : {&kLoraA, &kLoraB}) {
    if (EndsWith(name, *suffix)) return name.substr(0, name.size() - suffix->size());
  }
  return std::nullopt;
}

// "<p>" for a dense weight "<p>.weight" with LoRA factors in `base`.
std::optional<std::string> FoldedLoraPrefix(const ParameterMap& base, const std::string& name) {
  if (!EndsWith(name, kDense)) return std::nullopt;
  std::string prefix = name.substr(0, name.size() - kDense.size());
  if (!base.contains(prefix + kLoraA)) return std::nullopt;
  return prefix;
}

// Whether `prefix`'s LoRA factors and dense weight are all there, 2-D and of
// matching shapes: A [r, in], B [out, r], W [out, in].
Status CheckLoraLayer(const ParameterMap& base, const std::string& prefix) {
  const std::string a = prefix + kLoraA, b = prefix + kLoraB, dense = prefix + kDense;
  for (const std::string& name : {a, b}) {
    if (!base.contains(name)) {
      return Error{"knots: LoRA layer '" + prefix + "' has no factor '" + name + "' in base '" + base.source() +
                   "'; KnOTS needs both " + kLoraA + " and " + kLoraB};
    }
  }
  if (!base.contains(dense)) {
    return Error{"knots: LoRA layer '" + prefix + "' has no dense weight '" + dense + "' in base '" + base.source() +
                 "' to fold B·A into"};
  }
  const at::Tensor &fa = base.at(a), &fb = base.at(b), &w = base.at(dense);
  if (fa.dim() != 2 || fb.dim() != 2 || w.dim() != 2 || fb.size(1) != fa.size(0) || w.size(0) != fb.size(0) ||
      w.size(1) != fa.size(1) || !IsMergeable(w)) {
    return Error{"knots: LoRA layer '" + prefix + "' does not fit: " + kLoraA + " " + ShapeText(fa) + " and " + kLoraB +
                 " " + ShapeText(fb) + " must be [r, in] and [out, r] for a floating " + kDense + " [out, in], got " +
                 ShapeText(w)};
  }
  return {};
}

// ΔW_m of the layer whose dense weight is `name`, in the compute dtype: its
// task vector, plus lora_scale·(B_m·A_m − B_0·A_0) when it has LoRA factors.
at::Tensor LayerUpdate(const ParameterMap& base, const ExpertModel& expert, const std::string& name,
                       const std::optional<std::string>& lora_prefix, double lora_scale) {
  const at::Tensor& theta0 = base.at(name);
  at::Tensor update = expert.TaskVector(name, theta0);
  if (!lora_prefix) return update;
  const at::ScalarType type = update.scalar_type();
  const auto factor = [&](const std::string& suffix, bool of_expert) {
    const at::Tensor& base_factor = base.at(*lora_prefix + suffix);
    return (of_expert ? expert.Value(*lora_prefix + suffix, base_factor) : base_factor).to(type);
  };
  const auto product = [&](bool of_expert) { return at::matmul(factor(kLoraB, of_expert), factor(kLoraA, of_expert)); };
  return update + (product(true) - product(false)) * lora_scale;
}

// The experts' coordinates in the shared basis of one layer.
struct AlignedLayer {
  at::Tensor u;               // [out, k], orthonormal columns
  at::Tensor s;               // [k], the kept singular values
  std::vector<at::Tensor> v;  // per task [k, in]: ΔW_m = u·diag(s)·v_m
};

// [ΔW_1 … ΔW_M] (columns concatenated: KnOTS's concat_across_output) =
// U·diag(S)·[V_1 … V_M] in float64, the components with S > 1e-4 kept, cast
// back to the compute dtype (FusionBench's subspace_alignment). The SVD is
// full or randomized as `svd` says (SingularTripletsAbove: a rank-r LoRA
// layer's M experts need only the top M·r triplets), seeded by `seed`.
AlignedLayer AlignLayer(const std::vector<at::Tensor>& updates, const SvdSettings& svd, uint64_t seed) {
  const at::ScalarType type = updates[0].scalar_type();
  const int64_t in = updates[0].size(1);
  const SvdFactors kept = SingularTripletsAbove(at::cat(updates, 1).to(at::kDouble), kMinSingularValue, svd, seed);
  AlignedLayer layer{kept.u.to(type), kept.s.to(type), {}};
  const at::Tensor kept_vh = kept.vh.to(type);
  for (size_t m = 0; m < updates.size(); ++m) layer.v.push_back(kept_vh.narrow(1, int64_t(m) * in, in));
  return layer;
}

// The merger sees the whole models in CheckInputs and Prepare (MergeInputs),
// where it reads the LoRA factors and aligns every 2-D merged parameter; Merge
// then hands out, per name: a LoRA factor's τ_merge = 0 (the factors keep θ₀),
// a 2-D parameter's reconstructed ΔW (the task vectors passed in are not used:
// Prepare has read them, with the folded factors), anything else's average.
//
// The inner method merges R_m = diag(S)·V_m (s_on_V) or V_m, per layer, as
// the task vectors of a model whose base is zero and whose parameters are the
// aligned layers, so its model-wide statistics (TIES at model granularity)
// range over all layers at once, as KnOTS ranks one flattened vector per task.
// Its alpha scales R_merged and so ΔW, which is linear in it: that is where
// KnOTS applies its scaling_coeffs (to each task's masked S·V before the
// disjoint mean); knots adds no scale of its own.
class KnotsMerger : public TensorMerger {
 public:
  KnotsMerger(bool scale_v, double lora_scale, SvdSettings svd, std::unique_ptr<TensorMerger> inner)
      : scale_v_(scale_v),
        lora_scale_(lora_scale),
        svd_(svd),
        inner_(std::move(inner)),
        average_(MakeAverage({})) {}

  Status CheckInputs(const MergeInputs& inputs) const override {
    const std::set<std::string> merged(inputs.names.begin(), inputs.names.end());
    for (const auto& name : inputs.base.names()) {
      const std::optional<std::string> prefix = LoraPrefix(name);
      if (!prefix) continue;
      if (Status fits = CheckLoraLayer(inputs.base, *prefix); !fits.ok()) return fits;
      if (merged.count(name) > 0 && merged.count(*prefix + kDense) == 0) {
        return Error{"knots: LoRA factor '" + name + "' is selected but its dense weight '" + *prefix + kDense +
                     "' is not; KnOTS merges a LoRA layer into its dense weight: select it too"};
      }
    }
    return {};
  }

  void Prepare(const MergeInputs& inputs) override {
    const size_t tasks = inputs.experts.size();
    aligned_.resize(tasks);
    for (size_t m = 0; m < tasks; ++m)
      aligned_[m].set_source("knots: task " + std::to_string(m) + " in the aligned basis");
    for (const auto& name : inputs.names) {
      if (LoraPrefix(name) || inputs.base.at(name).dim() != 2) continue;
      const std::optional<std::string> lora = FoldedLoraPrefix(inputs.base, name);
      std::vector<at::Tensor> updates;
      for (const auto& expert : inputs.experts)
        updates.push_back(LayerUpdate(inputs.base, *expert, name, lora, lora_scale_));
      AlignedLayer layer = AlignLayer(updates, svd_, DeriveSeed(0, name, 0));
      if (layer.s.numel() > 0) {
        for (size_t m = 0; m < tasks; ++m) {
          aligned_[m].Add(name, scale_v_ ? layer.s.unsqueeze(1) * layer.v[m] : layer.v[m]);
        }
        // A zero of the right shape without its memory: the inner method only reads it.
        aligned_base_.Add(name, at::zeros({}, layer.s.scalar_type()).expand(layer.v[0].sizes()));
        aligned_names_.push_back(name);
      }
      bases_.emplace(name, Basis{layer.u, layer.s});
    }
    aligned_experts_ = DenseExperts(aligned_);
    if (!aligned_names_.empty()) inner_->Prepare(MergeInputs{aligned_base_, aligned_experts_, aligned_names_});
  }

  MergedTensor Merge(const std::string& name, const std::vector<at::Tensor>& task_vectors) override {
    if (LoraPrefix(name)) return {at::zeros_like(task_vectors[0]), {}};
    const auto basis = bases_.find(name);
    if (basis == bases_.end()) return average_->Merge(name, task_vectors);
    const auto& [u, s] = basis->second;
    // Every singular value at or below the threshold: nothing to merge.
    if (s.numel() == 0) return {at::zeros_like(task_vectors[0]), {}};
    std::vector<at::Tensor> coordinates;
    for (const auto& task : aligned_) coordinates.push_back(task.at(name));
    const at::Tensor merged = inner_->Merge(name, coordinates).task_vector;  // R_merged [k, in]
    return {at::matmul(u, scale_v_ ? merged : s.unsqueeze(1) * merged), {}};
  }

 private:
  struct Basis {
    at::Tensor u, s;
  };

  bool scale_v_;
  double lora_scale_;
  SvdSettings svd_;
  std::unique_ptr<TensorMerger> inner_;
  std::unique_ptr<TensorMerger> average_;
  std::map<std::string, Basis> bases_;  // every 2-D merged parameter (not a LoRA factor)
  std::vector<ParameterMap> aligned_;   // per task, R_m of the layers with k > 0
  ExpertModels aligned_experts_;        // the same, as the inner method reads them
  ParameterMap aligned_base_{"knots: zero base of the aligned basis"};
  std::vector<std::string> aligned_names_;  // in merge order
};

}  // namespace

std::unique_ptr<TensorMerger> MakeKnots(const ResolvedParams& params, std::unique_ptr<TensorMerger> inner) {
  return std::make_unique<KnotsMerger>(params.flag("s_on_V"), params.number("lora_scale"), SvdSettingsFrom(params),
                                       std::move(inner));
}

}  // namespace gauntlet::merging
