// WUDI on hand examples and its defining properties: the loss
// Σ_m ‖(τ − τ_m)·τ_mᵀ‖²_F / ‖τ_m‖²_F falls from its start at Σ_m τ_m, a
// start already at the optimum stays put, runs are bit-identical, and
// parameters that are not 2-D are averaged.
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

// Base zero; each expert's "w" is its task vector.
Models FromTaskVectors(const std::vector<at::Tensor>& taus) {
  Models models{Map("base", {{"w", at::zeros_like(taus[0])}}), {}};
  for (size_t m = 0; m < taus.size(); ++m) models.experts.push_back(Map("e" + std::to_string(m), {{"w", taus[m]}}));
  return models;
}

at::Tensor MergedW(const Models& models, const MergeParams& params = {}) {
  auto result = MergeModels("wudi", models.base, models.experts, params);
  if (!result.ok()) throw std::runtime_error(result.error().message);
  return result.value().merged.at("w");
}

// The WUDI loss, written out task by task.
double Loss(const at::Tensor& tau, const std::vector<at::Tensor>& taus) {
  double loss = 0;
  for (const auto& task : taus) {
    loss +=
        at::matmul(tau - task, task.transpose(0, 1)).square().sum().item<double>() / task.square().sum().item<double>();
  }
  return loss;
}

std::vector<at::Tensor> RandomTaskVectors(int64_t seed, int count, at::IntArrayRef shape) {
  at::manual_seed(seed);
  std::vector<at::Tensor> taus;
  for (int m = 0; m < count; ++m) taus.push_back(at::randn(shape, at::kDouble));
  return taus;
}

TEST(Wudi, LowersTheLossFromTheSum) {
  const std::vector<at::Tensor> taus = RandomTaskVectors(21, 3, {6, 5});
  const at::Tensor sum = taus[0] + taus[1] + taus[2];
  const double start = Loss(sum, taus);
  const double by_default = Loss(MergedW(FromTaskVectors(taus)), taus);  // 400 steps of 1e-5
  EXPECT_LT(by_default, start);
  const double faster = Loss(MergedW(FromTaskVectors(taus), {{"lr", "1e-3"}}), taus);
  EXPECT_LT(faster, by_default);
  EXPECT_LT(faster, 0.9 * start);
}

TEST(Wudi, FirstStepMovesEachEntryByAboutTheLearningRate) {
  // τ_1 = τ_2 = [[1, 0]]: τ starts at [[2, 0]], each task's term is
  // ‖[[1, 0]]·[[1], [0]]‖² / 1 = 1 and its gradient 2·[[1]]·[[1, 0]], so
  // ∇L = [[4, 0]]. Adam's first step is lr·g/(|g| + 1e-8) per entry: the
  // first entry moves by 0.1·4/(4 + 1e-8), the second not at all.
  const at::Tensor tau = at::tensor({1.0, 0.0}, at::kDouble).reshape({1, 2});
  const std::vector<double> w = List(MergedW(FromTaskVectors({tau, tau}), {{"iterations", "1"}, {"lr", "0.1"}}));
  EXPECT_NEAR(w[0], 2 - 0.1 * 4 / (4 + 1e-8), 1e-13);
  EXPECT_EQ(w[1], 0);
}

TEST(Wudi, IdenticalExpertsConvergeToTheirSharedUpdateNotTheSum) {
  // L(τ) = 2·‖(τ − τ_1)·τ_1ᵀ‖² / ‖τ_1‖² is zero at τ_1, and only there when
  // τ_1 has full column rank (4 x 3): task arithmetic's doubled update is
  // the interference WUDI removes.
  const at::Tensor tau = RandomTaskVectors(22, 1, {4, 3})[0];
  const at::Tensor merged = MergedW(FromTaskVectors({tau, tau}), {{"lr", "0.1"}, {"iterations", "500"}});
  EXPECT_LT((merged - tau).abs().max().item<double>(), 1e-4);
  EXPECT_LT(Loss(merged, {tau, tau}), 1e-10 * Loss(2 * tau, {tau, tau}));
}

TEST(Wudi, AStartAtTheOptimumStaysExactly) {
  // One expert: the start τ_1 has loss 0 and gradient 0.
  const std::vector<at::Tensor> taus = RandomTaskVectors(23, 2, {4, 6});
  EXPECT_TRUE(at::equal(MergedW(FromTaskVectors({taus[0]}), {{"lr", "0.1"}}), taus[0]));
  // An expert that left the layer frozen (τ_2 = 0) has no term, rather than
  // 0/0: the same optimum, finite.
  EXPECT_TRUE(at::equal(MergedW(FromTaskVectors({taus[0], at::zeros_like(taus[0])}), {{"lr", "0.1"}}), taus[0]));
  // Tasks whose rows are orthogonal (τ_1·τ_2ᵀ = 0) do not interfere: the sum.
  const at::Tensor left = at::cat({taus[0].narrow(1, 0, 3), at::zeros({4, 3}, at::kDouble)}, 1);
  const at::Tensor right = at::cat({at::zeros({4, 3}, at::kDouble), taus[1].narrow(1, 3, 3)}, 1);
  EXPECT_TRUE(at::equal(MergedW(FromTaskVectors({left, right}), {{"lr", "0.1"}}), left + right));
  // No steps: the sum.
  EXPECT_TRUE(at::equal(MergedW(FromTaskVectors(taus), {{"iterations", "0"}}), taus[0] + taus[1]));
}

TEST(Wudi, IsBitIdenticalRunToRunAndKeepsTheDtype) {
  const std::vector<at::Tensor> taus = RandomTaskVectors(24, 3, {7, 5});
  const MergeParams params = {{"lr", "1e-3"}, {"iterations", "50"}};
  const at::Tensor first = MergedW(FromTaskVectors(taus), params);
  EXPECT_TRUE(at::equal(first, MergedW(FromTaskVectors(taus), params)));
  EXPECT_FALSE(at::equal(first, taus[0] + taus[1] + taus[2]));
  std::vector<at::Tensor> floats;
  for (const auto& tau : taus) floats.push_back(tau.to(at::kFloat));
  const at::Tensor single = MergedW(FromTaskVectors(floats), params);
  EXPECT_EQ(single.scalar_type(), at::kFloat);
  EXPECT_TRUE(at::allclose(single.to(at::kDouble), first, 0, 1e-4));
}

TEST(Wudi, AveragesParametersThatAreNot2D) {
  const Models models{Map("base", {{"w", at::zeros({2, 2}, at::kDouble)},
                                   {"b", at::zeros({2}, at::kDouble)},
                                   {"conv", at::zeros({1, 1, 2}, at::kDouble)}}),
                      {Map("e1", {{"w", at::eye(2, at::kDouble)},
                                  {"b", at::tensor({2.0, 0.0}, at::kDouble)},
                                  {"conv", at::full({1, 1, 2}, 1.0, at::kDouble)}}),
                       Map("e2", {{"w", at::eye(2, at::kDouble)},
                                  {"b", at::tensor({4.0, -2.0}, at::kDouble)},
                                  {"conv", at::full({1, 1, 2}, 3.0, at::kDouble)}})}};
  const MergeResult result = MergeModels("wudi", models.base, models.experts, {}).value();
  EXPECT_EQ(List(result.merged.at("b")), (std::vector<double>{3, -1}));
  EXPECT_EQ(List(result.merged.at("conv")), (std::vector<double>{2, 2}));
}

TEST(Wudi, RecordsItsHyperparametersAndRejectsUnknownKeys) {
  ASSERT_NE(FindMergeMethod("wudi"), nullptr);
  const std::map<std::string, std::string> defaults = {{"iterations", "400"}, {"lr", "1e-05"}};
  EXPECT_EQ(ResolveMergeParams("wudi", {}).value().values(), defaults);
  const Models models = FromTaskVectors({at::eye(2, at::kDouble)});
  EXPECT_EQ(MergeModels("wudi", models.base, models.experts, {}).value().params, defaults);
  const auto unknown = MergeModels("wudi", models.base, models.experts, {{"iter_num", "300"}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("'iter_num'; wudi takes iterations, lr"), std::string::npos)
      << unknown.error().message;
  EXPECT_FALSE(MergeModels("wudi", models.base, models.experts, {{"lr", "-1"}}).ok());
  EXPECT_FALSE(MergeModels("wudi", models.base, models.experts, {{"iterations", "1.5"}}).ok());
}

}  // namespace
}  // namespace gauntlet::merging
