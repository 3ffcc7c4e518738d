// Each merge method against small examples computed by hand (in the
// comments), and its defining properties; selection and layout errors.
// Tensors are float64 so that hand-computed values compare exactly.
#include "merging/merge_methods.h"
#include "tests/merging/merge_test_support.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <algorithm>

namespace gauntlet::merging {
namespace {

using merge_testing::List;
using merge_testing::Map;

at::Tensor Values(std::vector<double> values) { return at::tensor(values, at::kDouble); }

// One-parameter models "w": the base and experts given as values.
struct Models {
  ParameterMap base;
  std::vector<ParameterMap> experts;
};
Models OneParameter(std::vector<double> base, std::vector<std::vector<double>> experts) {
  Models models{Map("base.pt", {{"w", Values(base)}}), {}};
  for (size_t i = 0; i < experts.size(); ++i) {
    models.experts.push_back(Map("expert" + std::to_string(i) + ".pt", {{"w", Values(experts[i])}}));
  }
  return models;
}
// Base zero, experts given as task vectors.
Models FromTaskVectors(std::vector<std::vector<double>> taus) {
  return OneParameter(std::vector<double>(taus[0].size(), 0.0), taus);
}

MergeResult MustMerge(const std::string& method, const Models& models, const MergeParams& params,
                      const MergeOptions& options = {}) {
  auto result = MergeModels(method, models.base, models.experts, params, options);
  if (!result.ok()) throw std::runtime_error(result.error().message);
  return std::move(result).value();
}

std::vector<double> MergedW(const std::string& method, const Models& models, const MergeParams& params) {
  return List(MustMerge(method, models, params).merged.at("w"));
}

void ExpectErrorMentions(const Result<MergeResult>& result, const std::vector<std::string>& parts) {
  ASSERT_FALSE(result.ok());
  for (const auto& part : parts) {
    EXPECT_NE(result.error().message.find(part), std::string::npos)
        << "'" << part << "' not in: " << result.error().message;
  }
}

// ---- average, task arithmetic ----

TEST(Average, IsTheMeanOfTheExperts) {
  // base [1, 2, 3]; experts [2, 2, 5], [0, 4, 3] → mean [1, 3, 4].
  EXPECT_EQ(MergedW("average", OneParameter({1, 2, 3}, {{2, 2, 5}, {0, 4, 3}}), {}), (std::vector<double>{1, 3, 4}));
}

TEST(TaskArithmetic, AddsTheScaledSumOfTaskVectors) {
  // τ1 = [1, 0, 2], τ2 = [-1, 2, 0]; 0.5·(τ1 + τ2) = [0, 1, 1]; + base [1, 2, 3].
  EXPECT_EQ(MergedW("task_arithmetic", OneParameter({1, 2, 3}, {{2, 2, 5}, {0, 4, 3}}), {{"alpha", "0.5"}}),
            (std::vector<double>{1, 3, 4}));
}

TEST(TaskArithmetic, OneExpertGivesBasePlusAlphaTau) {
  at::manual_seed(0);
  const at::Tensor base = at::randn({4, 5}, at::kDouble), expert = at::randn({4, 5}, at::kDouble);
  Models models{Map("b", {{"w", base}}), {Map("e", {{"w", expert}})}};
  const at::Tensor merged = MustMerge("task_arithmetic", models, {{"alpha", "0.7"}}).merged.at("w");
  EXPECT_TRUE(at::allclose(merged, base + 0.7 * (expert - base), 0, 1e-12));
}

TEST(TaskArithmetic, Float32InFloat32OutAndIntegerTensorsKeepTheBase) {
  Models models{Map("b", {{"w", at::ones({3}, at::kFloat)}, {"steps", at::tensor({5}, at::kLong)}}),
                {Map("e", {{"w", at::full({3}, 3.0, at::kFloat)}, {"steps", at::tensor({9}, at::kLong)}})}};
  MergeResult result = MustMerge("task_arithmetic", models, {{"alpha", "0.5"}});
  EXPECT_EQ(result.merged.at("w").scalar_type(), at::kFloat);
  EXPECT_EQ(List(result.merged.at("w")), (std::vector<double>{2, 2, 2}));
  EXPECT_EQ(List(result.merged.at("steps")), (std::vector<double>{5}));
  EXPECT_EQ(result.merged_names, (std::vector<std::string>{"w"}));
}

// ---- TIES ----

// τ1 = [ 3, -1,   2, 0.5 ]  top 2 → [ 3,  0, 2, 0]
// τ2 = [ 1, -4, 0.5, 2   ]  top 2 → [ 0, -4, 0, 2]
// τ3 = [-2, -3,   1, 0.25]  top 2 → [-2, -3, 0, 0]
// Σ τ̂ = [1, -7, 2, 2] → γ = [+, -, +, +]
// agreeing: [3], [-4, -3], [2], [2] → sum [3, -7, 2, 2], mean [3, -3.5, 2, 2]
const std::vector<std::vector<double>> kTiesExample = {{3, -1, 2, 0.5}, {1, -4, 0.5, 2}, {-2, -3, 1, 0.25}};

TEST(Ties, HandExampleSumAndMean) {
  const Models models = FromTaskVectors(kTiesExample);
  MergeParams params = {{"density", "0.5"}, {"alpha", "1"}, {"granularity", "tensor"}};
  EXPECT_EQ(MergedW("ties", models, params), (std::vector<double>{3, -7, 2, 2}));
  params["agg"] = "mean";
  EXPECT_EQ(MergedW("ties", models, params), (std::vector<double>{3, -3.5, 2, 2}));
  params["alpha"] = "0.5";
  EXPECT_EQ(MergedW("ties", models, params), (std::vector<double>{1.5, -1.75, 1, 1}));
}

TEST(Ties, ElectsTheSignByMassNotByCount) {
  // τ = [5], [-1], [-1]: two of three are negative, but Σ = 3 > 0 → γ = +,
  // and only the 5 agrees (sum 5, mean 5).
  const Models models = FromTaskVectors({{5}, {-1}, {-1}});
  EXPECT_EQ(MergedW("ties", models, {{"density", "1"}, {"alpha", "1"}}), (std::vector<double>{5}));
  EXPECT_EQ(MergedW("ties", models, {{"density", "1"}, {"alpha", "1"}, {"agg", "mean"}}), (std::vector<double>{5}));
  // A zero total elects +: τ = [2], [-2] → only the +2 is kept.
  EXPECT_EQ(MergedW("ties", FromTaskVectors({{2}, {-2}}), {{"density", "1"}, {"alpha", "1"}}),
            (std::vector<double>{2}));
}

TEST(Ties, GranularityModelRanksAcrossTensors) {
  // One expert, density 0.5 of 4 elements. τ: a = [10, 9], b = [1, 2].
  // model: the 2 largest of all → a = [10, 9], b = [0, 0];
  // tensor: the largest of each → a = [10, 0], b = [0, 2].
  Models models{Map("b", {{"a", Values({0, 0})}, {"b", Values({0, 0})}}),
                {Map("e", {{"a", Values({10, 9})}, {"b", Values({1, 2})}})}};
  MergeResult model = MustMerge("ties", models, {{"density", "0.5"}, {"alpha", "1"}, {"granularity", "model"}});
  EXPECT_EQ(List(model.merged.at("a")), (std::vector<double>{10, 9}));
  EXPECT_EQ(List(model.merged.at("b")), (std::vector<double>{0, 0}));
  MergeResult tensor = MustMerge("ties", models, {{"density", "0.5"}, {"alpha", "1"}, {"granularity", "tensor"}});
  EXPECT_EQ(List(tensor.merged.at("a")), (std::vector<double>{10, 0}));
  EXPECT_EQ(List(tensor.merged.at("b")), (std::vector<double>{0, 2}));
}

// The kept entries of one expert's trimmed task vector: exactly ⌊density·n⌋,
// and none smaller in magnitude than one dropped.
void ExpectTopFraction(const at::Tensor& tau, const at::Tensor& trimmed, int64_t expected) {
  const at::Tensor kept = trimmed != 0;
  EXPECT_EQ(kept.sum().item<int64_t>(), expected);
  const double smallest_kept = tau.abs().masked_select(kept).min().item<double>();
  const double largest_dropped = tau.abs().masked_select(~kept).max().item<double>();
  EXPECT_GE(smallest_kept, largest_dropped);
}

TEST(Ties, KeepsExactlyTheTopFractionPerGranularity) {
  at::manual_seed(1);
  const at::Tensor a = at::randn({37, 11}, at::kDouble), b = at::randn({101}, at::kDouble);
  Models models{Map("b", {{"a", at::zeros_like(a)}, {"b", at::zeros_like(b)}}), {Map("e", {{"a", a}, {"b", b}})}};
  MergeResult tensor = MustMerge("ties", models, {{"density", "0.2"}, {"alpha", "1"}, {"granularity", "tensor"}});
  ExpectTopFraction(a, tensor.merged.at("a"), 81);  // ⌊0.2·407⌋
  ExpectTopFraction(b, tensor.merged.at("b"), 20);  // ⌊0.2·101⌋
  MergeResult model = MustMerge("ties", models, {{"density", "0.2"}, {"alpha", "1"}, {"granularity", "model"}});
  ExpectTopFraction(at::cat({a.reshape({-1}), b}),
                    at::cat({model.merged.at("a").reshape({-1}), model.merged.at("b")}), 101);  // ⌊0.2·508⌋
}

// ---- DARE ----

TEST(Dare, SameSeedIsBitIdenticalAndAnotherSeedDiffers) {
  at::manual_seed(2);
  const Models models{Map("b", {{"w", at::zeros({300}, at::kDouble)}}),
                      {Map("e1", {{"w", at::randn({300}, at::kDouble)}}), Map("e2", {{"w", at::randn({300}, at::kDouble)}})}};
  const at::Tensor first = MustMerge("dare", models, {{"seed", "11"}}).merged.at("w");
  const at::Tensor again = MustMerge("dare", models, {{"seed", "11"}}).merged.at("w");
  const at::Tensor other = MustMerge("dare", models, {{"seed", "12"}}).merged.at("w");
  EXPECT_TRUE(at::equal(first, again));
  EXPECT_FALSE(at::equal(first, other));
  // LibTorch's global generator plays no part.
  at::manual_seed(99);
  EXPECT_TRUE(at::equal(first, MustMerge("dare", models, {{"seed", "11"}}).merged.at("w")));
}

TEST(Dare, RescalePreservesTheExpectation) {
  // τ = 1 everywhere, p = 0.3: each entry is 1/0.7 with probability 0.7, else 0;
  // the mean over 10⁶ entries is 1 ± 0.0007 (one standard deviation).
  const Models models{Map("b", {{"w", at::zeros({1000000}, at::kDouble)}}),
                      {Map("e", {{"w", at::ones({1000000}, at::kDouble)}})}};
  const at::Tensor rescaled = MustMerge("dare", models, {{"p", "0.3"}, {"alpha", "1"}, {"seed", "5"}}).merged.at("w");
  EXPECT_NEAR(rescaled.mean().item<double>(), 1.0, 0.005);
  const at::Tensor nonzero = rescaled.masked_select(rescaled != 0);
  EXPECT_TRUE(at::allclose(nonzero, at::full_like(nonzero, 1.0 / 0.7)));
  EXPECT_NEAR(static_cast<double>(nonzero.numel()) / 1e6, 0.7, 0.005);
  // Without rescale the kept entries are τ itself, and the same ones are kept.
  const at::Tensor plain =
      MustMerge("dare", models, {{"p", "0.3"}, {"alpha", "1"}, {"seed", "5"}, {"rescale", "false"}}).merged.at("w");
  EXPECT_TRUE(at::equal(plain != 0, rescaled != 0));
  EXPECT_NEAR(plain.mean().item<double>(), 0.7, 0.005);
}

TEST(Dare, NoDropIsTaskArithmetic) {
  const Models models = OneParameter({1, 2, 3}, {{2, 2, 5}, {0, 4, 3}});
  EXPECT_EQ(MergedW("dare", models, {{"p", "0"}, {"alpha", "0.5"}}),
            MergedW("task_arithmetic", models, {{"alpha", "0.5"}}));
}

TEST(DareTies, IsTiesOnTheDroppedVectors) {
  // With p = 0 DARE keeps everything: dare_ties equals ties.
  const Models models = FromTaskVectors(kTiesExample);
  const MergeParams ties = {{"density", "0.5"}, {"alpha", "1"}, {"granularity", "tensor"}};
  MergeParams dare_ties = ties;
  dare_ties["p"] = "0";
  EXPECT_EQ(MergedW("dare_ties", models, dare_ties), (std::vector<double>{3, -7, 2, 2}));
  // With p > 0 the result is reproducible and differs from plain TIES.
  at::manual_seed(3);
  const Models random{Map("b", {{"w", at::zeros({200}, at::kDouble)}}),
                      {Map("e1", {{"w", at::randn({200}, at::kDouble)}}), Map("e2", {{"w", at::randn({200}, at::kDouble)}})}};
  const MergeParams p = {{"p", "0.5"}, {"seed", "4"}};
  EXPECT_TRUE(at::equal(MustMerge("dare_ties", random, p).merged.at("w"),
                        MustMerge("dare_ties", random, p).merged.at("w")));
  EXPECT_FALSE(at::equal(MustMerge("dare_ties", random, p).merged.at("w"),
                         MustMerge("ties", random, {{"alpha", "0.5"}}).merged.at("w")));
}

// ---- Breadcrumbs ----

TEST(Breadcrumbs, DropsBothTails) {
  // n = 10, gamma 0.1 → drop the 1 largest |τ| (-10); density 0.6 → keep the
  // next 6 (9, -8, 7, 6, 5, 4); drop the rest (3, 2, 1).
  const Models models = FromTaskVectors({{-10, 1, 2, 3, 4, 5, 6, 7, -8, 9}});
  EXPECT_EQ(MergedW("breadcrumbs", models, {{"density", "0.6"}, {"gamma", "0.1"}, {"alpha", "1"}}),
            (std::vector<double>{0, 0, 0, 0, 4, 5, 6, 7, -8, 9}));
  // density 0.9 and gamma 0.2 overrun: keep 9, so drop only the largest.
  EXPECT_EQ(MergedW("breadcrumbs", models, {{"density", "0.9"}, {"gamma", "0.2"}, {"alpha", "1"}}),
            (std::vector<double>{0, 1, 2, 3, 4, 5, 6, 7, -8, 9}));
  // Two experts are each trimmed, then summed with alpha: τ2 = 1 everywhere is
  // ranked by position: keep positions 1..6.
  const Models two = FromTaskVectors({{-10, 1, 2, 3, 4, 5, 6, 7, -8, 9}, std::vector<double>(10, 1.0)});
  EXPECT_EQ(MergedW("breadcrumbs", two, {{"density", "0.6"}, {"gamma", "0.1"}, {"alpha", "0.5"}}),
            (std::vector<double>{0, 0.5, 0.5, 0.5, 2.5, 3, 3.5, 3.5, -4, 4.5}));
}

// ---- MagMax ----

TEST(MagMax, PicksTheLargestMagnitudeUpdatePerElement) {
  // τ1 = [1, -5, 2], τ2 = [-3, 4, 2] → [-3, -5, 2 (τ1's, a tie)]; ·0.5.
  EXPECT_EQ(MergedW("magmax", FromTaskVectors({{1, -5, 2}, {-3, 4, 2}}), {{"alpha", "0.5"}}),
            (std::vector<double>{-1.5, -2.5, 1}));
  at::manual_seed(4);
  const at::Tensor t1 = at::randn({50}, at::kDouble), t2 = at::randn({50}, at::kDouble), t3 = at::randn({50}, at::kDouble);
  Models models{Map("b", {{"w", at::zeros({50}, at::kDouble)}}),
                {Map("1", {{"w", t1}}), Map("2", {{"w", t2}}), Map("3", {{"w", t3}})}};
  const at::Tensor merged = MustMerge("magmax", models, {{"alpha", "1"}}).merged.at("w");
  const at::Tensor stacked = at::stack({t1, t2, t3});
  const at::Tensor pick = stacked.abs().argmax(0);
  EXPECT_TRUE(at::equal(merged, stacked.gather(0, pick.unsqueeze(0)).squeeze(0)));
}

// ---- TALL masks, consensus ----

// τ1 = [1, 0, 2], τ2 = [1, 3, -2]; τ_merge = τ1 + τ2 = [2, 3, 0]; λ = 0.6:
// S1: |τ1| = [1, 0, 2] vs 0.6·|τ_merge − τ1| = 0.6·[1, 3, 2] = [0.6, 1.8, 1.2] → [1, 0, 1]
// S2: |τ2| = [1, 3, 2] vs 0.6·|τ_merge − τ2| = 0.6·[1, 0, 2] = [0.6, 0, 1.2]   → [1, 1, 1]
TEST(TallMask, HandExampleMasksAndTaskModels) {
  const Models models = OneParameter({10, 10, 10}, {{11, 10, 12}, {11, 13, 8}});
  MergeResult result = MustMerge("tall_mask", models, {});
  EXPECT_EQ(List(result.merged.at("w")), (std::vector<double>{12, 13, 10}));
  ASSERT_EQ(result.task_masks.size(), 2u);
  EXPECT_EQ(List(result.task_masks[0].at("w")), (std::vector<double>{1, 0, 1}));
  EXPECT_EQ(List(result.task_masks[1].at("w")), (std::vector<double>{1, 1, 1}));
  // Per-task models: θ₀ + S_m ⊙ τ_merge.
  EXPECT_EQ(List(TaskModel(models.base, result, 0).at("w")), (std::vector<double>{12, 10, 10}));
  EXPECT_EQ(List(TaskModel(models.base, result, 1).at("w")), (std::vector<double>{12, 13, 10}));
  // The diagnostics use the method's masks: one of three elements is selfish.
  EXPECT_EQ(result.diagnostics.mask_source, "method");
  EXPECT_NEAR(result.diagnostics.total.selfish_ratio, 1.0 / 3.0, 1e-12);
}

TEST(TallMask, MasksMatchTheFormulaElementWise) {
  at::manual_seed(5);
  std::vector<at::Tensor> taus;
  Models models{Map("b", {{"w", at::randn({8, 9}, at::kDouble)}}), {}};
  for (int m = 0; m < 3; ++m) {
    taus.push_back(at::randn({8, 9}, at::kDouble));
    models.experts.push_back(Map("e" + std::to_string(m), {{"w", models.base.at("w") + taus.back()}}));
  }
  MergeResult result = MustMerge("tall_mask", models, {{"lambda", "0.4"}, {"merge", "ties"}, {"merge.density", "0.5"}});
  const at::Tensor merged = result.merged.at("w") - models.base.at("w");
  for (int m = 0; m < 3; ++m) {
    const at::Tensor tau = models.experts[m].at("w") - models.base.at("w");
    const at::Tensor expected = tau.abs() > 0.4 * (merged - tau).abs();
    // Tolerance-free except where the two sides are within rounding of each other.
    const at::Tensor margin = (tau.abs() - 0.4 * (merged - tau).abs()).abs() > 1e-9;
    EXPECT_TRUE(at::equal(result.task_masks[m].at("w").masked_select(margin), expected.masked_select(margin)));
  }
  EXPECT_EQ(result.params.at("merge.density"), "0.5");
}

TEST(Consensus, KeepsEntriesActiveInAtLeastKMasks) {
  // Masks as in the TALL example: counts [2, 1, 2].
  const Models models = FromTaskVectors({{1, 0, 2}, {1, 3, -2}});
  // k = 2: C = [1, 0, 1]; 0.3·C ⊙ [2, 3, 0] = [0.6, 0, 0].
  const std::vector<double> k2 = MergedW("consensus", models, {});
  EXPECT_NEAR(k2[0], 0.6, 1e-15);
  EXPECT_EQ(k2[1], 0);
  EXPECT_EQ(k2[2], 0);
  // k = 0 is plain task arithmetic at alpha·merge.alpha.
  EXPECT_EQ(MergedW("consensus", models, {{"k", "0"}, {"alpha", "1"}}), (std::vector<double>{2, 3, 0}));
  // k = 3 > M keeps nothing.
  EXPECT_EQ(MergedW("consensus", models, {{"k", "3"}}), (std::vector<double>{0, 0, 0}));
}

// ---- EMR ----

// τ1 = [2, -1, 0], τ2 = [1, 3, -1]; Σ = [3, 2, -1] → γ = [+, +, -]
// M1 = 1[τ1·γ > 0] = [1, 0, 0]; M2 = [1, 1, 1]
// τ_uni = γ ⊙ max(|τ1 ⊙ M1|, |τ2 ⊙ M2|) = [2, 3, -1]
// λ1 = mean|τ1| / mean|M1 ⊙ τ_uni| = (3/3) / (2/3) = 1.5
// λ2 = mean|τ2| / mean|M2 ⊙ τ_uni| = (5/3) / (6/3) = 5/6
TEST(Emr, HandExampleUnifiedMasksAndScales) {
  const Models models = FromTaskVectors({{2, -1, 0}, {1, 3, -1}});
  MergeResult result = MustMerge("emr", models, {});
  EXPECT_EQ(List(result.merged.at("w")), (std::vector<double>{2, 3, -1}));
  EXPECT_EQ(List(result.task_masks[0].at("w")), (std::vector<double>{1, 0, 0}));
  EXPECT_EQ(List(result.task_masks[1].at("w")), (std::vector<double>{1, 1, 1}));
  ASSERT_EQ(result.task_scales.size(), 2u);
  EXPECT_DOUBLE_EQ(result.task_scales[0], 1.5);
  EXPECT_DOUBLE_EQ(result.task_scales[1], 5.0 / 6.0);
  EXPECT_EQ(List(TaskModel(models.base, result, 0).at("w")), (std::vector<double>{3, 0, 0}));
  const std::vector<double> second = List(TaskModel(models.base, result, 1).at("w"));
  EXPECT_DOUBLE_EQ(second[0], 2 * 5.0 / 6.0);
  EXPECT_DOUBLE_EQ(second[1], 3 * 5.0 / 6.0);
  EXPECT_DOUBLE_EQ(second[2], -5.0 / 6.0);
  EXPECT_EQ(result.diagnostics.mask_source, "method");
  // A zero sum elects −: τ = [1], [-1] → γ = −, only τ2 agrees: τ_uni = [-1].
  EXPECT_EQ(MergedW("emr", FromTaskVectors({{1}, {-1}}), {}), (std::vector<double>{-1}));
}

TEST(Emr, ScalesSumMeansOverParameters) {
  // Two parameters, one expert: M = 1[τ ≠ 0] and τ_uni = τ, so
  // λ = (mean|a| + mean|b|) / (mean|a| + mean|b|) = 1 whatever the values.
  Models models{Map("b", {{"a", Values({0, 0})}, {"b", Values({0, 0, 0})}}),
                {Map("e", {{"a", Values({4, -2})}, {"b", Values({1, 0, 3})}})}};
  MergeResult result = MustMerge("emr", models, {});
  EXPECT_DOUBLE_EQ(result.task_scales[0], 1.0);
  // tall_mask's per-task models have scale 1.
  EXPECT_EQ(MustMerge("tall_mask", models, {}).task_scales, (std::vector<double>{1.0}));
}

// ---- capability vector ----

TEST(CapabilityVector, AddsScaledAuxMinusSft) {
  // base [1, 1]; sft [2, 0]; aux [3, 3]; 0.5·(aux − sft) = [0.5, 1.5] → [1.5, 2.5].
  const Models models = OneParameter({1, 1}, {{2, 0}, {3, 3}});
  EXPECT_EQ(MergedW("capability_vector", models, {{"alpha", "0.5"}}), (std::vector<double>{1.5, 2.5}));
  ExpectErrorMentions(MergeModels("capability_vector", models.base, {models.experts[0]}, {}),
                      {"capability_vector takes 2 experts, got 1"});
}

// ---- selection ----

TEST(Selection, UnselectedParametersKeepTheBase) {
  Models models{Map("b", {{"enc.w", Values({1, 1})}, {"enc.bias", Values({1})}, {"head.w", Values({1})}}),
                {Map("e", {{"enc.w", Values({3, 5})}, {"enc.bias", Values({9})}, {"head.w", Values({7})}})}};
  MergeOptions options;
  options.selection = ParameterSelection::Create({"enc.*"}, {"*.bias"}).value();
  MergeResult result = MustMerge("task_arithmetic", models, {{"alpha", "0.5"}}, options);
  EXPECT_EQ(List(result.merged.at("enc.w")), (std::vector<double>{2, 3}));
  EXPECT_TRUE(result.merged.at("enc.bias").is_same(models.base.at("enc.bias")));
  EXPECT_TRUE(result.merged.at("head.w").is_same(models.base.at("head.w")));
  EXPECT_EQ(result.merged.names(), models.base.names());
  EXPECT_EQ(result.merged_names, (std::vector<std::string>{"enc.w"}));
  EXPECT_EQ(result.include, (std::vector<std::string>{"enc.*"}));
  // Regex selection.
  options.selection = ParameterSelection::Create({"re:(enc|head)\\.w"}, {}).value();
  EXPECT_EQ(MustMerge("task_arithmetic", models, {{"alpha", "1"}}, options).merged_names,
            (std::vector<std::string>{"enc.w", "head.w"}));
}

TEST(Selection, PatternsMatchingNothingAreErrors) {
  const Models models = OneParameter({0}, {{1}});
  MergeOptions options;
  options.selection = ParameterSelection::Create({"w", "enc.*"}, {}).value();
  ExpectErrorMentions(MergeModels("average", models.base, models.experts, {}, options),
                      {"enc.*", "match no parameter", "base.pt"});
  options.selection = ParameterSelection::Create({}, {"w"}).value();
  ExpectErrorMentions(MergeModels("average", models.base, models.experts, {}, options), {"no floating-point"});
}

// ---- layout errors ----

TEST(Layout, MismatchesNameTheParameterAndTheFiles) {
  const ParameterMap base = Map("base.pt", {{"fc.weight", at::zeros({2, 3}, at::kDouble)}, {"fc.bias", at::zeros({2}, at::kDouble)}});
  const ParameterMap shape = Map("b.pt", {{"fc.weight", at::zeros({3, 2}, at::kDouble)}, {"fc.bias", at::zeros({2}, at::kDouble)}});
  ExpectErrorMentions(MergeModels("average", base, {shape}, {}),
                      {"'fc.weight'", "shape [3, 2] in expert 'b.pt'", "[2, 3] in base 'base.pt'"});
  const ParameterMap missing = Map("c.pt", {{"fc.weight", at::zeros({2, 3}, at::kDouble)}});
  ExpectErrorMentions(MergeModels("average", base, {missing}, {}), {"'fc.bias'", "missing from expert 'c.pt'"});
  const ParameterMap extra = Map("d.pt", {{"fc.weight", at::zeros({2, 3}, at::kDouble)},
                                          {"fc.bias", at::zeros({2}, at::kDouble)}, {"fc.scale", at::zeros({1}, at::kDouble)}});
  ExpectErrorMentions(MergeModels("average", base, {extra}, {}), {"'fc.scale'", "expert 'd.pt'", "missing from base"});
  const ParameterMap dtype = Map("e.pt", {{"fc.weight", at::zeros({2, 3}, at::kFloat)}, {"fc.bias", at::zeros({2}, at::kDouble)}});
  ExpectErrorMentions(MergeModels("average", base, {dtype}, {}), {"'fc.weight'", "dtype Float in expert 'e.pt'", "Double"});
  ExpectErrorMentions(MergeModels("average", base, {}, {}), {"takes at least 1 experts, got 0"});
}

TEST(Record, JsonHoldsMethodParamsSourcesAndDiagnostics) {
  const Models models = FromTaskVectors({{1, 0, 2}, {1, 3, -2}});
  const nlohmann::json record = MergeRecordJson(MustMerge("ties", models, {{"agg", "mean"}}));
  EXPECT_EQ(record["method"], "ties");
  EXPECT_EQ(record["params"]["agg"], "mean");
  EXPECT_EQ(record["params"]["density"], "0.2");
  EXPECT_EQ(record["base"], "base.pt");
  EXPECT_EQ(record["experts"], (std::vector<std::string>{"expert0.pt", "expert1.pt"}));
  EXPECT_EQ(record["merged_parameters"], 1);
  EXPECT_EQ(record["diagnostics"]["total"]["elements"], 3);
}

}  // namespace
}  // namespace gauntlet::merging
