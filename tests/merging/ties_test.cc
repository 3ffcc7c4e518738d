// TIES's fused float32 pass against its tensor form: the same merge of
// float32 experts (fused: one pass, radix-selected cut) and of the same
// experts in float64 (tensor form, sorted cut). Values are multiples of 1/64
// drawn from a few hundred, so that many magnitudes tie at the cut and every
// sum is exact in both: any difference in which ties are kept, in the
// elected sign or in the disjoint mean would show as a whole value.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "merging/merge_methods.h"
#include "tests/merging/merge_test_support.h"

namespace gauntlet::merging {
namespace {

merge_testing::Models Quantised(at::ScalarType type) {
  at::Generator g = at::detail::createCPUGenerator(9);
  merge_testing::Models models{ParameterMap("base"), {}};
  const std::vector<std::pair<std::string, std::vector<int64_t>>> layout = {
      {"a.weight", {40, 30}}, {"a.bias", {30}}, {"b.weight", {25, 40}}};
  for (const auto& [name, shape] : layout) models.base.Add(name, (at::randint(-64, 64, shape, g) / 64.0).to(type));
  for (int m = 0; m < 3; ++m) {
    models.experts.emplace_back("expert " + std::to_string(m));
    for (const auto& [name, shape] : layout) {
      models.experts.back().Add(name, models.base.at(name) + (at::randint(-40, 40, shape, g) / 64.0).to(type));
    }
  }
  return models;
}

TEST(Ties, FusedFloat32PassMatchesTheFloat64TensorForm) {
  const merge_testing::Models f32 = Quantised(at::kFloat), f64 = Quantised(at::kDouble);
  for (const std::string granularity : {"model", "tensor"}) {
    for (const std::string agg : {"sum", "mean"}) {
      for (const std::string density : {"0.2", "0.5", "0.9"}) {
        const MergeParams params = {{"granularity", granularity}, {"agg", agg}, {"density", density}, {"alpha", "0.5"}};
        const MergeResult fused = merge_testing::MustMerge("ties", f32, params);
        const MergeResult tensor_form = merge_testing::MustMerge("ties", f64, params);
        for (const auto& [name, merged] : fused.merged.entries()) {
          ASSERT_EQ(merged.scalar_type(), at::kFloat);
          const at::Tensor expected = tensor_form.merged.at(name);
          const double tolerance = agg == "mean" ? 1e-6 : 0.0;  // a mean over 3 is not exact in either
          EXPECT_TRUE(at::allclose(merged.to(at::kDouble), expected, 0, tolerance))
              << granularity << " " << agg << " " << density << " " << name << ": max difference "
              << (merged.to(at::kDouble) - expected).abs().max().item<double>();
        }
      }
    }
  }
}

}  // namespace
}  // namespace gauntlet::merging

namespace gauntlet::merging {
namespace {

// Elementwise methods take large tensors in pieces of rows (MergeOptions::
// chunk_elements): the same bits as whole tensors, masks and ties at a
// model-wide cut included, for float32 and bf16 models; diagnostics agree.
TEST(ChunkedMerge, PiecesOfRowsGiveTheWholeTensorsResult) {
  for (const at::ScalarType type : {at::kFloat, at::kBFloat16}) {
    merge_testing::Models models = Quantised(type);
    models.base.Add("c.weight", at::zeros({37, 53}, type));
    for (auto& expert : models.experts) {
      expert.Add("c.weight", (at::arange(37 * 53, at::kFloat).reshape({37, 53}).remainder(7) / 8 - 0.4).to(type));
    }
    for (const std::string method : {"task_arithmetic", "ties", "tall_mask", "consensus", "magmax", "average"}) {
      MergeOptions whole, pieces;
      whole.chunk_elements = 0;
      pieces.chunk_elements = 500;  // 9 rows of c.weight, 16 of a.weight per piece
      whole.diagnostics.level = pieces.diagnostics.level = DiagnosticsLevel::kFull;
      const MergeResult a = merge_testing::MustMerge(method, models, {}, whole);
      const MergeResult b = merge_testing::MustMerge(method, models, {}, pieces);
      for (const auto& [name, tensor] : a.merged.entries()) {
        EXPECT_TRUE(at::equal(b.merged.at(name), tensor)) << method << " " << name;
      }
      for (size_t m = 0; m < a.task_masks.size(); ++m) {
        for (const auto& [name, mask] : a.task_masks[m].entries()) EXPECT_TRUE(at::equal(b.task_masks[m].at(name), mask));
      }
      EXPECT_EQ(a.diagnostics.total.active_count_fraction, b.diagnostics.total.active_count_fraction) << method;
      for (size_t m = 0; m < 3; ++m) {
        EXPECT_NEAR(a.diagnostics.total.task_vector_norm[m], b.diagnostics.total.task_vector_norm[m], 1e-9) << method;
      }
    }
  }
}

}  // namespace
}  // namespace gauntlet::merging
