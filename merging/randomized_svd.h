// The top singular triplets of a matrix for the SVD-based merge methods (tsv,
// iso_cts, knots), by LAPACK's full SVD or by a randomized one: Halko,
// Martinsson and Tropp, "Finding structure with randomness" (SIAM Review
// 2011), Algorithm 4.4 (randomized subspace iteration) then 5.1 (direct SVD):
//
//   Ω ~ N(0, 1) [n, l], l = k + oversample
//   Q = qr(A·Ω); `power_iterations` times: Q = qr(Aᵀ·Q), Q = qr(A·Q)
//   B = Qᵀ·A [l, n] = Ũ·diag(s)·Vᴴ (a small full SVD); U = Q·Ũ; keep k.
//
// Its error in the k-th triplet shrinks like (σ_{l+1}/σ_k)^(2q+1): exact for
// a matrix of rank ≤ l, close for a decaying spectrum, poor for a flat one.
// It costs about (2q + 2) products of A with an n×l matrix plus QRs of m×l
// matrices, against a full SVD's O(m·n·min(m, n)) of slower LAPACK code: the
// saving is real when l is well below min(m, n).
//
// Ω comes from its own CPU generator seeded by the caller (the merge methods
// derive the seed from the parameter name, sparsify.h: DeriveSeed), never
// from LibTorch's global one, so a merge gives the same tensors every run.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

#include "merging/merge_params.h"

namespace gauntlet::merging {

enum class SvdAlgorithm {
  kAuto,        // randomized where it pays (UsesRandomizedSvd), full elsewhere
  kFull,        // LAPACK's thin SVD, as FusionBench
  kRandomized,  // randomized wherever l = k + oversample < min(m, n)
};

struct SvdSettings {
  SvdAlgorithm algorithm = SvdAlgorithm::kAuto;
  int64_t oversample = 10;       // p: extra test vectors beyond k
  int64_t power_iterations = 2;  // q
};

// The hyperparameters svd (default `default_algorithm`: "full" or "auto"),
// svd_oversample and svd_iterations, as the methods taking them declare them.
std::vector<ParamSpec> SvdParamSpecs(const std::string& default_algorithm);
SvdSettings SvdSettingsFrom(const ResolvedParams& params);

// Thin: A ≈ u·diag(s)·vh, s descending. Copy: shallow.
struct SvdFactors {
  at::Tensor u;   // [m, k]
  at::Tensor s;   // [k]
  at::Tensor vh;  // [k, n]
};

// LAPACK's thin SVD (every triplet).
SvdFactors FullSvd(const at::Tensor& a);

// The randomized SVD above, the top k triplets (1 ≤ k, k + oversample ≤
// min(m, n): checked), in a's dtype (a floating 2-D tensor).
SvdFactors RandomizedSvd(const at::Tensor& a, int64_t k, int64_t oversample, int64_t power_iterations,
                         uint64_t seed);

// Whether `settings` take the randomized path for the top k triplets of an
// m×n matrix. kAuto: when (k + oversample)·4 ≤ min(m, n), where it is several
// times faster than the full SVD (bench/README: merge_svd_bench).
bool UsesRandomizedSvd(const SvdSettings& settings, int64_t rows, int64_t columns, int64_t k);

// The top k triplets of `a` (0 ≤ k ≤ min(m, n)) by the path `settings` choose.
SvdFactors TopSingularTriplets(const at::Tensor& a, int64_t k, const SvdSettings& settings, uint64_t seed);

// Every triplet with s > threshold (KnOTS's cut; its count is not known
// ahead). The randomized path sketches with k + oversample vectors, k = 64
// then 4× more, until the sketch's smallest singular value is at or below the
// threshold; when k outgrows the path (UsesRandomizedSvd), the full SVD decides.
SvdFactors SingularTripletsAbove(const at::Tensor& a, double threshold, const SvdSettings& settings, uint64_t seed);

}  // namespace gauntlet::merging
