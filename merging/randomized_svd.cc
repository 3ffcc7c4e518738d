#include "merging/randomized_svd.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>

#include "harness/check.h"

namespace gauntlet::merging {

namespace {

const char kFull[] = "full";
const char kRandomized[] = "randomized";
const char kAuto[] = "auto";

// The first k triplets of `svd`.
SvdFactors Leading(const SvdFactors& svd, int64_t k) {
  return {svd.u.narrow(1, 0, k), svd.s.narrow(0, 0, k), svd.vh.narrow(0, 0, k)};
}

at::Tensor OrthonormalBasis(const at::Tensor& y) { return std::get<0>(at::linalg_qr(y, "reduced")); }

// The randomized path starts KnOTS's search here: a LoRA layer's merged update
// has rank at most M·r (4 experts of rank 16: 64).
constexpr int64_t kFirstThresholdRank = 64;
constexpr int64_t kThresholdRankGrowth = 4;

}  // namespace

std::vector<ParamSpec> SvdParamSpecs(const std::string& default_algorithm) {
  ParamSpec algorithm;
  algorithm.key = "svd";
  algorithm.kind = ParamKind::kChoice;
  algorithm.default_value = default_algorithm;
  algorithm.meaning =
      "top singular vectors by full (LAPACK) or randomized SVD; auto: randomized where k + svd_oversample <= "
      "min(rows, columns)/4";
  algorithm.choices = {kAuto, kFull, kRandomized};
  ParamSpec oversample;
  oversample.key = "svd_oversample";
  oversample.kind = ParamKind::kInteger;
  oversample.default_value = "10";
  oversample.meaning = "randomized SVD: test vectors beyond k";
  ParamSpec iterations;
  iterations.key = "svd_iterations";
  iterations.kind = ParamKind::kInteger;
  iterations.default_value = "2";
  iterations.meaning = "randomized SVD: power iterations";
  return {algorithm, oversample, iterations};
}

SvdSettings SvdSettingsFrom(const ResolvedParams& params) {
  SvdSettings settings;
  const std::string& algorithm = params.text("svd");
  settings.algorithm = algorithm == kFull         ? SvdAlgorithm::kFull
                       : algorithm == kRandomized ? SvdAlgorithm::kRandomized
                                                  : SvdAlgorithm::kAuto;
  settings.oversample = static_cast<int64_t>(std::min<uint64_t>(params.integer("svd_oversample"), 1 << 20));
  settings.power_iterations = static_cast<int64_t>(std::min<uint64_t>(params.integer("svd_iterations"), 1 << 20));
  return settings;
}

SvdFactors FullSvd(const at::Tensor& a) {
  auto [u, s, vh] = at::linalg_svd(a, /*full_matrices=*/false, c10::nullopt);
  return {u, s, vh};
}

namespace {

// Halko et al.'s Algorithms 4.4 and 5.1 with `width` test vectors: all
// `width` triplets of Q·Qᵀ·A (the last `oversample` of them the least accurate).
SvdFactors RandomizedSketchSvd(const at::Tensor& a, int64_t width, int64_t power_iterations, uint64_t seed) {
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  const at::Tensor omega = at::randn({a.size(1), width}, generator, a.options());
  const at::Tensor at_ = a.transpose(0, 1);
  at::Tensor q = OrthonormalBasis(at::matmul(a, omega));
  // Re-orthonormalising after every product keeps the small singular
  // directions from drowning in rounding (Halko et al., Algorithm 4.4).
  for (int64_t i = 0; i < power_iterations; ++i) {
    q = OrthonormalBasis(at::matmul(a, OrthonormalBasis(at::matmul(at_, q))));
  }
  const SvdFactors small = FullSvd(at::matmul(q.transpose(0, 1), a));
  return {at::matmul(q, small.u), small.s, small.vh};
}

}  // namespace

SvdFactors RandomizedSvd(const at::Tensor& a, int64_t k, int64_t oversample, int64_t power_iterations,
                         uint64_t seed) {
  GAUNTLET_CHECK(a.dim() == 2 && at::isFloatingType(a.scalar_type()), "RandomizedSvd takes a floating matrix");
  const int64_t width = k + oversample;
  GAUNTLET_CHECK(k >= 1 && width <= std::min(a.size(0), a.size(1)), "RandomizedSvd: k + oversample > rank");
  return Leading(RandomizedSketchSvd(a, width, power_iterations, seed), k);
}

bool UsesRandomizedSvd(const SvdSettings& settings, int64_t rows, int64_t columns, int64_t k) {
  const int64_t rank = std::min(rows, columns);
  if (k < 1 || settings.algorithm == SvdAlgorithm::kFull) return false;
  const int64_t width = k + settings.oversample;
  if (settings.algorithm == SvdAlgorithm::kRandomized) return width < rank;
  return width * 4 <= rank;
}

SvdFactors TopSingularTriplets(const at::Tensor& a, int64_t k, const SvdSettings& settings, uint64_t seed) {
  if (UsesRandomizedSvd(settings, a.size(0), a.size(1), k)) {
    return RandomizedSvd(a, k, settings.oversample, settings.power_iterations, seed);
  }
  return Leading(FullSvd(a), k);
}

SvdFactors SingularTripletsAbove(const at::Tensor& a, double threshold, const SvdSettings& settings, uint64_t seed) {
  const auto above = [threshold](const SvdFactors& svd) {
    return Leading(svd, (svd.s > threshold).sum().item<int64_t>());  // s is sorted, largest first
  };
  // The sketch's last singular value at or below the threshold: every
  // component above it is among the first k + oversample - 1 (a LoRA
  // layer's M·r = 64 with k = 64 among 74).
  for (int64_t k = kFirstThresholdRank; UsesRandomizedSvd(settings, a.size(0), a.size(1), k);
       k *= kThresholdRankGrowth) {
    SvdFactors svd = RandomizedSketchSvd(a, k + settings.oversample, settings.power_iterations, seed);
    if (svd.s[-1].item<double>() <= threshold) return above(svd);
  }
  return above(FullSvd(a));
}

}  // namespace gauntlet::merging
