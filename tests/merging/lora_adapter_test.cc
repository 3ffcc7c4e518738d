// PEFT LoRA adapters as experts: adapter folders written here as PEFT saves
// them (adapter_config.json + adapter_model.safetensors with
// base_model.model.<module>.lora_A/B.weight), their task vectors checked
// against scale·B·A worked by hand, a merge of adapters against the same
// merge of the dense experts θ₀ + ΔW, and adapters that do not fit refused
// naming the adapter, the key and the base.
#include "merging/lora_adapter.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "merging/merge_methods.h"
#include "merging/safetensors_file.h"
#include "tests/test_support.h"

namespace gauntlet::merging {
namespace {

namespace fs = std::filesystem;

void ExpectErrorMentions(const std::string& message, std::initializer_list<std::string> parts) {
  for (const std::string& part : parts) EXPECT_NE(message.find(part), std::string::npos) << message << "\n  lacks: " << part;
}

at::Tensor Values(std::vector<int64_t> shape, double start, double step) {
  const int64_t n = c10::multiply_integers(shape);
  return (at::arange(n, at::kFloat) * step + start).reshape(shape);
}

// A base shaped like a small transformer with an embedding and a classifier.
ParameterMap Base() {
  ParameterMap base("base.safetensors");
  base.Add("model.embed.weight", Values({5, 4}, 0.1, 0.01));
  base.Add("model.layers.0.q_proj.weight", Values({4, 3}, -0.2, 0.03));
  base.Add("model.layers.0.v_proj.weight", Values({4, 3}, 0.3, -0.02));
  base.Add("model.layers.0.norm.weight", at::ones({4}));
  base.Add("classifier.weight", Values({2, 4}, 0.0, 0.1));
  return base;
}

struct Adapter {
  at::Tensor qa, qb, va, vb, ea, eb, classifier;
};

Adapter MakeFactors(double shift) {
  return {Values({2, 3}, 0.5 + shift, 0.1), Values({4, 2}, -0.3, 0.07 + shift), Values({1, 3}, 1.0, -0.2),
          Values({4, 1}, 0.2 + shift, 0.05), Values({2, 5}, 0.1, 0.02),       Values({4, 2}, -0.1 + shift, 0.03),
          Values({2, 4}, 1.0 + shift, 0.01)};
}

// PEFT's layout: r 2, alpha 4, and v_proj at rank 1 with alpha 3 through the patterns.
std::string WriteAdapter(const std::string& dir, const Adapter& f, nlohmann::json config_changes = {}) {
  fs::create_directories(dir);
  nlohmann::ordered_json config = {{"peft_type", "LORA"},
                                   {"r", 2},
                                   {"lora_alpha", 4},
                                   {"rank_pattern", {{"v_proj", 1}}},
                                   {"alpha_pattern", {{"layers.0.v_proj", 3}}},
                                   {"target_modules", {"q_proj", "v_proj", "embed"}},
                                   {"modules_to_save", {"classifier"}},
                                   {"base_model_name_or_path", "base"}};
  for (const auto& [key, value] : config_changes.items()) config[key] = value;
  std::ofstream(dir + "/adapter_config.json") << config.dump(2);
  ParameterMap weights("adapter");
  weights.Add("base_model.model.model.layers.0.q_proj.lora_A.weight", f.qa);
  weights.Add("base_model.model.model.layers.0.q_proj.lora_B.weight", f.qb);
  weights.Add("base_model.model.model.layers.0.v_proj.lora_A.weight", f.va);
  weights.Add("base_model.model.model.layers.0.v_proj.lora_B.weight", f.vb);
  weights.Add("base_model.model.model.embed.lora_embedding_A", f.ea);
  weights.Add("base_model.model.model.embed.lora_embedding_B", f.eb);
  weights.Add("base_model.model.classifier.modules_to_save.weight", f.classifier);
  EXPECT_TRUE(SaveSafetensors(weights, dir + "/adapter_model.safetensors", {{"format", "pt"}}).ok());
  return dir;
}

// θ₀ + ΔW as a dense model, worked from the formulas.
ParameterMap DenseOf(const ParameterMap& base, const Adapter& f, bool rslora = false) {
  const double q_scale = rslora ? 4 / std::sqrt(2.0) : 2.0, v_scale = 3.0;  // v: alpha 3, r 1 either way
  ParameterMap dense("dense");
  dense.Add("model.embed.weight", base.at("model.embed.weight") + q_scale * at::matmul(f.eb, f.ea).t());
  dense.Add("model.layers.0.q_proj.weight", base.at("model.layers.0.q_proj.weight") + q_scale * at::matmul(f.qb, f.qa));
  dense.Add("model.layers.0.v_proj.weight", base.at("model.layers.0.v_proj.weight") + v_scale * at::matmul(f.vb, f.va));
  dense.Add("model.layers.0.norm.weight", base.at("model.layers.0.norm.weight"));
  dense.Add("classifier.weight", f.classifier);
  return dense;
}

TEST(LoraAdapter, TaskVectorsAreScaledProductsOfTheFactors) {
  const std::string dir = testing::TempDir("lora") + "/expert";
  const ParameterMap base = Base();
  const Adapter f = MakeFactors(0);
  auto expert = LoadLoraExpert(WriteAdapter(dir, f), base);
  ASSERT_TRUE(expert.ok()) << expert.error().message;
  EXPECT_EQ(expert.value()->source(), "lora:" + dir);
  EXPECT_TRUE(expert.value()->CheckLayout(base).ok());
  const ParameterMap dense = DenseOf(base, f);
  for (const auto& [name, theta0] : base.entries()) {
    const at::Tensor tau = expert.value()->TaskVector(name, theta0);
    EXPECT_TRUE(at::allclose(tau, dense.at(name) - theta0, 1e-6, 1e-6)) << name << "\n" << tau;
    EXPECT_TRUE(at::allclose(expert.value()->Value(name, theta0), dense.at(name), 1e-6, 1e-6)) << name;
  }
  EXPECT_EQ(at::count_nonzero(expert.value()->TaskVector("model.layers.0.norm.weight", base.at("model.layers.0.norm.weight"))).item<int64_t>(), 0);

  // use_rslora: alpha / sqrt(r); a bf16 base computes in float32 and keeps bf16 values.
  ParameterMap bf16_base("bf16 base");
  for (const auto& [name, t] : base.entries()) bf16_base.Add(name, t.to(at::kBFloat16));
  auto rslora = LoadLoraExpert(WriteAdapter(dir + "-rs", f, {{"use_rslora", true}}), bf16_base);
  ASSERT_TRUE(rslora.ok()) << rslora.error().message;
  const at::Tensor& q0 = bf16_base.at("model.layers.0.q_proj.weight");
  const at::Tensor tau = rslora.value()->TaskVector("model.layers.0.q_proj.weight", q0);
  EXPECT_EQ(tau.scalar_type(), at::kFloat);
  EXPECT_TRUE(at::allclose(tau, 4 / std::sqrt(2.0) * at::matmul(f.qb, f.qa), 1e-6, 1e-6));
  EXPECT_EQ(rslora.value()->Value("model.layers.0.q_proj.weight", q0).scalar_type(), at::kBFloat16);
}

TEST(LoraAdapter, MergingAdaptersMatchesMergingTheirDenseModels) {
  const std::string dir = testing::TempDir("lora-merge");
  const ParameterMap base = Base();
  ExpertModels adapters;
  std::vector<ParameterMap> dense;
  for (int m = 0; m < 3; ++m) {
    const Adapter f = MakeFactors(0.1 * m - 0.1);
    auto expert = LoadLoraExpert(WriteAdapter(dir + "/e" + std::to_string(m), f), base);
    ASSERT_TRUE(expert.ok()) << expert.error().message;
    adapters.push_back(std::move(expert).value());
    dense.push_back(DenseOf(base, f));
  }
  for (const std::string method : {"task_arithmetic", "ties", "tall_mask"}) {
    auto from_adapters = MergeExperts(method, base, adapters, {});
    auto from_dense = MergeModels(method, base, dense, {});
    ASSERT_TRUE(from_adapters.ok()) << from_adapters.error().message;
    ASSERT_TRUE(from_dense.ok()) << from_dense.error().message;
    for (const auto& [name, tensor] : from_dense.value().merged.entries()) {
      EXPECT_TRUE(at::allclose(from_adapters.value().merged.at(name), tensor, 1e-5, 1e-6)) << method << " " << name;
    }
    EXPECT_NEAR(from_adapters.value().diagnostics.total.task_vector_cosine[0][1],
                from_dense.value().diagnostics.total.task_vector_cosine[0][1], 1e-5);
  }
}

TEST(LoraAdapter, KeysFindTheBaseWithoutTheWrappersPrefix) {
  // The same adapter on a base saved without the "model." wrapper.
  ParameterMap base("inner.safetensors");
  const ParameterMap wrapped = Base();
  for (const auto& [name, t] : wrapped.entries()) {
    base.Add(name.rfind("model.", 0) == 0 ? name.substr(6) : name, t);
  }
  const Adapter f = MakeFactors(0);
  auto expert = LoadLoraExpert(WriteAdapter(testing::TempDir("lora-prefix") + "/e", f), base);
  ASSERT_TRUE(expert.ok()) << expert.error().message;
  const at::Tensor& q0 = base.at("layers.0.q_proj.weight");
  EXPECT_TRUE(at::allclose(expert.value()->TaskVector("layers.0.q_proj.weight", q0), 2 * at::matmul(f.qb, f.qa)));
}

TEST(LoraAdapter, AdaptersThatDoNotFitAreRefusedNamingAdapterKeyAndBase) {
  const std::string dir = testing::TempDir("lora-bad");
  const ParameterMap base = Base();
  const Adapter f = MakeFactors(0);
  const auto error = [&](const std::string& adapter) {
    auto expert = LoadLoraExpert(adapter, base);
    EXPECT_FALSE(expert.ok()) << adapter;
    return expert.ok() ? std::string() : expert.error().message;
  };
  ExpectErrorMentions(error(WriteAdapter(dir + "/rank", f, {{"rank_pattern", nlohmann::json::object()}})),
                      {"lora:" + dir + "/rank", "'model.layers.0.v_proj'", "r = 2", "rank 1"});
  Adapter wide = f;
  wide.qa = Values({2, 7}, 0, 0.1);
  ExpectErrorMentions(error(WriteAdapter(dir + "/shape", wide)),
                      {"'model.layers.0.q_proj'", "[4, 7]", "'model.layers.0.q_proj.weight'", "[4, 3]",
                       "base.safetensors", "does not match this base"});
  ParameterMap other("other.safetensors");
  other.Add("encoder.fc.weight", at::ones({4, 3}));
  auto elsewhere = LoadLoraExpert(WriteAdapter(dir + "/elsewhere", f), other);
  ASSERT_FALSE(elsewhere.ok());
  ExpectErrorMentions(elsewhere.error().message,
                      {"lora:" + dir + "/elsewhere", "other.safetensors", "does not hold", "trained on another model"});
  ExpectErrorMentions(error(WriteAdapter(dir + "/dora", f, {{"use_dora", true}})), {"use_dora", "DoRA"});
  ExpectErrorMentions(error(WriteAdapter(dir + "/no-r", f, {{"r", "two"}})), {"adapter_config.json", "\"r\""});
  ExpectErrorMentions(error(dir + "/missing"), {"lora:" + dir + "/missing", "not a folder"});
  fs::create_directories(dir + "/nofile");
  std::ofstream(dir + "/nofile/adapter_config.json") << R"({"r": 2, "lora_alpha": 4})";
  ExpectErrorMentions(error(dir + "/nofile"), {"no adapter_model.safetensors"});
  // lora_A without its lora_B.
  WriteAdapter(dir + "/half", f);
  ParameterMap half("half");
  half.Add("base_model.model.model.layers.0.q_proj.lora_A.weight", f.qa);
  ASSERT_TRUE(SaveSafetensors(half, dir + "/half/adapter_model.safetensors").ok());
  ExpectErrorMentions(error(dir + "/half"), {"'model.layers.0.q_proj'", "lora_A but no lora_B"});
}

}  // namespace
}  // namespace gauntlet::merging
