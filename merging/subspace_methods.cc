// SVD-based methods: tsv (Task Singular Vectors, TSV-M), iso_c and iso_cts
// (isotropic merging). They work on 2-D parameters; every other parameter
// (biases, norms, 1-D embeddings) gets the mean task vector (1/M)·Σ τ_m, as in
// FusionBench. The SVDs run in the compute dtype (float32, or float64 for
// float64 tensors). The top singular triplets of TSV and of Iso-CTS's two
// steps come from TopSingularTriplets (randomized_svd.h: full or randomized,
// the svd hyperparameters); Iso-C and the polar factors need every singular
// vector, so they take the full SVD. Formulas and defaults: merge_methods.h.
#include <ATen/ATen.h>

#include <cmath>

#include "merging/randomized_svd.h"
#include "merging/sparsify.h"
#include "merging/tensor_merger.h"

namespace gauntlet::merging {

namespace {

// The seed of the randomized SVD of `name`'s `index`-th matrix (a task's, or
// M for the sum): the same draws whatever else the merge selects.
uint64_t SvdSeed(const std::string& name, size_t index) { return DeriveSeed(0, name, index); }

// The orthogonal polar factor of A (the nearest matrix with orthonormal
// columns, or rows when A is wide): P·Qᴴ from A = P·Σ·Qᴴ.
at::Tensor PolarFactor(const at::Tensor& a) {
  const SvdFactors svd = FullSvd(a);
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
  TsvMerger(double alpha, SvdSettings svd) : alpha_(alpha), svd_(svd) {}

  MergedTensor Merge(const std::string& name, const std::vector<at::Tensor>& task_vectors) override {
    const at::Tensor& first = task_vectors[0];
    const int64_t k = first.dim() == 2 ? std::min(first.size(0), first.size(1)) / int64_t(task_vectors.size()) : 0;
    if (k == 0) return {Mean(task_vectors) * alpha_, {}};
    std::vector<at::Tensor> us, ss, vhs;
    for (size_t m = 0; m < task_vectors.size(); ++m) {
      const SvdFactors svd = TopSingularTriplets(task_vectors[m], k, svd_, SvdSeed(name, m));
      us.push_back(svd.u);
      ss.push_back(svd.s);
      vhs.push_back(svd.vh);
    }
    return {Reassemble(us, at::cat(ss), vhs) * alpha_, {}};
  }

 private:
  double alpha_;
  SvdSettings svd_;
};

// Iso-C: Σ τ_m = U·diag(σ)·Vᴴ becomes mean(σ)·U·Vᴴ (a flat spectrum).
class IsoCMerger : public TensorMerger {
 public:
  explicit IsoCMerger(double alpha) : alpha_(alpha) {}

  MergedTensor Merge(const std::string&, const std::vector<at::Tensor>& task_vectors) override {
    if (task_vectors[0].dim() != 2) return {Mean(task_vectors) * alpha_, {}};
    const SvdFactors svd = FullSvd(Sum(task_vectors));
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
  IsoCtsMerger(double alpha, double common_fraction, SvdSettings svd)
      : alpha_(alpha), common_fraction_(common_fraction), svd_(svd) {}

  MergedTensor Merge(const std::string& name, const std::vector<at::Tensor>& task_vectors) override {
    if (task_vectors[0].dim() != 2) return {Mean(task_vectors) * alpha_, {}};
    const int64_t tasks = static_cast<int64_t>(task_vectors.size());
    const at::Tensor sum = Sum(task_vectors);
    const int64_t r = std::min(sum.size(0), sum.size(1));
    const int64_t common_guess = static_cast<int64_t>(std::floor(common_fraction_ * static_cast<double>(r)));
    const int64_t per_task = std::min<int64_t>(
        r / tasks,
        static_cast<int64_t>(std::nearbyint(static_cast<double>(r - common_guess) / static_cast<double>(tasks))));
    const int64_t common_rank = r - per_task * tasks;

    const SvdFactors common = TopSingularTriplets(sum, common_rank, svd_, SvdSeed(name, task_vectors.size()));
    const at::Tensor& u_common = common.u;
    std::vector<at::Tensor> us = {u_common}, ss = {common.s}, vhs = {common.vh};
    if (per_task > 0) {
      for (size_t m = 0; m < task_vectors.size(); ++m) {
        const at::Tensor& tau = task_vectors[m];
        const SvdFactors specific = TopSingularTriplets(
            tau - at::matmul(u_common, at::matmul(u_common.transpose(0, 1), tau)), per_task, svd_, SvdSeed(name, m));
        us.push_back(specific.u);
        ss.push_back(specific.s);
        vhs.push_back(specific.vh);
      }
    }
    const at::Tensor s = at::cat(ss);
    return {Reassemble(us, at::full_like(s, s.mean().item<double>()), vhs) * alpha_, {}};
  }

 private:
  double alpha_;
  double common_fraction_;
  SvdSettings svd_;
};

}  // namespace

std::unique_ptr<TensorMerger> MakeTsv(const ResolvedParams& params) {
  return std::make_unique<TsvMerger>(params.number("alpha"), SvdSettingsFrom(params));
}

std::unique_ptr<TensorMerger> MakeIsoC(const ResolvedParams& params) {
  return std::make_unique<IsoCMerger>(params.number("alpha"));
}

std::unique_ptr<TensorMerger> MakeIsoCts(const ResolvedParams& params) {
  return std::make_unique<IsoCtsMerger>(params.number("alpha"), params.number("fraction"),
                                        SvdSettingsFrom(params));
}

}  // namespace gauntlet::merging
