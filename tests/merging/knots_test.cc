// KnOTS on hand examples and its defining properties: one expert under an
// inner method that keeps everything gives back its update; the merged update
// of a layer lies in the span of the experts' updates; LoRA factors fold into
// the dense weight; the hyperparameters in force are recorded.
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


void ExpectErrorMentions(const Result<MergeResult>& result, const std::vector<std::string>& parts) {
  ASSERT_FALSE(result.ok());
  for (const auto& part : parts) {
    EXPECT_NE(result.error().message.find(part), std::string::npos)
        << "'" << part << "' not in: " << result.error().message;
  }
}

at::Tensor Matrix(int64_t rows, int64_t columns, std::vector<double> values) {
  return at::tensor(values, at::kDouble).reshape({rows, columns});
}

// The part of `update` outside the column span of `spanning`, relative to |update|.
double ShareOutsideSpan(const at::Tensor& update, const at::Tensor& spanning) {
  const at::Tensor q = std::get<0>(at::linalg_qr(spanning, "reduced"));
  const at::Tensor outside = update - at::matmul(q, at::matmul(q.transpose(0, 1), update));
  return outside.norm().item<double>() / update.norm().item<double>();
}

// With one expert, TIES at density 1 and alpha 1 returns R_1 unchanged.
const MergeParams kKeepAll = {{"merge.density", "1"}, {"merge.alpha", "1"}};

// ΔW_1 = [2, 2]ᵀ, ΔW_2 = [1, -1]ᵀ (2 x 1): [ΔW_1 ΔW_2] has orthogonal columns,
// so S = [2√2, √2], U = [[1, 1], [1, -1]]/√2, V = I: R_1 = [2√2, 0]ᵀ,
// R_2 = [0, √2]ᵀ. TIES (density 0.5 keeps one entry each; mean; alpha 0.6):
// R = 0.6·[2√2, √2]ᵀ, ΔW = U·R = 0.6·[3, 1]ᵀ — each task keeps its whole
// component. TIES on the raw updates averages where they overlap instead:
// [2, 0] and [1, 0] kept → 0.6·[1.5, 0].
TEST(Knots, TasksInTheirOwnComponentsDoNotAverageAway) {
  Models models{Map("base", {{"w", at::zeros({2, 1}, at::kDouble)}, {"b", at::zeros({1}, at::kDouble)}}),
                {Map("e1", {{"w", Matrix(2, 1, {2, 2})}, {"b", at::tensor({2.0}, at::kDouble)}}),
                 Map("e2", {{"w", Matrix(2, 1, {1, -1})}, {"b", at::tensor({4.0}, at::kDouble)}})}};
  const MergeResult knots = MustMerge("knots", models, {{"merge.density", "0.5"}});
  const std::vector<double> w = List(knots.merged.at("w"));
  EXPECT_NEAR(w[0], 1.8, 1e-12);
  EXPECT_NEAR(w[1], 0.6, 1e-12);
  // Non-2-D parameters: the unscaled mean.
  EXPECT_DOUBLE_EQ(knots.merged.at("b").item<double>(), 3.0);
  const MergeParams ties = {{"density", "0.5"}, {"agg", "mean"}, {"alpha", "0.6"}, {"granularity", "tensor"}};
  const std::vector<double> raw = List(MergeModels("ties", models.base, models.experts, ties).value().merged.at("w"));
  EXPECT_NEAR(raw[0], 0.9, 1e-12);
  EXPECT_EQ(raw[1], 0);
}

// ΔW = [[3, 2, 0], [0, 0, 1]]: U = I, S = [√13, 1], V rows [3, 2, 0]/√13 and
// [0, 0, 1]. Keeping one of six entries (density 0.2): on S·V (s_on_V) the 3
// of the large component → ΔW = [[3, 0, 0], [0, 0, 0]]; on V alone the 1 of
// the small one, whose direction is concentrated → [[0, 0, 0], [0, 0, 1]].
TEST(Knots, SOnVDecidesWhatTheTrimRanks) {
  Models models{Map("base", {{"w", at::zeros({2, 3}, at::kDouble)}}),
                {Map("e", {{"w", Matrix(2, 3, {3, 2, 0, 0, 0, 1})}})}};
  const MergeParams params = {{"merge.density", "0.2"}, {"merge.alpha", "1"}};
  EXPECT_TRUE(at::allclose(MustMerge("knots", models, params).merged.at("w"), Matrix(2, 3, {3, 0, 0, 0, 0, 0}), 0, 1e-12));
  MergeParams on_v = params;
  on_v["s_on_V"] = "false";
  EXPECT_TRUE(at::allclose(MustMerge("knots", models, on_v).merged.at("w"), Matrix(2, 3, {0, 0, 0, 0, 0, 1}), 0, 1e-12));
}

TEST(Knots, OneExpertUnderAKeepAllMergeGetsItsUpdateBack) {
  at::manual_seed(11);
  const at::Tensor base = at::randn({5, 7}, at::kDouble), tau = at::randn({5, 7}, at::kDouble);
  const at::Tensor unchanged = at::randn({3, 3}, at::kDouble);
  const Models models{Map("base", {{"w", base}, {"still", unchanged}}),
                      {Map("e", {{"w", base + tau}, {"still", unchanged}})}};
  for (const char* s_on_v : {"true", "false"}) {
    MergeParams params = kKeepAll;
    params["s_on_V"] = s_on_v;
    const MergeResult result = MustMerge("knots", models, params);
    EXPECT_TRUE(at::allclose(result.merged.at("w"), base + tau, 0, 1e-10)) << "s_on_V=" << s_on_v;
    // No singular value above 1e-4: nothing to merge, the base stays.
    EXPECT_TRUE(at::equal(result.merged.at("still"), unchanged));
  }
  // Another inner method that keeps everything.
  EXPECT_TRUE(at::allclose(MustMerge("knots", models, {{"merge", "task_arithmetic"}, {"merge.alpha", "1"}}).merged.at("w"),
                           base + tau, 0, 1e-10));
  // float32 models merge in float32.
  const Models single{Map("base", {{"w", base.to(at::kFloat)}}), {Map("e", {{"w", (base + tau).to(at::kFloat)}})}};
  const at::Tensor merged = MustMerge("knots", single, kKeepAll).merged.at("w");
  EXPECT_EQ(merged.scalar_type(), at::kFloat);
  EXPECT_TRUE(at::allclose(merged.to(at::kDouble), base + tau, 0, 1e-4));
}

TEST(Knots, TheMergedUpdateLiesInTheSpanOfTheExpertsUpdates) {
  // Three rank-1 updates u_m·v_mᵀ of an 8 x 6 layer span a 3-dimensional
  // column space; the update KnOTS rebuilds from U stays in it whatever the
  // inner method trims, while TIES on the raw entries leaves it.
  at::manual_seed(12);
  const at::Tensor columns = at::randn({8, 3}, at::kDouble);
  Models models{Map("base", {{"w", at::zeros({8, 6}, at::kDouble)}}), {}};
  for (int64_t m = 0; m < 3; ++m) {
    const at::Tensor update = at::outer(columns.select(1, m), at::randn({6}, at::kDouble));
    models.experts.push_back(Map("e" + std::to_string(m), {{"w", update}}));
  }
  const at::Tensor knots = MustMerge("knots", models, {}).merged.at("w");
  EXPECT_GT(knots.norm().item<double>(), 0.1);
  EXPECT_LT(ShareOutsideSpan(knots, columns), 1e-12);
  const at::Tensor ties = MergeModels("ties", models.base, models.experts, {}).value().merged.at("w");
  EXPECT_GT(ShareOutsideSpan(ties, columns), 0.1);
}

// A LoRA layer "fc": dense weight [4, 5], A [2, 5], B [4, 2], and a bias.
ParameterMap LoraModel(const std::string& source, const at::Tensor& w, const at::Tensor& a, const at::Tensor& b,
                       const at::Tensor& bias) {
  return Map(source, {{"fc.weight", w}, {"fc.lora_A.weight", a}, {"fc.lora_B.weight", b}, {"fc.bias", bias}});
}

TEST(Knots, FoldsLoraFactorsIntoTheDenseWeight) {
  at::manual_seed(13);
  const at::Tensor w0 = at::randn({4, 5}, at::kDouble), a0 = at::randn({2, 5}, at::kDouble);
  const at::Tensor b0 = at::zeros({4, 2}, at::kDouble), bias0 = at::zeros({4}, at::kDouble);
  const at::Tensor a1 = at::randn({2, 5}, at::kDouble), b1 = at::randn({4, 2}, at::kDouble);
  const at::Tensor bias1 = at::randn({4}, at::kDouble);
  const Models one{LoraModel("base", w0, a0, b0, bias0), {LoraModel("e1", w0, a1, b1, bias1)}};
  MergeParams params = kKeepAll;
  params["lora_scale"] = "2";
  const MergeResult result = MustMerge("knots", one, params);
  EXPECT_TRUE(at::allclose(result.merged.at("fc.weight"), w0 + 2 * at::matmul(b1, a1), 0, 1e-10));
  EXPECT_TRUE(at::equal(result.merged.at("fc.lora_A.weight"), a0));
  EXPECT_TRUE(at::equal(result.merged.at("fc.lora_B.weight"), b0));
  EXPECT_TRUE(at::allclose(result.merged.at("fc.bias"), bias1, 0, 1e-15));
  EXPECT_EQ(result.merged_names.size(), 4u);

  // Two experts: the merged dense update lies in the span of their B columns.
  const at::Tensor a2 = at::randn({2, 5}, at::kDouble);
  const at::Tensor w_big = at::randn({6, 5}, at::kDouble);
  const at::Tensor b1_big = at::randn({6, 2}, at::kDouble), b2_big = at::randn({6, 2}, at::kDouble);
  const at::Tensor bias_big = at::zeros({6}, at::kDouble);
  const Models two{LoraModel("base", w_big, a0, at::zeros({6, 2}, at::kDouble), bias_big),
                   {LoraModel("e1", w_big, a1, b1_big, bias_big), LoraModel("e2", w_big, a2, b2_big, bias_big)}};
  const at::Tensor update = MustMerge("knots", two, {}).merged.at("fc.weight") - w_big;
  EXPECT_GT(update.norm().item<double>(), 0.1);
  EXPECT_LT(ShareOutsideSpan(update, at::cat({b1_big, b2_big}, 1)), 1e-12);
}

TEST(Knots, KeepsTheEffectiveWeightOfOneLoraExpert) {
  // Base factors that are not zero and a dense weight the expert changed too:
  // ΔW_1 = (W_1 − W_0) + s·(B_1·A_1 − B_0·A_0), so the merged model's
  // W + s·B_0·A_0 (its factors are the base's) is the expert's W_1 + s·B_1·A_1.
  at::manual_seed(14);
  const auto r = [] { return at::randn({4, 5}, at::kDouble); };
  const at::Tensor w0 = r(), w1 = r(), a0 = at::randn({2, 5}, at::kDouble), a1 = at::randn({2, 5}, at::kDouble);
  const at::Tensor b0 = at::randn({4, 2}, at::kDouble), b1 = at::randn({4, 2}, at::kDouble),
                   bias = at::zeros({4}, at::kDouble);
  const Models models{LoraModel("base", w0, a0, b0, bias), {LoraModel("e1", w1, a1, b1, bias)}};
  MergeParams params = kKeepAll;
  params["lora_scale"] = "0.5";
  const ParameterMap merged = MustMerge("knots", models, params).merged;
  const at::Tensor effective =
      merged.at("fc.weight") + 0.5 * at::matmul(merged.at("fc.lora_B.weight"), merged.at("fc.lora_A.weight"));
  EXPECT_TRUE(at::allclose(effective, w1 + 0.5 * at::matmul(b1, a1), 0, 1e-10));
}

TEST(Knots, LoraLayoutsItCannotFoldAreErrors) {
  const at::Tensor a = at::zeros({2, 5}, at::kDouble), b = at::zeros({4, 2}, at::kDouble),
                   w = at::zeros({4, 5}, at::kDouble);
  const ParameterMap no_dense = Map("base.pt", {{"fc.lora_A.weight", a}, {"fc.lora_B.weight", b}});
  ExpectErrorMentions(MergeModels("knots", no_dense, {no_dense}, {}), {"'fc.weight'", "base.pt", "fold"});
  const ParameterMap no_partner = Map("base.pt", {{"fc.weight", w}, {"fc.lora_A.weight", a}});
  ExpectErrorMentions(MergeModels("knots", no_partner, {no_partner}, {}), {"'fc.lora_B.weight'"});
  const ParameterMap misfit = Map("base.pt", {{"fc.weight", w}, {"fc.lora_A.weight", a}, {"fc.lora_B.weight", a}});
  ExpectErrorMentions(MergeModels("knots", misfit, {misfit}, {}), {"'fc'", "[2, 5]", "[out, r]"});
  // Factors selected without their dense weight would merge nothing.
  const ParameterMap lora = Map("base.pt", {{"fc.weight", w}, {"fc.lora_A.weight", a}, {"fc.lora_B.weight", b}});
  MergeOptions options;
  options.selection = ParameterSelection::Create({"*.lora_*"}, {}).value();
  ExpectErrorMentions(MergeModels("knots", lora, {lora}, {}, options),
                      {"'fc.lora_A.weight' is selected", "'fc.weight' is not"});
  // Selecting the dense weight alone still folds the factors.
  const ParameterMap expert = Map("e.pt", {{"fc.weight", w}, {"fc.lora_A.weight", a + 1}, {"fc.lora_B.weight", b + 1}});
  options.selection = ParameterSelection::Create({"fc.weight"}, {}).value();
  auto dense_only = MergeModels("knots", lora, {expert}, kKeepAll, options);
  ASSERT_TRUE(dense_only.ok()) << dense_only.error().message;
  EXPECT_TRUE(at::allclose(dense_only.value().merged.at("fc.weight"), at::full({4, 5}, 2.0, at::kDouble), 0, 1e-10));
}

TEST(Knots, RecordsEveryHyperparameterAndRejectsUnknownKeys) {
  ASSERT_NE(FindMergeMethod("knots"), nullptr);
  const std::map<std::string, std::string> defaults = {{"lora_scale", "1"},      {"merge", "ties"},
                                                       {"merge.agg", "mean"},    {"merge.alpha", "0.6"},
                                                       {"merge.density", "0.2"}, {"merge.granularity", "model"},
                                                       {"s_on_V", "true"},       {"svd", "auto"},
                                                       {"svd_iterations", "2"},  {"svd_oversample", "10"}};
  EXPECT_EQ(ResolveMergeParams("knots", {}).value().values(), defaults);
  // The record of a merge holds them too.
  const Models models{Map("base", {{"w", at::zeros({2, 2}, at::kDouble)}}),
                      {Map("e", {{"w", at::eye(2, at::kDouble)}})}};
  EXPECT_EQ(MustMerge("knots", models, {}).params, defaults);
  // KnOTS-DARE-TIES's configuration.
  const ResolvedParams dare = ResolveMergeParams("knots", {{"merge", "dare_ties"}}).value();
  EXPECT_EQ(dare.text("merge.p"), "0.1");
  EXPECT_EQ(dare.text("merge.density"), "1");
  EXPECT_EQ(dare.text("merge.agg"), "mean");
  EXPECT_EQ(dare.text("merge.alpha"), "0.7");
  EXPECT_EQ(dare.text("merge.seed"), "0");
  // Other inner methods keep their own defaults.
  EXPECT_EQ(ResolveMergeParams("knots", {{"merge", "task_arithmetic"}}).value().text("merge.alpha"), "0.3");
  // tall_mask's inner alpha still defaults to 1.
  EXPECT_EQ(ResolveMergeParams("tall_mask", {{"merge", "ties"}}).value().text("merge.alpha"), "1");

  ExpectErrorMentions(MergeModels("knots", models.base, models.experts, {{"s_on_v", "false"}}),
                      {"'s_on_v'", "s_on_V", "lora_scale", "merge.density"});
  ExpectErrorMentions(MergeModels("knots", models.base, models.experts, {{"merge.lambda", "1"}}), {"'merge.lambda'"});
  ExpectErrorMentions(MergeModels("knots", models.base, models.experts, {{"merge", "knots"}}), {"merge=knots"});
  ExpectErrorMentions(MergeModels("knots", models.base, models.experts, {{"lora_scale", "-1"}}), {"lora_scale=-1"});
}

}  // namespace
}  // namespace gauntlet::merging
