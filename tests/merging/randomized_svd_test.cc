// randomized_svd.h against LAPACK's full SVD on matrices with a known,
// decaying spectrum; its determinism; and the SVD-based merges (tsv, iso_cts,
// knots) with svd=randomized against svd=full on such experts.
#include "merging/randomized_svd.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>

#include "merging/merge_methods.h"
#include "tests/merging/merge_test_support.h"

namespace gauntlet::merging {
namespace {

using merge_testing::Map;
using merge_testing::Models;
using merge_testing::MustMerge;

// Orthonormal columns [n, k] from a seeded draw.
at::Tensor Orthonormal(int64_t n, int64_t k, int64_t seed, at::ScalarType type) {
  at::manual_seed(seed);
  return std::get<0>(at::linalg_qr(at::randn({n, k}, at::kDouble), "reduced")).to(type);
}

// U·diag(σ)·Vᵀ [rows, columns] with σ_i = scale·decay^i.
at::Tensor WithSpectrum(int64_t rows, int64_t columns, double scale, double decay, int64_t seed,
                        at::ScalarType type = at::kDouble) {
  const int64_t r = std::min(rows, columns);
  const at::Tensor sigma = scale * at::pow(at::full({r}, decay, at::kDouble), at::arange(r, at::kDouble));
  return at::matmul(Orthonormal(rows, r, seed, at::kDouble) * sigma.unsqueeze(0),
                    Orthonormal(columns, r, seed + 1000, at::kDouble).transpose(0, 1))
      .to(type);
}

double RelativeError(const at::Tensor& got, const at::Tensor& want) {
  return ((got - want).norm() / want.norm()).item<double>();
}

TEST(RandomizedSvd, FindsTheTopTripletsOfADecayingSpectrum) {
  // σ_i = 0.7^i; k = 12, l = 22: the error of the 12th triplet scales like
  // (σ_23/σ_12)^5 = 0.7^55 ≈ 3e-9, so float64 recovers it to 1e-7.
  const at::Tensor a = WithSpectrum(150, 90, 5.0, 0.7, 1);
  const SvdFactors full = FullSvd(a);
  const SvdFactors fast = RandomizedSvd(a, 12, 10, 2, /*seed=*/42);
  ASSERT_EQ(fast.u.sizes(), (std::vector<int64_t>{150, 12}));
  ASSERT_EQ(fast.vh.sizes(), (std::vector<int64_t>{12, 90}));
  EXPECT_LT(RelativeError(fast.s, full.s.narrow(0, 0, 12)), 1e-7);
  // The rank-12 approximations agree (the triplets up to sign).
  const auto rank12 = [](const SvdFactors& f) { return at::matmul(f.u.narrow(1, 0, 12) * f.s.narrow(0, 0, 12), f.vh.narrow(0, 0, 12)); };
  EXPECT_LT(RelativeError(rank12(fast), rank12(full)), 1e-7);
  // Orthonormal factors.
  EXPECT_TRUE(at::allclose(at::matmul(fast.u.transpose(0, 1), fast.u), at::eye(12, at::kDouble), 0, 1e-12));
  EXPECT_TRUE(at::allclose(at::matmul(fast.vh, fast.vh.transpose(0, 1)), at::eye(12, at::kDouble), 0, 1e-12));
  // In float32 the same holds to float32's rounding.
  const SvdFactors fast32 = RandomizedSvd(a.to(at::kFloat), 12, 10, 2, 42);
  EXPECT_EQ(fast32.s.scalar_type(), at::kFloat);
  EXPECT_LT(RelativeError(fast32.s.to(at::kDouble), full.s.narrow(0, 0, 12)), 1e-5);
}

TEST(RandomizedSvd, PowerIterationsPayOnASlowSpectrum) {
  // σ_i = 0.95^i decays slowly: without power iterations the top singular
  // values come out visibly low; two iterations cut that error many times.
  const at::Tensor a = WithSpectrum(200, 200, 1.0, 0.95, 2);
  const at::Tensor top = FullSvd(a).s.narrow(0, 0, 10);
  const double plain = RelativeError(RandomizedSvd(a, 10, 10, 0, 3).s, top);
  const double iterated = RelativeError(RandomizedSvd(a, 10, 10, 2, 3).s, top);
  EXPECT_GT(plain, 1e-3);
  EXPECT_LT(iterated, plain / 10);
}

TEST(RandomizedSvd, IsDeterministicForASeed) {
  const at::Tensor a = WithSpectrum(80, 60, 1.0, 0.9, 4, at::kFloat);
  at::manual_seed(1);  // the global generator plays no part
  const SvdFactors first = RandomizedSvd(a, 8, 10, 1, 99);
  at::manual_seed(2);
  const SvdFactors again = RandomizedSvd(a, 8, 10, 1, 99);
  EXPECT_TRUE(at::equal(first.u, again.u));
  EXPECT_TRUE(at::equal(first.s, again.s));
  EXPECT_TRUE(at::equal(first.vh, again.vh));
  // Another seed draws another Ω: the same subspace, not the same bits.
  EXPECT_FALSE(at::equal(first.u, RandomizedSvd(a, 8, 10, 1, 100).u));
}

TEST(RandomizedSvd, AutoTakesItOnlyWellBelowTheRank) {
  SvdSettings settings;  // auto, oversample 10
  EXPECT_TRUE(UsesRandomizedSvd(settings, 4096, 4096, 204));    // iso_cts's per-task k at r = 4096
  EXPECT_FALSE(UsesRandomizedSvd(settings, 4096, 4096, 1024));  // tsv with 4 experts: r/4 + 10 > r/4
  EXPECT_TRUE(UsesRandomizedSvd(settings, 4096, 4096, 512));    // tsv with 8 experts
  EXPECT_FALSE(UsesRandomizedSvd(settings, 8, 6, 2));           // small matrices: the full SVD
  settings.algorithm = SvdAlgorithm::kRandomized;
  EXPECT_TRUE(UsesRandomizedSvd(settings, 4096, 4096, 1024));
  EXPECT_FALSE(UsesRandomizedSvd(settings, 8, 6, 2));  // k + 10 ≥ 6: nothing to gain
  settings.algorithm = SvdAlgorithm::kFull;
  EXPECT_FALSE(UsesRandomizedSvd(settings, 4096, 4096, 16));
}

TEST(RandomizedSvd, TripletsAboveAThresholdOfALowRankMatrix) {
  // Rank 64 exactly (4 experts of rank 16): the first sketch, 64 + 10 wide, finds them all.
  at::manual_seed(5);
  const at::Tensor a = at::matmul(at::randn({300, 64}, at::kDouble), at::randn({64, 400}, at::kDouble));
  const SvdFactors full = FullSvd(a);
  const SvdFactors fast = SingularTripletsAbove(a, 1e-4, SvdSettings{}, 7);
  ASSERT_EQ(fast.s.numel(), 64);
  EXPECT_EQ((full.s > 1e-4).sum().item<int64_t>(), 64);
  EXPECT_LT(RelativeError(fast.s, full.s.narrow(0, 0, 64)), 1e-12);
  EXPECT_LT(RelativeError(at::matmul(fast.u * fast.s, fast.vh), a), 1e-12);
}

// Base zero, expert m's "w" its task vector: rows×columns with the spectrum
// scale·decay^i in its own random bases.
// float64: TSV's and Iso-CTS's polar factors weigh every kept singular
// vector alike, however small its singular value, and float32 computes those
// of σ_i/σ_0 ~ 1e-5 to a few 1e-3 by either SVD, which would hide the
// randomized SVD's own error (bench/README has float32 figures).
Models DecayingExperts(int64_t experts, int64_t rows, int64_t columns, double decay) {
  Models models{Map("base", {{"w", at::zeros({rows, columns}, at::kDouble)}}), {}};
  for (int64_t m = 0; m < experts; ++m) {
    models.experts.push_back(Map("e" + std::to_string(m), {{"w", WithSpectrum(rows, columns, 1.0 + m, decay, 10 + m)}}));
  }
  return models;
}

TEST(RandomizedSvdMerges, MatchTheFullSvdMergeOnDecayingSpectra) {
  // 8 experts, 200 x 160, σ_i = (1 + m)·0.6^i. tsv keeps k = 20 per task
  // (auto: (20 + 10)·4 ≤ 160, so randomized): the same merge to 1e-9.
  const Models models = DecayingExperts(8, 200, 160, 0.6);
  const MergeResult tsv_full = MustMerge("tsv", models);
  EXPECT_EQ(tsv_full.params.at("svd"), "full");  // tsv's default
  EXPECT_EQ(tsv_full.params.at("svd_oversample"), "10");
  EXPECT_EQ(tsv_full.params.at("svd_iterations"), "2");
  const MergeResult tsv = MustMerge("tsv", models, {{"svd", "auto"}});
  EXPECT_EQ(tsv.params.at("svd"), "auto");
  EXPECT_LT(RelativeError(tsv.merged.at("w"), tsv_full.merged.at("w")), 1e-9);
  EXPECT_TRUE(at::equal(tsv.merged.at("w"), MustMerge("tsv", models, {{"svd", "randomized"}}).merged.at("w")));
  // Deterministic: a second merge gives the same bits.
  EXPECT_TRUE(at::equal(MustMerge("tsv", models, {{"svd", "auto"}}).merged.at("w"), tsv.merged.at("w")));

  // iso_cts: k_c = 128 common (auto: full), k = 4 per task from the part of
  // τ_m outside the common space (auto: randomized). That part's spectrum is
  // flatter, and Iso-CTS gives each kept vector the same weight, so p = 10
  // and q = 2 cost a few 1e-3; p = 30 recovers the merge to 1e-9.
  const at::Tensor cts_full = MustMerge("iso_cts", models).merged.at("w");  // default: full
  EXPECT_LT(RelativeError(MustMerge("iso_cts", models, {{"svd", "auto"}}).merged.at("w"), cts_full), 1e-2);
  EXPECT_LT(RelativeError(MustMerge("iso_cts", models, {{"svd", "auto"}, {"svd_oversample", "30"}}).merged.at("w"),
                          cts_full),
            1e-9);
  // Forced everywhere (the common k = 128 too, l = 138 of 160): still close.
  EXPECT_LT(RelativeError(MustMerge("iso_cts", models, {{"svd", "randomized"}}).merged.at("w"), cts_full), 3e-2);

  // On a slower spectrum the power iterations are what keeps the merge close.
  const Models slow = DecayingExperts(8, 200, 160, 0.9);
  const at::Tensor reference = MustMerge("tsv", slow, {{"svd", "full"}}).merged.at("w");
  const auto cost = [&](const std::string& iterations) {
    return RelativeError(
        MustMerge("tsv", slow, {{"svd", "randomized"}, {"svd_iterations", iterations}}).merged.at("w"), reference);
  };
  EXPECT_GT(cost("0"), 1e-1);
  EXPECT_LT(cost("2"), cost("0") / 10);
}

TEST(RandomizedSvdMerges, KnotsOnLowRankUpdatesMatchesTheFullSvd) {
  // Dense experts whose updates have rank 12 each (4 x 12 = 48 < 64): the
  // randomized alignment finds the same 48 components.
  at::manual_seed(11);
  Models models{Map("base", {{"w", at::randn({300, 280}, at::kFloat)}}), {}};
  for (int m = 0; m < 4; ++m) {
    const at::Tensor update = at::matmul(at::randn({300, 12}), at::randn({12, 280})) * 0.01;
    models.experts.push_back(Map("e" + std::to_string(m), {{"w", models.base.at("w") + update}}));
  }
  const MergeResult full = MustMerge("knots", models, {{"svd", "full"}});
  // auto: the first try, k = 64, is well below r = 300 ((64 + 10)·4 ≤ 300) and finds all 48.
  const MergeResult automatic = MustMerge("knots", models);
  const MergeResult forced = MustMerge("knots", models, {{"svd", "randomized"}});
  const at::Tensor tau_full = full.merged.at("w") - models.base.at("w");
  EXPECT_LT(RelativeError(forced.merged.at("w") - models.base.at("w"), tau_full), 1e-4);
  EXPECT_TRUE(at::equal(automatic.merged.at("w"), forced.merged.at("w")));
}

TEST(RandomizedSvdMerges, FullSvdReproducesTheDefaultOnSmallLayers) {
  // The FusionBench-parity tests (subspace_methods_test, knots_test) run with
  // the defaults: full for tsv and iso_cts, and for knots auto, which is the
  // full SVD on layers this small. svd=full gives the same bits.
  const Models models = DecayingExperts(3, 8, 6, 0.8);
  for (const std::string method : {"tsv", "iso_cts", "knots"}) {
    EXPECT_TRUE(at::equal(MustMerge(method, models).merged.at("w"),
                          MustMerge(method, models, {{"svd", "full"}}).merged.at("w")))
        << method;
  }
  EXPECT_EQ(MustMerge("knots", models).params.at("svd"), "auto");
  // iso_c takes no svd key: it needs every singular vector.
  EXPECT_FALSE(MergeModels("iso_c", models.base, models.experts, {{"svd", "full"}}).ok());
}

}  // namespace
}  // namespace gauntlet::merging
