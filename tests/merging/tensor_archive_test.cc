// Tensor archives: raw records read back as views, bit-packed masks, and
// damaged files refused with the record named.
#include "merging/tensor_archive.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/test_support.h"

namespace gauntlet::merging {
namespace {

TEST(TensorArchive, RecordsReadBackBitForBitAndMasksUnpack) {
  const std::string path = testing::TempDir("tensor-archive") + "/a.tensors";
  const at::Tensor weights = at::arange(12, at::kFloat).reshape({3, 4}) / 7;
  const at::Tensor half = at::arange(5, at::kDouble).to(at::kBFloat16);
  const at::Tensor mask = at::tensor({1, 0, 0, 1, 1, 1, 0, 1, 0, 1, 1}, at::kByte).to(at::kBool).reshape({11});
  nlohmann::json index = nlohmann::json::array();
  {
    TensorArchiveWriter writer(path);
    index.push_back(writer.Put("w", "weights", weights).value());
    index.push_back(writer.Put("h", "half", half).value());
    index.push_back(writer.Put("m", "mask", mask, /*packbits=*/true).value());
    EXPECT_FALSE(writer.Put("x", "floats", weights, /*packbits=*/true).ok());  // only bool packs
    writer.Finish("index.json", index);
  }
  EXPECT_EQ(index[2]["bytes"], 2);  // 11 bits in 2 bytes
  EXPECT_EQ(index[1]["dtype"], "bfloat16");
  auto archive = TensorArchive::Open(path);
  ASSERT_TRUE(archive.ok()) << archive.error().message;
  EXPECT_EQ(nlohmann::json::parse(archive.value().ReadText("index.json").value()), index);
  auto w = archive.value().Tensor(index[0]);
  ASSERT_TRUE(w.ok()) << w.error().message;
  EXPECT_TRUE(at::equal(w.value(), weights));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(w.value().data_ptr()) % 64, 0u);  // aligned views into the mapping
  EXPECT_TRUE(at::equal(archive.value().Tensor(index[1]).value(), half));
  EXPECT_TRUE(at::equal(archive.value().Tensor(index[2]).value(), mask));
  // A view outlives its archive object: the mapping goes with the tensor.
  at::Tensor kept;
  {
    auto again = TensorArchive::Open(path);
    kept = again.value().Tensor(index[0]).value();
  }
  EXPECT_TRUE(at::equal(kept, weights));
}

TEST(TensorArchive, DamagedEntriesAndFilesAreNamed) {
  const std::string dir = testing::TempDir("tensor-archive-bad");
  const std::string path = dir + "/a.tensors";
  nlohmann::json entry;
  {
    TensorArchiveWriter writer(path);
    entry = writer.Put("w", "weights", at::ones({4, 4})).value();
    writer.Finish("index.json", nlohmann::json::array({entry}));
  }
  auto archive = TensorArchive::Open(path);
  ASSERT_TRUE(archive.ok());
  nlohmann::json wrong = entry;
  wrong["shape"] = {5, 4};
  auto shape = archive.value().Tensor(wrong);
  ASSERT_FALSE(shape.ok());
  EXPECT_NE(shape.error().message.find("record w of 'weights'"), std::string::npos) << shape.error().message;
  wrong = entry;
  wrong["dtype"] = "complex64";
  EXPECT_NE(archive.value().Tensor(wrong).error().message.find("unknown dtype"), std::string::npos);
  wrong = entry;
  wrong["record"] = "nowhere";
  EXPECT_NE(archive.value().Tensor(wrong).error().message.find("no record nowhere"), std::string::npos);
  std::ofstream(dir + "/notes.txt") << "not an archive";
  auto notes = TensorArchive::Open(dir + "/notes.txt");
  ASSERT_FALSE(notes.ok());
  EXPECT_NE(notes.error().message.find("notes.txt"), std::string::npos);
}

TEST(TensorArchive, ShardsMapBackToTheSameParameterMap) {
  const std::string path = testing::TempDir("tensor-shard") + "/s.tensors";
  ParameterMap map("model.pt");
  map.Add("enc.weight", at::randn({8, 3}));
  map.Add("enc.steps", at::tensor({int64_t{7}}));
  ASSERT_TRUE(WriteTensorShard(map, path).ok());
  auto mapped = MapTensorShard(path, "model.pt");
  ASSERT_TRUE(mapped.ok()) << mapped.error().message;
  EXPECT_EQ(mapped.value().names(), map.names());
  EXPECT_EQ(mapped.value().source(), "model.pt");
  for (const auto& [name, tensor] : map.entries()) EXPECT_TRUE(at::equal(mapped.value().at(name), tensor)) << name;
}

}  // namespace
}  // namespace gauntlet::merging
