// End to end through the merge verb (RunMerge): a small VLA-shaped model in
// bf16 as a safetensors checkpoint (a VLM's attention and MLP, an action
// expert, an action head), four experts as PEFT LoRA adapter folders
// (different ranks by rank_pattern, one with use_rslora), merged with task
// arithmetic, TIES and TALL masks into safetensors checkpoints and an
// artifact; every merged model matches the library's merge of the same
// experts given as dense models θ₀ + ΔW (float64), within bf16 rounding.
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

constexpr int64_t kWidth = 48;

std::vector<std::pair<std::string, std::vector<int64_t>>> Layout() {
  std::vector<std::pair<std::string, std::vector<int64_t>>> layout;
  for (const std::string part : {"vlm", "action_expert"}) {
    for (int l = 0; l < 2; ++l) {
      const std::string p = part + ".layers." + std::to_string(l) + ".";
      for (const char* proj : {"q_proj", "k_proj", "v_proj", "o_proj"}) layout.push_back({p + "attn." + proj + ".weight", {kWidth, kWidth}});
      layout.push_back({p + "mlp.up.weight", {2 * kWidth, kWidth}});
      layout.push_back({p + "mlp.down.weight", {kWidth, 2 * kWidth}});
      layout.push_back({p + "norm.weight", {kWidth}});
    }
  }
  layout.push_back({"action_head.weight", {7, kWidth}});
  return layout;
}

struct Expert {
  std::string dir;
  ParameterMap dense{"dense"};  // θ₀ + ΔW in float64
};

TEST(LoraMergeEndToEnd, Bf16BaseAndFourAdaptersMatchTheDenseFp32Merge) {
  const std::string dir = testing::TempDir("lora-e2e");
  at::Generator g = at::detail::createCPUGenerator(21);
  ParameterMap base("base");
  for (const auto& [name, shape] : Layout()) {
    at::Tensor t = shape.size() == 1 ? at::ones(shape) : at::randn(shape, g) * 0.05;
    base.Add(name, t.to(at::kBFloat16));
  }
  ASSERT_TRUE(SaveSafetensors(base, dir + "/base.safetensors", {{"format", "pt"}}).ok());

  std::vector<Expert> experts;
  std::vector<std::string> paths;
  for (int m = 0; m < 4; ++m) {
    Expert e;
    e.dir = dir + "/adapter" + std::to_string(m);
    fs::create_directories(e.dir);
    const bool rslora = m == 3;
    nlohmann::json config = {{"peft_type", "LORA"},
                             {"r", 4},
                             {"lora_alpha", 8},
                             {"use_rslora", rslora},
                             {"rank_pattern", {{"action_expert.*v_proj", 8}}},
                             {"target_modules", {"q_proj", "v_proj", "o_proj", "up"}},
                             {"base_model_name_or_path", "vla-base"}};
    std::ofstream(e.dir + "/adapter_config.json") << config.dump(2);
    ParameterMap factors("adapter");
    for (const auto& [name, theta0] : base.entries()) {
      const at::Tensor w = theta0.to(at::kFloat);
      const std::string module = name.substr(0, name.size() - std::string(".weight").size());
      const bool target = name.find("q_proj") != std::string::npos || name.find("v_proj") != std::string::npos ||
                          name.find("o_proj") != std::string::npos || name.find("mlp.up") != std::string::npos;
      if (!target) {
        e.dense.Add(name, w.to(at::kDouble));
        continue;
      }
      const int64_t r = module.rfind("action_expert", 0) == 0 && module.find("v_proj") != std::string::npos ? 8 : 4;
      // Expert m's adapters push its own rows: disagreeing updates, as fine-tuning on other tasks gives.
      const at::Tensor a = at::randn({r, w.size(1)}, g) * 0.1;
      const at::Tensor b = at::randn({w.size(0), r}, g) * 0.1 * (1 + m);
      factors.Add("base_model.model." + module + ".lora_A.weight", a.to(at::kBFloat16));
      factors.Add("base_model.model." + module + ".lora_B.weight", b.to(at::kBFloat16));
      const double scale = rslora ? 8 / std::sqrt(static_cast<double>(r)) : 8.0 / static_cast<double>(r);
      // ΔW as the adapter's expert makes it (float32 product, then the
      // scale), added in float64 so that θ_m − θ₀ gives it back exactly.
      const at::Tensor delta =
          at::matmul(b.to(at::kBFloat16).to(at::kFloat), a.to(at::kBFloat16).to(at::kFloat)).mul_(scale);
      e.dense.Add(name, w.to(at::kDouble) + delta.to(at::kDouble));
    }
    ASSERT_TRUE(SaveSafetensors(factors, e.dir + "/adapter_model.safetensors", {{"format", "pt"}}).ok());
    paths.push_back("lora:" + e.dir);
    experts.push_back(std::move(e));
  }
  // The reference merges in float64: the same task vectors exactly, the
  // same trims and masks, sums rounded less.
  ParameterMap base_fp32("base fp64");
  for (const auto& [name, t] : base.entries()) base_fp32.Add(name, t.to(at::kDouble));
  std::vector<ParameterMap> dense;
  for (const Expert& e : experts) dense.push_back(e.dense);

  const auto expect_close = [](const ParameterMap& got, const ParameterMap& want, const std::string& what) {
    ASSERT_EQ(got.size(), want.size()) << what;
    for (const auto& [name, tensor] : want.entries()) {
      const at::Tensor g32 = got.at(name).to(at::kFloat), w32 = tensor.to(at::kFloat);
      // bf16 keeps 8 significant bits: rounding to it moves a value by at most 2^-9 of it.
      const double worst = ((g32 - w32).abs() / (w32.abs() + 1e-6)).max().item<double>();
      EXPECT_LE(worst, 1.0 / 256) << what << " " << name;
    }
  };
  for (const std::string method : {"task_arithmetic", "ties", "tall_mask"}) {
    MergeCommand command;
    command.method = method;
    command.base = dir + "/base.safetensors";
    command.experts = paths;
    command.out = dir + "/" + method + ".safetensors";
    auto ran = RunMerge(command);
    ASSERT_TRUE(ran.ok()) << ran.error().message;
    const ParameterMap merged = LoadSafetensors(command.out).value();
    for (const auto& [name, t] : merged.entries()) EXPECT_EQ(t.scalar_type(), at::kBFloat16) << name;
    const MergeResult reference = MergeModels(method, base_fp32, dense, {}).value();
    expect_close(merged, reference.merged, method);
  }
  // TALL masks' per-task models through an artifact, exported as safetensors.
  MergeCommand command;
  command.method = "tall_mask";
  command.base = dir + "/base.safetensors";
  command.experts = paths;
  command.tasks = {"spatial", "object", "goal", "long"};
  command.out = dir + "/tall.gmerge";
  ASSERT_TRUE(RunMerge(command).ok());
  const MergeResult reference = MergeModels("tall_mask", base_fp32, dense, {}).value();
  for (size_t task = 0; task < 4; ++task) {
    MergeCommand export_command;
    export_command.from = command.out;
    export_command.export_which = command.tasks[task];
    export_command.out = dir + "/" + command.tasks[task] + ".safetensors";
    ASSERT_TRUE(RunMerge(export_command).ok());
    expect_close(LoadSafetensors(export_command.out).value(), TaskModel(base_fp32, reference, task),
                 "tall_mask task " + command.tasks[task]);
  }
}

}  // namespace
}  // namespace gauntlet::merging
