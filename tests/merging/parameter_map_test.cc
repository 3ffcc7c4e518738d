// ParameterMap: order and lookup, tensor files (torch::pickle_save of a dict)
// round trip and refusals, task vectors.
#include "merging/parameter_map.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/script.h>

#include <filesystem>
#include <fstream>

#include "tests/test_support.h"

namespace gauntlet::merging {
namespace {

at::Tensor Values(std::vector<double> values) { return at::tensor(values, at::kDouble); }

TEST(ParameterMap, KeepsInsertionOrderAndFindsByName) {
  ParameterMap map("m.pt");
  map.Add("z.w", at::zeros({2, 3}));
  map.Add("a.w", at::zeros({4}));
  EXPECT_EQ(map.names(), (std::vector<std::string>{"z.w", "a.w"}));
  EXPECT_EQ(map.numel(), 10);
  EXPECT_TRUE(map.contains("a.w"));
  EXPECT_EQ(map.find("b.w"), nullptr);
  EXPECT_EQ(map.at("z.w").numel(), 6);
  EXPECT_THROW(map.Add("a.w", at::zeros({1})), InvariantError);
  EXPECT_THROW(map.at("b.w"), InvariantError);
}

TEST(TensorFile, RoundTripKeepsNamesOrderDtypesAndValues) {
  const std::string path = testing::TempDir("tensor-file") + "/params.pt";
  ParameterMap map("in memory");
  map.Add("layer.1.weight", at::arange(6, at::kFloat).reshape({2, 3}));
  map.Add("layer.0.bias", Values({0.5, -1}));
  map.Add("steps", at::tensor({7}, at::kLong));
  ASSERT_TRUE(SaveTensorFile(map, path).ok());
  auto loaded = LoadTensorFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded.value().source(), path);
  EXPECT_EQ(loaded.value().names(), map.names());
  for (const auto& [name, tensor] : map.entries()) {
    EXPECT_EQ(loaded.value().at(name).scalar_type(), tensor.scalar_type()) << name;
    EXPECT_TRUE(at::equal(loaded.value().at(name), tensor)) << name;
  }
  auto detected = LoadParameters(path);
  ASSERT_TRUE(detected.ok()) << detected.error().message;
  EXPECT_EQ(detected.value().names(), map.names());
}

TEST(TensorFile, RefusalsNameTheFile) {
  const std::string dir = testing::TempDir("tensor-file-bad");
  auto expect_error = [](const Result<ParameterMap>& result, const std::string& path, const std::string& what) {
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.error().message.find(path), std::string::npos) << result.error().message;
    EXPECT_NE(result.error().message.find(what), std::string::npos) << result.error().message;
  };
  expect_error(LoadTensorFile(dir + "/missing.pt"), dir + "/missing.pt", "cannot open");
  {
    std::ofstream(dir + "/text.pt") << "not a pickle";
  }
  expect_error(LoadTensorFile(dir + "/text.pt"), dir + "/text.pt", "not a tensor file");
  expect_error(LoadParameters(dir + "/text.pt"), dir + "/text.pt", "neither a TorchScript module nor a tensor file");
  auto write = [&](const std::string& name, const c10::IValue& value) {
    const std::vector<char> bytes = torch::jit::pickle_save(value);
    std::ofstream(dir + "/" + name, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return dir + "/" + name;
  };
  const std::string tensor = write("tensor.pt", at::zeros({2}));
  expect_error(LoadTensorFile(tensor), tensor, "not a dict");
  c10::Dict<std::string, int64_t> ints;
  ints.insert("w", 3);
  const std::string not_tensors = write("ints.pt", ints);
  expect_error(LoadTensorFile(not_tensors), not_tensors, "'w' holds a Int, not a Tensor");
}

TEST(TaskVectors, AreExpertMinusBaseInTheComputeType) {
  EXPECT_EQ(ComputeType(at::kDouble), at::kDouble);
  EXPECT_EQ(ComputeType(at::kFloat), at::kFloat);
  EXPECT_EQ(ComputeType(at::kHalf), at::kFloat);
  EXPECT_EQ(ComputeType(at::kBFloat16), at::kFloat);
  const at::Tensor tau = TaskVector(Values({1.5, 2.0}).to(at::kHalf), Values({1.0, 3.0}).to(at::kHalf));
  EXPECT_EQ(tau.scalar_type(), at::kFloat);
  EXPECT_TRUE(at::equal(tau, at::tensor({0.5, -1.0}, at::kFloat)));

  ParameterMap base("base"), expert("expert");
  base.Add("w", Values({1, 2}));
  base.Add("steps", at::tensor({1}, at::kLong));
  expert.Add("w", Values({4, 0}));
  expert.Add("steps", at::tensor({5}, at::kLong));
  auto vectors = ComputeTaskVectors(base, expert);
  ASSERT_TRUE(vectors.ok()) << vectors.error().message;
  EXPECT_EQ(vectors.value().names(), (std::vector<std::string>{"w"}));  // integers are not task vectors
  EXPECT_TRUE(at::equal(vectors.value().at("w"), Values({3, -2})));
  ParameterMap other("other");
  other.Add("w", Values({4, 0, 1}));
  other.Add("steps", at::tensor({5}, at::kLong));
  ASSERT_FALSE(ComputeTaskVectors(base, other).ok());
}

}  // namespace
}  // namespace gauntlet::merging
