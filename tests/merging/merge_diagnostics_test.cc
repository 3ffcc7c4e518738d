// Merge diagnostics: selfish ratio (MergeVLA eq. 4), mask active ratios per
// task and per group, relative L2 distance between experts, task-vector
// norms and cosines; the text table and the JSON.
#include "merging/merge_diagnostics.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "merging/diagnostics_accumulator.h"
#include "merging/merge_methods.h"
#include "tests/merging/merge_test_support.h"

namespace gauntlet::merging {
namespace {

using merge_testing::List;
using merge_testing::Map;

at::Tensor Values(std::vector<double> values) { return at::tensor(values, at::kDouble); }

TEST(GroupOfName, FirstComponentsButNeverTheLeaf) {
  EXPECT_EQ(GroupOfName("vlm.layers.3.q.weight", 3), "vlm.layers.3");
  EXPECT_EQ(GroupOfName("vlm.layers.3.q.weight", 1), "vlm");
  EXPECT_EQ(GroupOfName("fc.weight", 2), "fc");
  EXPECT_EQ(GroupOfName("scale", 2), "scale");
}

// Two groups, two experts, base zero.
//   enc.w: τ1 = [1, 0, 2], τ2 = [1, 3, -2] (the TALL example: S1 = [1, 0, 1],
//          S2 = [1, 1, 1]; counts [2, 1, 2]: one selfish element of three)
//   head.w: τ1 = [3, 0], τ2 = [0, 4]; τ_merge = [3, 4];
//          S1: 3 > 0.6·|3 − 3| = 0 → 1; 0 > 0.6·4 → 0;  S1 = [1, 0]
//          S2: 0 > 0.6·3 → 0; 4 > 0 → 1;                S2 = [0, 1]
//          counts [1, 1]: both selfish.
// Whole model: 5 elements, 3 selfish → 0.6; S1 active 3/5, S2 active 4/5.
class DiagnosticsExample : public ::testing::Test {
 protected:
  ParameterMap base = Map("base", {{"enc.w", Values({0, 0, 0})}, {"head.w", Values({0, 0})}});
  std::vector<ParameterMap> experts = {Map("one", {{"enc.w", Values({1, 0, 2})}, {"head.w", Values({3, 0})}}),
                                       Map("two", {{"enc.w", Values({1, 3, -2})}, {"head.w", Values({0, 4})}})};
  MergeDiagnostics Run(const std::string& method, const MergeParams& params = {}) {
    MergeOptions options;
    options.diagnostics.group_depth = 1;
    auto result = MergeModels(method, base, experts, params, options);
    if (!result.ok()) throw std::runtime_error(result.error().message);
    return result.value().diagnostics;
  }
};

TEST_F(DiagnosticsExample, SelfishAndActiveRatiosPerTaskAndGroup) {
  const MergeDiagnostics d = Run("tall_mask");
  EXPECT_EQ(d.tasks, (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(d.mask_source, "method");
  EXPECT_EQ(d.total.elements, 5);
  EXPECT_EQ(d.total.tensors, 2);
  EXPECT_DOUBLE_EQ(d.total.selfish_ratio, 0.6);
  EXPECT_EQ(d.total.active_count_fraction, (std::vector<double>{0.0, 0.6, 0.4}));
  EXPECT_EQ(d.total.mask_active_ratio, (std::vector<double>{0.6, 0.8}));
  ASSERT_EQ(d.groups.size(), 2u);
  EXPECT_EQ(d.groups[0].group, "enc");
  EXPECT_DOUBLE_EQ(d.groups[0].selfish_ratio, 1.0 / 3.0);
  EXPECT_EQ(d.groups[0].mask_active_ratio, (std::vector<double>{2.0 / 3.0, 1.0}));
  EXPECT_EQ(d.groups[1].group, "head");
  EXPECT_DOUBLE_EQ(d.groups[1].selfish_ratio, 1.0);
  EXPECT_EQ(d.groups[1].mask_active_ratio, (std::vector<double>{0.5, 0.5}));
}

TEST_F(DiagnosticsExample, OtherMethodsUseTheDiagnosticLambdaAgainstTheirMergedVector) {
  // task_arithmetic with alpha 1 has the TALL example's τ_merge: same masks.
  const MergeDiagnostics d = Run("task_arithmetic", {{"alpha", "1"}});
  EXPECT_EQ(d.mask_source, "diagnostic");
  EXPECT_DOUBLE_EQ(d.mask_lambda, 0.6);
  EXPECT_DOUBLE_EQ(d.total.selfish_ratio, 0.6);
}

TEST_F(DiagnosticsExample, NormsCosinesAndDistances) {
  const MergeDiagnostics d = Run("average");
  // head: τ1 = [3, 0], τ2 = [0, 4]: norms 3 and 4, orthogonal; the experts
  // are θ = τ (base 0): ‖θ1 − θ2‖ = 5, ½(3 + 4) = 3.5 → 5/3.5.
  const GroupDiagnostics& head = d.groups[1];
  EXPECT_DOUBLE_EQ(head.task_vector_norm[0], 3.0);
  EXPECT_DOUBLE_EQ(head.task_vector_norm[1], 4.0);
  EXPECT_DOUBLE_EQ(head.task_vector_cosine[0][1], 0.0);
  EXPECT_DOUBLE_EQ(head.task_vector_cosine[0][0], 1.0);
  EXPECT_NEAR(head.expert_distance[0][1], 5.0 / 3.5, 1e-12);
  EXPECT_EQ(head.expert_distance[1][0], head.expert_distance[0][1]);
  EXPECT_EQ(head.expert_distance[0][0], 0.0);
  // enc: τ1 = [1, 0, 2], τ2 = [1, 3, -2]: ⟨τ1, τ2⟩ = 1 − 4 = −3; norms √5, √14.
  const GroupDiagnostics& enc = d.groups[0];
  EXPECT_NEAR(enc.task_vector_cosine[0][1], -3.0 / std::sqrt(5.0 * 14.0), 1e-12);
  // Whole model: τ1 = [1, 0, 2, 3, 0], τ2 = [1, 3, -2, 0, 4]: ⟨⟩ = −3, norms √14, √30.
  EXPECT_NEAR(d.total.task_vector_cosine[0][1], -3.0 / std::sqrt(14.0 * 30.0), 1e-12);
  // Average: τ_merge = [1, 1.5, 0, 1.5, 2], ‖·‖² = 1 + 2.25 + 2.25 + 4 = 9.5.
  EXPECT_NEAR(d.total.merged_norm, std::sqrt(9.5), 1e-12);
}

TEST_F(DiagnosticsExample, RelativeDistanceIsScaleFreeAndSeesTheBase) {
  // Experts θ1 = base + τ1, θ2 = base + τ2 with a large base: the distance
  // is relative to the experts' norms, not to their task vectors.
  base = Map("base", {{"enc.w", Values({10, 10, 10})}, {"head.w", Values({10, 10})}});
  experts = {Map("one", {{"enc.w", Values({11, 10, 10})}, {"head.w", Values({10, 10})}}),
             Map("two", {{"enc.w", Values({10, 10, 10})}, {"head.w", Values({10, 10})}})};
  const MergeDiagnostics d = Run("average");
  // enc: ‖θ1 − θ2‖ = 1; ‖θ1‖ = √(121 + 200) = √321, ‖θ2‖ = √300.
  EXPECT_NEAR(d.groups[0].expert_distance[0][1], 1.0 / (0.5 * (std::sqrt(321.0) + std::sqrt(300.0))), 1e-12);
  EXPECT_EQ(d.groups[1].expert_distance[0][1], 0.0);
}

TEST_F(DiagnosticsExample, TextTableAndJson) {
  const MergeDiagnostics d = Run("tall_mask");
  const std::string text = DiagnosticsText(d);
  for (const char* part : {"[0] one", "[1] two", "task masks: method, lambda 0.600", "selfish", "active[1]", "enc",
                           "head", "(all)", "0.6000", "cosine(tau)", "rel. L2 dist"}) {
    EXPECT_NE(text.find(part), std::string::npos) << "'" << part << "' not in:\n" << text;
  }
  const nlohmann::json json = DiagnosticsJson(d);
  EXPECT_EQ(json["tasks"], (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(json["mask_source"], "method");
  EXPECT_DOUBLE_EQ(json["total"]["selfish_ratio"].get<double>(), 0.6);
  EXPECT_EQ(json["groups"].size(), 2u);
  EXPECT_EQ(json["groups"][1]["group"], "head");
  EXPECT_EQ(json["groups"][1]["mask_active_ratio"], (std::vector<double>{0.5, 0.5}));
  // JSON text round-trips.
  EXPECT_EQ(nlohmann::json::parse(json.dump()), json);
}

}  // namespace
}  // namespace gauntlet::merging
