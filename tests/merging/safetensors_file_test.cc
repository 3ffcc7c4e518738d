// safetensors checkpoints: files gauntlet writes read back bit for bit by a
// reader written here from the format's published description (8-byte
// little-endian header length, JSON header, data buffer addressed by
// data_offsets), files written here by hand read by gauntlet as views,
// sharded checkpoints through their index, and hostile headers refused with
// the file and tensor named.
#include "merging/safetensors_file.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "tests/test_support.h"

namespace gauntlet::merging {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string LittleEndian64(uint64_t value) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((value >> (8 * i)) & 0xff);
  return out;
}

// A file as the format describes it, from a header text and a data buffer.
std::string FileBytes(const std::string& header, const std::string& data) {
  return LittleEndian64(header.size()) + header + data;
}

std::string RawBytes(const at::Tensor& t) {
  const at::Tensor c = t.contiguous();
  return std::string(static_cast<const char*>(c.data_ptr()), c.nbytes());
}

// The test's own reader: what the published description says, nothing of gauntlet's.
struct ReadBack {
  nlohmann::json header;
  uint64_t header_length = 0;
  std::string data;  // the buffer after the header
  std::string Bytes(const std::string& name) const {
    const auto& offsets = header.at(name).at("data_offsets");
    return data.substr(offsets[0].get<uint64_t>(), offsets[1].get<uint64_t>() - offsets[0].get<uint64_t>());
  }
};

ReadBack ReadByDescription(const std::string& path) {
  const std::string bytes = ReadFile(path);
  ReadBack out;
  for (int i = 7; i >= 0; --i) out.header_length = (out.header_length << 8) | static_cast<unsigned char>(bytes[i]);
  out.header = nlohmann::json::parse(bytes.substr(8, out.header_length));
  out.data = bytes.substr(8 + out.header_length);
  return out;
}

void ExpectErrorMentions(const std::string& message, std::initializer_list<std::string> parts) {
  for (const std::string& part : parts) EXPECT_NE(message.find(part), std::string::npos) << message << "\n  lacks: " << part;
}

ParameterMap Sample() {
  ParameterMap map("sample");
  map.Add("blocks.0.attn.q.weight", (at::arange(12, at::kFloat).reshape({3, 4}) / 7).to(at::kBFloat16));
  map.Add("blocks.0.norm.weight", at::arange(3, at::kFloat) / 3 + 1);
  map.Add("blocks.0.mlp.bias", (at::arange(5, at::kFloat) - 2).to(at::kHalf));
  map.Add("steps", at::tensor({7}, at::kLong));
  map.Add("mask", at::tensor({1, 0, 1}, at::kByte).to(at::kBool));
  map.Add("scalar", at::scalar_tensor(2.5, at::kDouble));
  map.Add("empty", at::empty({0, 4}, at::kFloat));
  return map;
}

TEST(Safetensors, WrittenFilesReadBackByTheFormatsDescription) {
  const std::string path = testing::TempDir("safetensors") + "/model.safetensors";
  const ParameterMap map = Sample();
  ASSERT_TRUE(SaveSafetensors(map, path, {{"format", "pt"}, {"method", "ties"}}).ok());
  const ReadBack file = ReadByDescription(path);
  EXPECT_EQ(file.header_length % 8, 0u);  // data starts 8-byte aligned
  EXPECT_EQ(file.header.at("__metadata__"), (nlohmann::json{{"format", "pt"}, {"method", "ties"}}));
  const std::map<std::string, std::string> dtypes = {{"blocks.0.attn.q.weight", "BF16"}, {"blocks.0.norm.weight", "F32"},
                                                     {"blocks.0.mlp.bias", "F16"},       {"steps", "I64"},
                                                     {"mask", "BOOL"},                   {"scalar", "F64"},
                                                     {"empty", "F32"}};
  uint64_t covered = 0;
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (const auto& [name, tensor] : map.entries()) {
    const nlohmann::json& entry = file.header.at(name);
    EXPECT_EQ(entry.at("dtype"), dtypes.at(name)) << name;
    EXPECT_EQ(entry.at("shape").get<std::vector<int64_t>>(), tensor.sizes().vec()) << name;
    EXPECT_EQ(file.Bytes(name), RawBytes(tensor)) << name;
    const uint64_t begin = entry.at("data_offsets")[0];
    EXPECT_EQ(begin % tensor.element_size(), 0u) << name << " is not aligned to its element size";
    ranges.emplace_back(begin, entry.at("data_offsets")[1].get<uint64_t>());
    covered += ranges.back().second - ranges.back().first;
  }
  std::sort(ranges.begin(), ranges.end());
  for (size_t i = 1; i < ranges.size(); ++i) EXPECT_EQ(ranges[i].first, ranges[i - 1].second);  // no holes
  EXPECT_EQ(covered, file.data.size());
}

TEST(Safetensors, ReadsHandWrittenFilesAsViewsOfTheMapping) {
  const std::string dir = testing::TempDir("safetensors-read");
  const at::Tensor w = at::arange(6, at::kFloat).reshape({2, 3}) * 0.25;
  const at::Tensor b = (at::arange(4, at::kFloat) - 1).to(at::kBFloat16);
  // Unsorted keys, tensors stored in the reverse of key order, no padding
  // but a header whose length is a multiple of 4.
  std::string header = R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":[8,32]},)"
                       R"("__metadata__":{"format":"pt"},"b":{"dtype":"BF16","shape":[4],"data_offsets":[0,8]}})";
  header.append((4 - header.size() % 4) % 4, ' ');
  WriteFile(dir + "/a.safetensors", FileBytes(header, RawBytes(b) + RawBytes(w)));
  auto file = SafetensorsFile::Open(dir + "/a.safetensors");
  ASSERT_TRUE(file.ok()) << file.error().message;
  EXPECT_EQ(file.value().header().metadata, (SafetensorsMetadata{{"format", "pt"}}));
  const ParameterMap map = file.value().Tensors();
  ASSERT_EQ(map.names(), (std::vector<std::string>{"b", "w"}));  // data order
  EXPECT_TRUE(at::equal(map.at("w"), w));
  EXPECT_TRUE(at::equal(map.at("b"), b));
  EXPECT_FALSE(map.at("w").storage().resizable());  // a view of the mapping, not a copy

  // The same data after a header of 2 mod 4 bytes: the F32 tensor is misaligned in
  // memory and comes back as an (aligned) copy with the same values.
  std::string odd = R"({"b":{"dtype":"BF16","shape":[4],"data_offsets":[0,8]},)"
                    R"("w":{"dtype":"F32","shape":[2,3],"data_offsets":[8,32]}})";
  while ((8 + odd.size()) % 4 != 2) odd += ' ';
  WriteFile(dir + "/odd.safetensors", FileBytes(odd, RawBytes(b) + RawBytes(w)));
  auto misaligned = LoadSafetensors(dir + "/odd.safetensors");
  ASSERT_TRUE(misaligned.ok()) << misaligned.error().message;
  EXPECT_TRUE(at::equal(misaligned.value().at("w"), w));
  EXPECT_TRUE(misaligned.value().at("w").storage().resizable());      // a copy
  EXPECT_FALSE(misaligned.value().at("b").storage().resizable());     // still a view
}

TEST(Safetensors, ShardedCheckpointsWriteAnIndexAndLoadThroughIt) {
  const std::string dir = testing::TempDir("safetensors-sharded");
  ParameterMap map("m");
  for (int i = 0; i < 5; ++i) map.Add("layer." + std::to_string(i) + ".weight", at::full({16, 16}, i, at::kFloat));
  map.Add("layer.5.bias", at::ones({16}, at::kBFloat16));
  // 1 KiB per weight: two weights per shard of at most 2.5 KiB.
  ASSERT_TRUE(SaveSafetensors(map, dir + "/model.safetensors", {{"format", "pt"}}, 2560).ok());
  EXPECT_FALSE(fs::exists(dir + "/model.safetensors"));
  for (const char* name : {"model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
                           "model-00003-of-00003.safetensors", "model.safetensors.index.json"}) {
    EXPECT_TRUE(fs::exists(dir + "/" + name)) << name;
  }
  const nlohmann::json index = nlohmann::json::parse(ReadFile(dir + "/model.safetensors.index.json"));
  EXPECT_EQ(index.at("metadata").at("total_size"), 5 * 1024 + 32);
  EXPECT_EQ(index.at("weight_map").at("layer.0.weight"), "model-00001-of-00003.safetensors");
  EXPECT_EQ(index.at("weight_map").at("layer.5.bias"), "model-00003-of-00003.safetensors");
  EXPECT_EQ(ReadByDescription(dir + "/model-00002-of-00003.safetensors").header.at("layer.3.weight").at("dtype"), "F32");
  for (const std::string& path : {dir, dir + "/model.safetensors.index.json"}) {
    EXPECT_TRUE(IsSafetensorsCheckpoint(path));
    auto loaded = LoadSafetensors(path);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    ASSERT_EQ(loaded.value().size(), map.size());
    for (const auto& [name, tensor] : map.entries()) EXPECT_TRUE(at::equal(loaded.value().at(name), tensor)) << name;
  }
  // The writer takes tensors in any order, each written at its offset.
  auto writer = SafetensorsWriter::Open(dir + "/two.safetensors",
                                        {{"a", at::kFloat, {2}}, {"b", at::kHalf, {3}}}, {});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(writer.value()->Put("b", at::ones({3}, at::kHalf)).ok());
  ExpectErrorMentions(writer.value()->Put("a", at::ones({3}, at::kFloat)).message(), {"'a'", "[3]", "[2]"});
  ExpectErrorMentions(writer.value()->Finish().error().message, {"'a'", "never written"});
  ASSERT_TRUE(writer.value()->Put("a", at::full({2}, 3.0, at::kFloat)).ok());
  ASSERT_TRUE(writer.value()->Finish().ok());
  EXPECT_TRUE(at::equal(LoadSafetensors(dir + "/two.safetensors").value().at("a"), at::full({2}, 3.0, at::kFloat)));
}

// Writes `header` + `data` as a file and returns the error of opening it.
std::string OpenError(const std::string& dir, const std::string& name, const std::string& bytes) {
  WriteFile(dir + "/" + name, bytes);
  auto file = SafetensorsFile::Open(dir + "/" + name);
  EXPECT_FALSE(file.ok()) << name << " was accepted";
  return file.ok() ? "" : file.error().message;
}

TEST(Safetensors, HostileHeadersAreRefusedNamingFileAndTensor) {
  const std::string dir = testing::TempDir("safetensors-hostile");
  const std::string data(24, '\0');  // 6 floats
  const auto file = [&](const std::string& header, const std::string& buffer) { return FileBytes(header, buffer); };
  const std::string good = R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}})";
  ASSERT_TRUE(SafetensorsFile::Open((WriteFile(dir + "/good.safetensors", file(good, data)), dir + "/good.safetensors")).ok());

  ExpectErrorMentions(OpenError(dir, "short.safetensors", "abc"), {"short.safetensors", "too short"});
  ExpectErrorMentions(OpenError(dir, "huge.safetensors", LittleEndian64(uint64_t{1} << 40) + good),
                      {"huge.safetensors", "100 MiB"});
  ExpectErrorMentions(OpenError(dir, "past.safetensors", LittleEndian64(4096) + good),
                      {"past.safetensors", "runs past the end", "truncated"});
  ExpectErrorMentions(OpenError(dir, "json.safetensors", file("{\"w\": [", data)), {"json.safetensors", "not valid JSON"});
  ExpectErrorMentions(OpenError(dir, "array.safetensors", file("[1, 2]", data)), {"not a JSON object"});
  ExpectErrorMentions(
      OpenError(dir, "twice.safetensors",
                file(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},"w":{"dtype":"F32","shape":[3],"data_offsets":[12,24]}})",
                     data)),
      {"twice.safetensors", "'w' twice"});
  ExpectErrorMentions(
      OpenError(dir, "dtype.safetensors", file(R"({"w":{"dtype":"F33","shape":[6],"data_offsets":[0,24]}})", data)),
      {"dtype.safetensors", "'w'", "unknown dtype \"F33\""});
  ExpectErrorMentions(
      OpenError(dir, "fp8.safetensors", file(R"({"w":{"dtype":"F8_E4M3","shape":[24],"data_offsets":[0,24]}})", data)),
      {"'w'", "F8_E4M3", "no LibTorch"});
  ExpectErrorMentions(
      OpenError(dir, "shape.safetensors", file(R"({"w":{"dtype":"F32","shape":[-2,3],"data_offsets":[0,24]}})", data)),
      {"'w'", "shape [-2,3]"});
  ExpectErrorMentions(
      OpenError(dir, "overflow.safetensors",
                file(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,24]}})", data)),
      {"'w'", "overflows"});
  ExpectErrorMentions(
      OpenError(dir, "size.safetensors", file(R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,24]}})", data)),
      {"size.safetensors", "'w'", "span 24 bytes", "needs 16"});
  ExpectErrorMentions(
      OpenError(dir, "offsets.safetensors", file(R"({"w":{"dtype":"F32","shape":[6],"data_offsets":[0]}})", data)),
      {"'w'", "data_offsets"});
  ExpectErrorMentions(
      OpenError(dir, "overlap.safetensors",
                file(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}})",
                     data)),
      {"overlap.safetensors", "'b'", "overlap tensor 'a'", "lies"});
  ExpectErrorMentions(
      OpenError(dir, "hole.safetensors",
                file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[16,24]}})",
                     data)),
      {"'b'", "bytes [8, 16)", "no tensor"});
  ExpectErrorMentions(OpenError(dir, "tail.safetensors", file(good, data + "polyglot")),
                      {"tail.safetensors", "8 bytes after the last tensor"});
  ExpectErrorMentions(
      OpenError(dir, "metadata.safetensors", file(R"({"__metadata__":{"step":3},"w":{"dtype":"F32","shape":[6],"data_offsets":[0,24]}})", data)),
      {"__metadata__.step", "not a string"});
  // A file cut short: the last tensor runs past the end of what is left.
  const std::string whole = ReadFile(dir + "/good.safetensors");
  ExpectErrorMentions(OpenError(dir, "cut.safetensors", whole.substr(0, whole.size() - 5)),
                      {"cut.safetensors", "tensor 'w'", "run past the end of the data (19 bytes", "truncated"});
}

TEST(Safetensors, BrokenIndexesAreRefusedNamingTheShard) {
  const std::string dir = testing::TempDir("safetensors-index");
  ParameterMap map("m");
  map.Add("a", at::ones({4}));
  map.Add("b", at::zeros({4}));
  map.Add("c", at::zeros({4}));
  ASSERT_TRUE(SaveSafetensors(map, dir + "/model.safetensors", {}, 32).ok());  // [a, b], [c]
  const std::string index_path = dir + "/model.safetensors.index.json";
  const nlohmann::json index = nlohmann::json::parse(ReadFile(index_path));
  const auto with = [&](const std::string& name, const nlohmann::json& weight_map) {
    nlohmann::json changed = index;
    changed["weight_map"] = weight_map;
    WriteFile(dir + "/" + name, changed.dump());
    auto loaded = LoadSafetensors(dir + "/" + name);
    EXPECT_FALSE(loaded.ok()) << name;
    return loaded.ok() ? std::string() : loaded.error().message;
  };
  const std::string first = "model-00001-of-00002.safetensors", second = "model-00002-of-00002.safetensors";
  ExpectErrorMentions(with("missing.index.json", {{"a", first}, {"b", first}, {"c", "gone.safetensors"}}),
                      {"missing.index.json", "gone.safetensors", "'c'", "missing"});
  ExpectErrorMentions(with("moved.index.json", {{"a", first}, {"b", second}, {"c", second}}),
                      {first, "holds 'b'", "puts in \"" + second + "\""});
  ExpectErrorMentions(with("unnamed.index.json", {{"a", first}, {"c", second}}), {first, "holds 'b'", "does not name"});
  ExpectErrorMentions(with("absent.index.json", {{"a", first}, {"b", first}, {"c", first}}),
                      {"names 'c' in " + first, "which does not hold it"});
  ExpectErrorMentions(with("escape.index.json", {{"a", "../model-00001-of-00002.safetensors"}}),
                      {"'a'", "not a file beside the index"});
}

}  // namespace
}  // namespace gauntlet::merging
