// Real TorchScript modules end to end: built here (torch::jit::Module,
// define, register_parameter / register_buffer, a submodule for dotted
// names), saved to a temporary folder, loaded, merged, written back as a
// module and run.
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/script.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "merging/merge_methods.h"
#include "merging/parameter_map.h"
#include "tests/cli/cli_support.h"
#include "tests/test_support.h"
#include "tests/merging/merge_test_support.h"

namespace gauntlet::merging {
namespace {

using merge_testing::List;
using merge_testing::Map;

// Net: forward(x) = enc(x) + head, enc(x) = x * enc.weight + enc.running_mean;
// enc.steps is an integer buffer (a counter, never merged).
std::string SaveNet(const std::string& path, std::vector<double> weight, std::vector<double> running_mean,
                    std::vector<double> head, int64_t steps) {
  torch::jit::Module encoder("Encoder");
  encoder.register_parameter("weight", at::tensor(weight, at::kFloat), /*is_buffer=*/false);
  encoder.register_buffer("running_mean", at::tensor(running_mean, at::kFloat));
  encoder.register_buffer("steps", at::tensor({steps}, at::kLong));
  encoder.define("def forward(self, x: Tensor) -> Tensor:\n    return x * self.weight + self.running_mean\n");
  torch::jit::Module net("Net");
  net.register_module("enc", encoder);
  net.register_parameter("head", at::tensor(head, at::kFloat), /*is_buffer=*/false);
  net.define("def forward(self, x: Tensor) -> Tensor:\n    return self.enc.forward(x) + self.head\n");
  net.save(path);
  return path;
}

class TorchScriptMerge : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = testing::TempDir("merge-torchscript");
    base = SaveNet(dir + "/base.pt", {1, 1}, {0, 0}, {0, 0}, 0);
    // τ: weight [1, 0], running_mean [2, 2], head [0, 4]
    first = SaveNet(dir + "/first.pt", {2, 1}, {2, 2}, {0, 4}, 100);
    // τ: weight [3, 2], running_mean [0, 2], head [2, 0]
    second = SaveNet(dir + "/second.pt", {4, 3}, {0, 2}, {2, 0}, 200);
  }
  std::string dir, base, first, second;
};

TEST_F(TorchScriptMerge, LoadsParametersAndBuffersByDottedName) {
  auto all = LoadTorchScriptParameters(base);
  ASSERT_TRUE(all.ok()) << all.error().message;
  std::vector<std::string> names = all.value().names();
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"enc.running_mean", "enc.steps", "enc.weight", "head"}));
  EXPECT_EQ(all.value().source(), base);
  auto parameters = LoadTorchScriptParameters(base, ModuleTensors::kParameters);
  ASSERT_TRUE(parameters.ok());
  names = parameters.value().names();
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"enc.weight", "head"}));
  auto detected = LoadParameters(first);
  ASSERT_TRUE(detected.ok());
  EXPECT_EQ(List(detected.value().at("head")), (std::vector<double>{0, 4}));
}

TEST_F(TorchScriptMerge, MergesWritesBackAndRuns) {
  const ParameterMap base_map = LoadTorchScriptParameters(base).value();
  const std::vector<ParameterMap> experts = {LoadTorchScriptParameters(first).value(),
                                             LoadTorchScriptParameters(second).value()};
  auto result = MergeModels("task_arithmetic", base_map, experts, {{"alpha", "0.5"}});
  ASSERT_TRUE(result.ok()) << result.error().message;
  const ParameterMap& merged = result.value().merged;
  // base + 0.5·(τ1 + τ2)
  EXPECT_EQ(List(merged.at("enc.weight")), (std::vector<double>{3, 2}));
  EXPECT_EQ(List(merged.at("enc.running_mean")), (std::vector<double>{1, 2}));
  EXPECT_EQ(List(merged.at("head")), (std::vector<double>{1, 2}));
  EXPECT_EQ(List(merged.at("enc.steps")), (std::vector<double>{0}));  // the base's counter
  EXPECT_EQ(result.value().experts, (std::vector<std::string>{first, second}));

  const std::string out = dir + "/merged.pt";
  Status saved = SaveTorchScriptWithParameters(base, merged, out);
  ASSERT_TRUE(saved.ok()) << saved.message();
  auto reloaded = LoadTorchScriptParameters(out);
  ASSERT_TRUE(reloaded.ok()) << reloaded.error().message;
  for (const auto& [name, tensor] : merged.entries()) {
    EXPECT_TRUE(at::equal(reloaded.value().at(name), tensor)) << name;
  }
  // forward([1, 1]) = [1, 1]·[3, 2] + [1, 2] + [1, 2] = [5, 6]
  torch::jit::Module module = torch::jit::load(out);
  const at::Tensor y = module.forward({at::ones({2}, at::kFloat)}).toTensor();
  EXPECT_EQ(List(y), (std::vector<double>{5, 6}));
  // The base module file is untouched.
  EXPECT_EQ(List(LoadTorchScriptParameters(base).value().at("enc.weight")), (std::vector<double>{1, 1}));
}

TEST_F(TorchScriptMerge, SelectionAndPerTaskModelsByName) {
  const ParameterMap base_map = LoadTorchScriptParameters(base).value();
  const std::vector<ParameterMap> experts = {LoadTorchScriptParameters(first).value(),
                                             LoadTorchScriptParameters(second).value()};
  MergeOptions options;
  options.selection = ParameterSelection::Create({"enc.*"}, {"*.running_mean"}).value();
  auto result = MergeModels("tall_mask", base_map, experts, {}, options);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result.value().merged_names, (std::vector<std::string>{"enc.weight"}));
  // enc.weight: τ1 = [1, 0], τ2 = [3, 2]; τ_merge = [4, 2];
  // S1: 1 > 0.6·3 no, 0 > 0.6·2 no → [0, 0]; S2: 3 > 0.6·1 yes, 2 > 0.6·2 yes → [1, 1].
  EXPECT_EQ(List(result.value().merged.at("enc.weight")), (std::vector<double>{5, 3}));
  EXPECT_EQ(List(TaskModel(base_map, result.value(), 0).at("enc.weight")), (std::vector<double>{1, 1}));
  EXPECT_EQ(List(TaskModel(base_map, result.value(), 1).at("enc.weight")), (std::vector<double>{5, 3}));
  EXPECT_EQ(List(result.value().merged.at("head")), (std::vector<double>{0, 0}));
  // The per-task model writes back as a module too.
  ASSERT_TRUE(SaveTorchScriptWithParameters(base, TaskModel(base_map, result.value(), 1), dir + "/task1.pt").ok());
}

TEST_F(TorchScriptMerge, WritingBackRefusesAMapOfAnotherLayout) {
  ParameterMap map = LoadTorchScriptParameters(base).value();
  ParameterMap missing("partial");
  for (const auto& [name, tensor] : map.entries()) {
    if (name != "head") missing.Add(name, tensor);
  }
  Status status = SaveTorchScriptWithParameters(base, missing, dir + "/x.pt");
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("no tensor 'head'"), std::string::npos) << status.message();
  ParameterMap reshaped("reshaped");
  for (const auto& [name, tensor] : map.entries()) reshaped.Add(name, name == "head" ? at::zeros({3}) : tensor);
  status = SaveTorchScriptWithParameters(base, reshaped, dir + "/x.pt");
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("'head' is [3] Float in 'reshaped' but [2] Float in the module"), std::string::npos)
      << status.message();
  map.Add("extra", at::zeros({1}));
  status = SaveTorchScriptWithParameters(base, map, dir + "/x.pt");
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("'extra', which the module lacks"), std::string::npos) << status.message();
}

TEST_F(TorchScriptMerge, MismatchedModulesAreClearErrors) {
  const std::string wide = SaveNet(dir + "/wide.pt", {1, 1, 1}, {0, 0, 0}, {0, 0, 0}, 0);
  auto result = MergeModels("average", LoadTorchScriptParameters(base).value(),
                            {LoadTorchScriptParameters(wide).value()}, {});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("shape [3] in expert '" + wide + "' but [2] in base '" + base + "'"),
            std::string::npos)
      << result.error().message;
  auto not_module = LoadTorchScriptParameters(dir + "/nothing.pt");
  ASSERT_FALSE(not_module.ok());
  EXPECT_NE(not_module.error().message.find(dir + "/nothing.pt"), std::string::npos);
}

// `gauntlet merge` end to end: the real binary writes a runnable module and
// its record; bad methods and settings are refused before anything loads.
TEST_F(TorchScriptMerge, TheMergeVerbWritesTheModuleAndItsRecord) {
  const std::string out = dir + "/merged.pt";
  Ran r = Gauntlet("merge --method task_arithmetic --param alpha=0.5 --base " + base + " --experts " + first + "," +
                   second + " --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("wrote " + out + " (TorchScript module)"), std::string::npos) << r.out;
  auto merged = LoadTorchScriptParameters(out);
  ASSERT_TRUE(merged.ok()) << merged.error().message;
  EXPECT_EQ(List(merged.value().at("enc.weight")), (std::vector<double>{3, 2}));
  EXPECT_EQ(List(merged.value().at("head")), (std::vector<double>{1, 2}));
  std::ifstream record_file(out + ".json");
  const nlohmann::json record = nlohmann::json::parse(record_file);
  EXPECT_EQ(record["method"], "task_arithmetic");
  EXPECT_EQ(record["output"]["kind"], "torchscript");
  EXPECT_NE(record.dump().find("\"alpha\""), std::string::npos) << record.dump();

  Ran method = Gauntlet("merge --method soup --base " + base + " --experts " + first + " --out " + out);
  EXPECT_EQ(method.exit_code, 2);
  EXPECT_NE(method.err.find("ties"), std::string::npos) << method.err;  // the known methods are listed
  Ran key = Gauntlet("merge --method ties --param densty=0.3 --base " + base + " --experts " + first + " --out " + out);
  EXPECT_EQ(key.exit_code, 2);
  EXPECT_NE(key.err.find("densty"), std::string::npos) << key.err;
  Ran missing = Gauntlet("merge --method average --base " + dir + "/nowhere.pt --experts " + first + " --out " + out);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nowhere.pt"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace gauntlet::merging
