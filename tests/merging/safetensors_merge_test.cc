// `gauntlet merge` (RunMerge) on safetensors checkpoints: bf16 inputs, one
// of them sharded, merged into a (sharded) safetensors checkpoint whose
// tensors equal the library's merge of the same maps; fp32 output from bf16
// inputs; LoRA adapters next to dense experts; artifacts over a safetensors
// base; diagnostics levels; and mismatched experts refused naming the tensor
// and the files.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "merging/merge_artifact.h"
#include "merging/merge_command.h"
#include "merging/merge_methods.h"
#include "merging/safetensors_file.h"
#include "tests/test_support.h"

namespace gauntlet::merging {
namespace {

namespace fs = std::filesystem;

void ExpectErrorMentions(const std::string& message, std::initializer_list<std::string> parts) {
  for (const std::string& part : parts) EXPECT_NE(message.find(part), std::string::npos) << message << "\n  lacks: " << part;
}

// A small model in bf16 (with an fp32 norm and an integer counter, as real
// checkpoints have); expert k adds its own small update.
ParameterMap Model(int k) {
  at::Generator g = at::detail::createCPUGenerator(100 + k);
  ParameterMap map("model " + std::to_string(k));
  const double update = k == 0 ? 0.0 : 0.01;
  at::Generator base_g = at::detail::createCPUGenerator(1);
  for (int b = 0; b < 2; ++b) {
    const std::string block = "blocks." + std::to_string(b) + ".";
    map.Add(block + "attn.weight",
            (at::randn({32, 16}, base_g) * 0.1 + at::randn({32, 16}, g) * update).to(at::kBFloat16));
    map.Add(block + "norm.weight", at::ones({16}) + at::randn({16}, g) * update);
  }
  map.Add("head.weight", (at::randn({4, 16}, base_g) + at::randn({4, 16}, g) * update).to(at::kBFloat16));
  map.Add("steps", at::tensor({7 + k}, at::kLong));
  return map;
}

struct Checkpoints {
  std::string dir, base;
  std::vector<std::string> experts;
  ParameterMap base_map;
  std::vector<ParameterMap> expert_maps;
};

Checkpoints Write(const std::string& name) {
  Checkpoints c;
  c.dir = testing::TempDir(name);
  c.base_map = Model(0);
  c.base = c.dir + "/base.safetensors";
  EXPECT_TRUE(SaveSafetensors(c.base_map, c.base, {{"format", "pt"}}).ok());
  for (int k = 1; k <= 3; ++k) {
    c.expert_maps.push_back(Model(k));
    const std::string folder = c.dir + "/expert" + std::to_string(k);
    fs::create_directories(folder);
    // Expert 2 is sharded (an index and three files), the others single files.
    EXPECT_TRUE(SaveSafetensors(c.expert_maps.back(), folder + "/model.safetensors", {}, k == 2 ? 1200 : 0).ok());
    c.experts.push_back(k == 2 ? folder + "/model.safetensors.index.json" : folder);
  }
  return c;
}

MergeCommand Command(const Checkpoints& c, const std::string& method, const std::string& out) {
  MergeCommand command;
  command.method = method;
  command.base = c.base;
  command.experts = c.experts;
  command.out = c.dir + "/" + out;
  return command;
}

TEST(SafetensorsMerge, ShardedBf16CheckpointsMergeIntoTheLibrarysResult) {
  const Checkpoints c = Write("st-merge");
  EXPECT_TRUE(fs::exists(c.dir + "/expert2/model-00003-of-00003.safetensors"));
  for (const std::string method : {"task_arithmetic", "ties"}) {
    MergeCommand command = Command(c, method, method + "/merged.safetensors");
    fs::create_directories(c.dir + "/" + method);
    command.shard_size = "2KB";
    auto ran = RunMerge(command);
    ASSERT_TRUE(ran.ok()) << ran.error().message;
    EXPECT_NE(ran.value().find("merged-00001-of-"), std::string::npos) << ran.value();
    auto merged = LoadSafetensors(c.dir + "/" + method + "/merged.safetensors.index.json");
    ASSERT_TRUE(merged.ok()) << merged.error().message;
    const MergeResult expected = MergeModels(method, c.base_map, c.expert_maps, {}).value();
    ASSERT_EQ(merged.value().size(), c.base_map.size());
    for (const auto& [name, tensor] : expected.merged.entries()) {
      EXPECT_EQ(merged.value().at(name).scalar_type(), c.base_map.at(name).scalar_type()) << name;
      EXPECT_TRUE(at::equal(merged.value().at(name), tensor)) << method << " " << name;
    }
    EXPECT_TRUE(at::equal(merged.value().at("steps"), c.base_map.at("steps")));  // integers keep θ₀
    const nlohmann::json record =
        nlohmann::json::parse(std::ifstream(c.dir + "/" + method + "/merged.safetensors.json"));
    EXPECT_EQ(record.at("method"), method);
    EXPECT_EQ(record.at("output").at("kind"), "safetensors");
    EXPECT_GE(record.at("output").at("files").size(), 3u);
  }
}

TEST(SafetensorsMerge, Fp32OutputKeepsTheFp32Arithmetic) {
  const Checkpoints c = Write("st-merge-fp32");
  MergeCommand command = Command(c, "task_arithmetic", "fp32.safetensors");
  command.dtype = "fp32";
  command.params = {{"alpha", "0.5"}};
  ASSERT_TRUE(RunMerge(command).ok());
  const ParameterMap merged = LoadSafetensors(c.dir + "/fp32.safetensors").value();
  const std::string name = "blocks.1.attn.weight";
  at::Tensor expected = c.base_map.at(name).to(at::kFloat);
  at::Tensor sum = at::zeros_like(expected);
  for (const ParameterMap& e : c.expert_maps) sum += e.at(name).to(at::kFloat) - c.base_map.at(name).to(at::kFloat);
  expected = expected + sum * 0.5;
  EXPECT_EQ(merged.at(name).scalar_type(), at::kFloat);
  EXPECT_TRUE(at::allclose(merged.at(name), expected, 1e-6, 1e-7));
  EXPECT_FALSE(at::equal(merged.at(name), expected.to(at::kBFloat16).to(at::kFloat)));  // not rounded through bf16
  EXPECT_EQ(merged.at("steps").scalar_type(), at::kLong);

  command.dtype = "fp8";
  ExpectErrorMentions(RunMerge(command).error().message, {"--dtype fp8", "bf16"});
  command.dtype = "";
  command.shard_size = "lots";
  ExpectErrorMentions(RunMerge(command).error().message, {"--shard-size lots"});
  command.shard_size = "";
  command.diagnostics = "some";
  ExpectErrorMentions(RunMerge(command).error().message, {"--diagnostics", "none, basic or full"});
}

TEST(SafetensorsMerge, ArtifactsOverASafetensorsBaseExportTheSameModel) {
  const Checkpoints c = Write("st-merge-artifact");
  MergeCommand command = Command(c, "tall_mask", "m.gmerge");
  command.tasks = {"a", "b", "c"};
  auto ran = RunMerge(command);
  ASSERT_TRUE(ran.ok()) << ran.error().message;
  auto artifact = ReadMergeArtifact(c.dir + "/m.gmerge");
  ASSERT_TRUE(artifact.ok()) << artifact.error().message;
  EXPECT_EQ(artifact.value().base_kind, "safetensors");
  MergeCommand export_command;
  export_command.from = c.dir + "/m.gmerge";
  export_command.export_which = "b";
  export_command.out = c.dir + "/b.safetensors";
  ASSERT_TRUE(RunMerge(export_command).ok());
  const ParameterMap exported = LoadSafetensors(c.dir + "/b.safetensors").value();
  const MergeResult result = MergeModels("tall_mask", c.base_map, c.expert_maps, {}).value();
  const ParameterMap task = TaskModel(c.base_map, result, 1);
  for (const auto& [name, tensor] : task.entries()) EXPECT_TRUE(at::equal(exported.at(name), tensor)) << name;

  // A sharded base cannot be held in an artifact: said before anything is merged.
  command.base = c.experts[1];
  command.out = c.dir + "/sharded.gmerge";
  ExpectErrorMentions(RunMerge(command).error().message, {"sharded", "--out MODEL.safetensors"});
}

TEST(SafetensorsMerge, DiagnosticsLevelsNoneBasicAndFull) {
  const Checkpoints c = Write("st-merge-diagnostics");
  MergeCommand command = Command(c, "task_arithmetic", "none.safetensors");
  command.diagnostics = "none";
  auto none = RunMerge(command);
  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_NE(none.value().find("diagnostics: none"), std::string::npos);
  // Small tensors are never sampled: basic and full agree exactly.
  MergeOptions basic, full;
  full.diagnostics.level = DiagnosticsLevel::kFull;
  const auto b = MergeModels("ties", c.base_map, c.expert_maps, {}, basic).value().diagnostics;
  const auto f = MergeModels("ties", c.base_map, c.expert_maps, {}, full).value().diagnostics;
  EXPECT_EQ(b.level, "basic");
  EXPECT_EQ(b.total.task_vector_norm, f.total.task_vector_norm);
  EXPECT_EQ(b.total.active_count_fraction, f.total.active_count_fraction);

  // A large tensor is sampled (1024 elements in every 62464): estimates near the full figures.
  at::Generator g = at::detail::createCPUGenerator(5);
  ParameterMap base("big base");
  base.Add("w", at::randn({1024, 1024}, g));
  std::vector<ParameterMap> experts;
  for (int m = 0; m < 3; ++m) {
    experts.emplace_back("big " + std::to_string(m));
    experts.back().Add("w", base.at("w") + at::randn({1024, 1024}, g) * (0.01 * (m + 1)));
  }
  const auto sampled = MergeModels("task_arithmetic", base, experts, {}, basic).value().diagnostics.total;
  const auto exact = MergeModels("task_arithmetic", base, experts, {}, full).value().diagnostics.total;
  EXPECT_EQ(sampled.elements, exact.elements);
  for (size_t m = 0; m < 3; ++m) {
    EXPECT_NEAR(sampled.task_vector_norm[m] / exact.task_vector_norm[m], 1.0, 0.02) << m;
    EXPECT_NEAR(sampled.mask_active_ratio[m], exact.mask_active_ratio[m], 0.02) << m;
  }
  EXPECT_NE(sampled.task_vector_norm[0], exact.task_vector_norm[0]);  // it did sample
  EXPECT_NEAR(sampled.selfish_ratio, exact.selfish_ratio, 0.02);
}

TEST(SafetensorsMerge, MismatchedExpertsAreRefusedNamingTensorAndFiles) {
  const Checkpoints c = Write("st-merge-bad");
  ParameterMap wrong = Model(4);
  ParameterMap reshaped("reshaped");
  for (const auto& [name, t] : wrong.entries()) reshaped.Add(name, name == "head.weight" ? t.reshape({8, 8}) : t);
  ASSERT_TRUE(SaveSafetensors(reshaped, c.dir + "/reshaped.safetensors").ok());
  MergeCommand command = Command(c, "task_arithmetic", "bad.safetensors");
  command.experts = {c.experts[0], c.dir + "/reshaped.safetensors"};
  ExpectErrorMentions(RunMerge(command).error().message,
                      {"'head.weight'", "[8, 8]", "reshaped.safetensors", "[4, 16]", "base.safetensors"});
  ParameterMap fp16("fp16");
  for (const auto& [name, t] : wrong.entries()) fp16.Add(name, name == "head.weight" ? t.to(at::kHalf) : t);
  ASSERT_TRUE(SaveSafetensors(fp16, c.dir + "/fp16.safetensors").ok());
  command.experts = {c.dir + "/fp16.safetensors"};
  ExpectErrorMentions(RunMerge(command).error().message, {"'head.weight'", "dtype Half", "fp16.safetensors", "BFloat16"});
  ParameterMap missing("missing");
  for (const auto& [name, t] : wrong.entries()) {
    if (name != "blocks.0.norm.weight") missing.Add(name, t);
  }
  ASSERT_TRUE(SaveSafetensors(missing, c.dir + "/missing.safetensors").ok());
  command.experts = {c.dir + "/missing.safetensors"};
  ExpectErrorMentions(RunMerge(command).error().message,
                      {"'blocks.0.norm.weight'", "missing from expert", "missing.safetensors"});
  // A truncated expert is named with its tensor before anything is merged.
  std::ifstream in(c.dir + "/expert1/model.safetensors", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::ofstream(c.dir + "/cut.safetensors", std::ios::binary) << bytes.substr(0, bytes.size() - 100);
  command.experts = {c.dir + "/cut.safetensors"};
  ExpectErrorMentions(RunMerge(command).error().message, {"cut.safetensors", "truncated"});
  EXPECT_FALSE(fs::exists(c.dir + "/bad.safetensors"));
}

}  // namespace
}  // namespace gauntlet::merging
