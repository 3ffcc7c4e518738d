// SVD-based methods: tsv (Task Singular Vectors, TSV-M), iso_c and iso_cts
// (isotropic merging). They work on 2-D parameters; every other parameter
// (biases, norms, 1-D embeddings) gets the mean task vector (1/M)·Σ τ_m, as in
// FusionBench. The SVDs run in the compute dtype (float32, or float64 for
// float64 tensors). Formulas and defaults: merge_methods.h.
#include <ATen/ATen.h>

#include <cmath>

#include "merging/tensor_merger.h"

namespace gauntlet::merging {

namespace {

struct Svd {
  at::Tensor u, s, vh;  // thin: A = u · diag(s) · vh
};

Svd ThinSvd(const at::Tensor& a) {
  auto [u, s, vh] = at::linalg_svd(a, /*full_matrices=*/false, c10::nullopt);
  return {u, s, vh};
}

// The orthogonal polar factor of A (the nearest matrix with orthonormal
// columns, or rows when A is wide): P·Qᴴ from A = P·Σ·Qᴴ.
at::Tensor PolarFactor(const at::Tensor& a) {
  const Svd svd = ThinSvd(a);
  return at::matmul(svd.u, svd.vh);
}

at::Tensor Mean(const std::vector<at::Tensor>& task_vectors) {
  at::Tensor sum = task_vectors[0].clone();
  for (size_t m = 1; m < task_vectors.size(); ++m) sum += task_vectors[m];
  return sum / static_cast<double>(task_vectors.size());
}

at::Tensor Sum(const std::vector<at::Tensor>& task_vectors) {
  at::Tensor sum = task_vectors[0].clone();
  for (size_t m = 1; m < task_vectors.size(); ++m) sum += task_vectors[m];
  return sum;
}

// U⊥·diag(s)·V⊥ with U⊥, V⊥ the polar factors of the concatenated singular
// vectors (columns of U, rows of Vᴴ): the shared step of TSV-M and Iso-CTS.
at::Tensor Reassemble(const std::vector<at::Tensor>& us, const at::Tensor& s, const std::vector<at::Tensor>& vhs) {
  const at::Tensor u = PolarFactor(at::cat(us, 1));
  const at::Tensor vh = PolarFactor(at::cat(vhs, 0));
  return at::matmul(u * s.unsqueeze(0), vh);
}

// TSV-M: each τ_m keeps its top k = ⌊r/M⌋ singular triplets (r = min(rows,
// columns)); the M·k singular vectors are orthogonalised together and the
// singular values kept. A rank below M (k = 0) falls back to the mean.
class TsvMerger : public TensorMerger {
 public:
  explicit TsvMerger(double alpha) : alpha_(alpha) {}

  MergedTensor Merge(const std::string&, const std::vector<at::Tensor>& task_vectors) override {
    const at::Tensor& first = task_vectors[0];
    const int64_t k = first.dim() == 2 ? std::min(first.size(0), first.size(1)) / int64_t(task_vectors.size()) : 0;
    if (k == 0) return {Mean(task_vectors) * alpha_, {}};
    std::vector<at::Tensor> us, ss, vhs;
    for (const auto& tau : task_vectors) {
      const Svd svd = ThinSvd(tau);
      us.push_back(svd.u.narrow(1, 0, k));
      ss.push_back(svd.s.narrow(0, 0, k));
      vhs.push_back(svd.vh.narrow(0, 0, k));
    }
    return {Reassemble(us, at::cat(ss), vhs) * alpha_, {}};
  }

 private:
  double alpha_;
};

// Iso-C: Σ τ_m = U·diag(σ)·Vᴴ becomes mean(σ)·U·Vᴴ (a flat spectrum).
class IsoCMerger : public TensorMerger {
 public:
  explicit IsoCMerger(double alpha) : alpha_(alpha) {}

  MergedTensor Merge(const std::string&, const std::vector<at::Tensor>& task_vectors) override {
    if (task_vectors[0].dim() != 2) return {Mean(task_vectors) * alpha_, {}};
    const Svd svd = ThinSvd(Sum(task_vectors));
    return {at::matmul(svd.u, svd.vh) * svd.s.mean() * alpha_, {}};
  }

 private:
  double alpha_;
};

// Iso-CTS: a common subspace (the top k_c singular vectors of Σ τ_m) plus,
// per task, the top (r − k_c)/M singular vectors of the part of τ_m outside
// it; all orthogonalised together, with every singular value set to the mean
// of the concatenated spectrum. k_c starts at ⌊fraction·r⌋ and is adjusted so
// that r − k_c is a multiple of M (rounded half to even, as Python's round).
class IsoCtsMerger : public TensorMerger {
 public:
  IsoCtsMerger(double alpha, double common_fraction) : alpha_(alpha), common_fraction_(common_fraction) {}

  MergedTensor Merge(const std::string&, const std::vector<at::Tensor>& task_vectors) override {
    if (task_vectors[0].dim() != 2) return {Mean(task_vectors) * alpha_, {}};
    const int64_t tasks = static_cast<int64_t>(task_vectors.size());
    const Svd common = ThinSvd(Sum(task_vectors));
    const int64_t r = common.s.numel();
    const int64_t common_guess = static_cast<int64_t>(std::floor(common_fraction_ * static_cast<double>(r)));
    const int64_t per_task = std::min<int64_t>(
        r / tasks,
        static_cast<int64_t>(std::nearbyint(static_cast<double>(r - common_guess) / static_cast<double>(tasks))));
    const int64_t common_rank = r - per_task * tasks;

    const at::Tensor u_common = common.u.narrow(1, 0, common_rank);
    std::vector<at::Tensor> us = {u_common}, ss = {common.s.narrow(0, 0, common_rank)},
                            vhs = {common.vh.narrow(0, 0, common_rank)};
    if (per_task > 0) {
      for (const auto& tau : task_vectors) {
        const Svd specific = ThinSvd(tau - at::matmul(u_common, at::matmul(u_common.transpose(0, 1), tau)));
        us.push_back(specific.u.narrow(1, 0, per_task));
        ss.push_back(specific.s.narrow(0, 0, per_task));
        vhs.push_back(specific.vh.narrow(0, 0, per_task));
      }
    }
    const at::Tensor s = at::cat(ss);
    return {Reassemble(us, at::full_like(s, s.mean().item<double>()), vhs) * alpha_, {}};
  }

 private:
  double alpha_;
  double common_fraction_;
};

}  // namespace

std::unique_ptr<TensorMerger> MakeTsv(const ResolvedParams& params) {
  return std::make_unique<TsvMerger>(params.number("alpha"));
}

std::unique_ptr<TensorMerger> MakeIsoC(const ResolvedParams& params) {
  return std::make_unique<IsoCMerger>(params.number("alpha"));
}

std::unique_ptr<TensorMerger> MakeIsoCts(const ResolvedParams& params) {
  return std::make_unique<IsoCtsMerger>(params.number("alpha"), params.number("fraction"));
}

}  // namespace gauntlet::merging
