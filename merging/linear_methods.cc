// Methods whose merged task vector is a sum of (rewritten) task vectors or an
// element-wise choice among them: average, task_arithmetic, dare,
// breadcrumbs, magmax, capability_vector. Formulas: merge_methods.h.
#include <ATen/ATen.h>

#include "merging/sparsify.h"
#include "merging/tensor_merger.h"

namespace gauntlet::merging {

namespace {

at::Tensor Identity(const std::string&, size_t, const at::Tensor& task_vector) { return task_vector; }

// τ_merge = scale · Σ_m transform(τ_m).
class SumMerger : public TensorMerger {
 public:
  // `elementwise`: the transform is (the identity).
  SumMerger(double scale, TaskVectorTransform transform, bool elementwise = false)
      : scale_(scale), transform_(std::move(transform)), elementwise_(elementwise) {}

  bool Elementwise() const override { return elementwise_; }

  MergedTensor Merge(const std::string& name, const std::vector<at::Tensor>& task_vectors) override {
    at::Tensor sum = transform_(name, 0, task_vectors[0]).clone();
    for (size_t m = 1; m < task_vectors.size(); ++m) sum += transform_(name, m, task_vectors[m]);
    return {sum * scale_, {}};
  }

 private:
  double scale_;
  TaskVectorTransform transform_;
  bool elementwise_;
};

// τ_merge = (1/M) Σ_m τ_m, so θ = (1/M) Σ_m θ_m.
class AverageMerger : public TensorMerger {
 public:
  bool Elementwise() const override { return true; }
  MergedTensor Merge(const std::string&, const std::vector<at::Tensor>& task_vectors) override {
    at::Tensor sum = task_vectors[0].clone();
    for (size_t m = 1; m < task_vectors.size(); ++m) sum += task_vectors[m];
    return {sum / static_cast<double>(task_vectors.size()), {}};
  }
};

// Model Breadcrumbs on one task vector: of its n entries ranked by |τ|, drop
// the ⌊gamma·n⌋ largest and keep the next ⌊density·n⌋; when the two overlap
// the end of the ranking, fewer of the largest are dropped so that
// ⌊density·n⌋ are kept (mergekit's magnitude_outliers).
TaskVectorTransform BreadcrumbsTransform(double density, double gamma) {
  return [density, gamma](const std::string&, size_t, const at::Tensor& task_vector) {
    const int64_t n = task_vector.numel();
    const int64_t keep = KeepCount(density, n);
    const int64_t skip_top = std::min(KeepCount(gamma, n), n - keep);
    return task_vector * MagnitudeBandMask(task_vector.abs(), skip_top, keep);
  };
}

// MagMax: per element, the task vector entry of largest magnitude (the first
// task's among equals), scaled by alpha.
class MagMaxMerger : public TensorMerger {
 public:
  explicit MagMaxMerger(double alpha) : alpha_(alpha) {}
  bool Elementwise() const override { return true; }

  MergedTensor Merge(const std::string&, const std::vector<at::Tensor>& task_vectors) override {
    at::Tensor best = task_vectors[0];
    for (size_t m = 1; m < task_vectors.size(); ++m) {
      best = at::where(task_vectors[m].abs() > best.abs(), task_vectors[m], best);
    }
    return {best * alpha_, {}};
  }

 private:
  double alpha_;
};

// CapVector: alpha · (θ_aux − θ_sft) = alpha · (τ_aux − τ_sft), experts in
// the order (sft, aux).
class CapabilityVectorMerger : public TensorMerger {
 public:
  explicit CapabilityVectorMerger(double alpha) : alpha_(alpha) {}
  bool Elementwise() const override { return true; }

  MergedTensor Merge(const std::string&, const std::vector<at::Tensor>& task_vectors) override {
    return {(task_vectors[1] - task_vectors[0]) * alpha_, {}};
  }

 private:
  double alpha_;
};

}  // namespace

TaskVectorTransform DareTransform(double drop, bool rescale, uint64_t seed) {
  return [=](const std::string& name, size_t task, const at::Tensor& task_vector) {
    at::Tensor kept = task_vector * BernoulliKeepMask(task_vector.sizes(), drop, DeriveSeed(seed, name, task));
    return rescale ? kept / (1.0 - drop) : kept;
  };
}

std::unique_ptr<TensorMerger> MakeAverage(const ResolvedParams&) { return std::make_unique<AverageMerger>(); }

std::unique_ptr<TensorMerger> MakeTaskArithmetic(const ResolvedParams& params) {
  return std::make_unique<SumMerger>(params.number("alpha"), Identity, /*elementwise=*/true);
}

std::unique_ptr<TensorMerger> MakeDare(const ResolvedParams& params) {
  return std::make_unique<SumMerger>(
      params.number("alpha"), DareTransform(params.number("p"), params.flag("rescale"), params.integer("seed")));
}

std::unique_ptr<TensorMerger> MakeBreadcrumbs(const ResolvedParams& params) {
  return std::make_unique<SumMerger>(params.number("alpha"),
                                     BreadcrumbsTransform(params.number("density"), params.number("gamma")));
}

std::unique_ptr<TensorMerger> MakeMagMax(const ResolvedParams& params) {
  return std::make_unique<MagMaxMerger>(params.number("alpha"));
}

std::unique_ptr<TensorMerger> MakeCapabilityVector(const ResolvedParams& params) {
  return std::make_unique<CapabilityVectorMerger>(params.number("alpha"));
}

}  // namespace gauntlet::merging
