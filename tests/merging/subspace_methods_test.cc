// The SVD-based methods (tsv, iso_c, iso_cts) on hand examples and their
// defining spectral properties; non-2-D parameters get the mean task vector.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "merging/merge_methods.h"
#include "tests/merging/merge_test_support.h"

namespace gauntlet::merging {
namespace {

using merge_testing::List;
using merge_testing::Map;
using merge_testing::Models;
using merge_testing::MustMerge;

// Base zero; each expert's "w" is its task vector; "b" (1-D) likewise.
Models FromTaskVectors(const std::vector<at::Tensor>& w, const std::vector<at::Tensor>& b) {
  Models models{Map("base", {{"w", at::zeros_like(w[0])}, {"b", at::zeros_like(b[0])}}), {}};
  for (size_t m = 0; m < w.size(); ++m) models.experts.push_back(Map("e" + std::to_string(m), {{"w", w[m]}, {"b", b[m]}}));
  return models;
}

at::Tensor SingularValues(const at::Tensor& a) {
  return std::get<1>(at::linalg_svd(a, /*full_matrices=*/false, c10::nullopt));
}

const std::vector<at::Tensor> kBias = {at::tensor({2.0}, at::kDouble), at::tensor({4.0}, at::kDouble)};

TEST(IsoC, FlattensTheSpectrumOfTheSum) {
  // Σ τ = diag(3, 1): σ = [3, 1], mean 2, U·Vᵀ = I → 2·I. The bias is averaged: (2 + 4)/2.
  const Models models = FromTaskVectors({at::diag(at::tensor({3.0, 0.0}, at::kDouble)),
                                         at::diag(at::tensor({0.0, 1.0}, at::kDouble))}, kBias);
  const MergeResult result = MustMerge("iso_c", models);
  EXPECT_TRUE(at::allclose(result.merged.at("w"), 2 * at::eye(2, at::kDouble)));
  EXPECT_DOUBLE_EQ(result.merged.at("b").item<double>(), 3.0);
  // Any sum: the merged update has every singular value equal to the mean of Σ τ's, times alpha.
  at::manual_seed(6);
  const std::vector<at::Tensor> w = {at::randn({6, 4}, at::kDouble), at::randn({6, 4}, at::kDouble)};
  const at::Tensor merged = MustMerge("iso_c", FromTaskVectors(w, kBias), {{"alpha", "1.5"}}).merged.at("w");
  const double mean = SingularValues(w[0] + w[1]).mean().item<double>();
  EXPECT_TRUE(at::allclose(SingularValues(merged), at::full({4}, 1.5 * mean, at::kDouble)));
}

TEST(Tsv, OrthogonalTasksAddUp) {
  // τ1 = diag(3, 0), τ2 = diag(0, 2); r = 2, M = 2 → k = 1 each: the
  // singular vectors are already orthogonal, so TSV gives τ1 + τ2.
  const Models models = FromTaskVectors({at::diag(at::tensor({3.0, 0.0}, at::kDouble)),
                                         at::diag(at::tensor({0.0, 2.0}, at::kDouble))}, kBias);
  const MergeResult result = MustMerge("tsv", models);
  EXPECT_TRUE(at::allclose(result.merged.at("w"), at::diag(at::tensor({3.0, 2.0}, at::kDouble))));
  EXPECT_DOUBLE_EQ(result.merged.at("b").item<double>(), 3.0);
}

TEST(Tsv, KeepsEachTasksTopSingularValues) {
  // 8 x 6, M = 3 → k = 2 per task: the merged update's singular values are
  // the six kept ones (its singular vectors are orthonormal by construction).
  at::manual_seed(7);
  std::vector<at::Tensor> w, kept;
  for (int m = 0; m < 3; ++m) {
    w.push_back(at::randn({8, 6}, at::kDouble));
    kept.push_back(SingularValues(w.back()).narrow(0, 0, 2));
  }
  const std::vector<at::Tensor> b = {at::zeros({1}, at::kDouble), at::zeros({1}, at::kDouble),
                                     at::zeros({1}, at::kDouble)};
  const at::Tensor merged = MustMerge("tsv", FromTaskVectors(w, b)).merged.at("w");
  const at::Tensor expected = std::get<0>(at::sort(at::cat(kept), /*stable=*/false, 0, /*descending=*/true));
  EXPECT_TRUE(at::allclose(SingularValues(merged), expected, 1e-9, 1e-9));
}

TEST(IsoCts, HasAFlatSpectrumAndReducesToIsoCWithoutTaskSpace) {
  at::manual_seed(8);
  const std::vector<at::Tensor> w = {at::randn({7, 5}, at::kDouble), at::randn({7, 5}, at::kDouble)};
  const Models models = FromTaskVectors(w, kBias);
  // r = 5, fraction 0.8: ⌊4⌋ common, (5 − 4)/2 = 0.5 rounds to 0 (half to even) → all 5 common: Iso-C.
  const at::Tensor cts = MustMerge("iso_cts", models).merged.at("w");
  EXPECT_TRUE(at::allclose(cts, MustMerge("iso_c", models).merged.at("w"), 1e-9, 1e-9));
  // fraction 0.4: ⌊2⌋ common, (5 − 2)/2 = 1.5 → 2 per task, so k_c = 1; full rank 5, flat spectrum.
  const at::Tensor split = MustMerge("iso_cts", models, {{"fraction", "0.4"}}).merged.at("w");
  const at::Tensor sigma = SingularValues(split);
  EXPECT_TRUE(at::allclose(sigma, at::full({5}, sigma.mean().item<double>(), at::kDouble), 1e-9, 1e-9));
  EXPECT_FALSE(at::allclose(split, cts, 1e-6, 1e-6));
  EXPECT_DOUBLE_EQ(MustMerge("iso_cts", models).merged.at("b").item<double>(), 3.0);
}

TEST(SubspaceMethods, ServeAsTheMergeOfTaskMasks) {
  const Models models = FromTaskVectors({at::diag(at::tensor({3.0, 0.0}, at::kDouble)),
                                         at::diag(at::tensor({0.0, 2.0}, at::kDouble))}, kBias);
  const MergeResult result = MustMerge("tall_mask", models, {{"merge", "tsv"}});
  // τ_merge = diag(3, 2); S1 keeps where |τ1| > 0.6·|τ_merge − τ1|: only (0, 0) (zeros elsewhere are not > 0).
  EXPECT_TRUE(at::equal(result.task_masks[0].at("w"),
                        at::tensor({1, 0, 0, 0}, at::kInt).to(at::kBool).reshape({2, 2})));
}

}  // namespace
}  // namespace gauntlet::merging
