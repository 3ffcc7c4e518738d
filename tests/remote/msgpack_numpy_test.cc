#include "policies/remote/msgpack_numpy.h"

#include <gtest/gtest.h>

#include <cstring>

namespace gauntlet::policies::remote {
namespace {

msgpack::object_handle PackedArray(const std::string& dtype, const std::vector<std::int64_t>& shape,
                                   const void* data, size_t bytes) {
  msgpack::sbuffer buffer;
  Packer packer(&buffer);
  PackNdArray(packer, dtype, shape, data, bytes);
  auto unpacked = Unpack(buffer.data(), buffer.size());
  EXPECT_TRUE(unpacked.ok()) << unpacked.error().message;
  return std::move(unpacked).value();
}

// A tagged array written by hand, with str keys (as some peers write them).
msgpack::sbuffer StrKeyedArray(const std::string& dtype, const std::string& data, std::vector<int> shape) {
  msgpack::sbuffer buffer;
  Packer p(&buffer);
  p.pack_map(4);
  PackKey(p, "__ndarray__");
  p.pack_true();
  PackKey(p, "data");
  p.pack_bin(data.size());
  p.pack_bin_body(data.data(), data.size());
  PackKey(p, "dtype");
  PackString(p, dtype);
  PackKey(p, "shape");
  p.pack(shape);
  return buffer;
}

TEST(RemoteMsgpackNumpy, RoundTripKeepsDtypeShapeAndValues) {
  const std::vector<float> f4 = {0.5f, -1.25f, 3.0f, 1e-7f, 7.0f, -0.0f};
  const std::vector<double> f8 = {0.1, -0.2, 1e300, 4.0};
  const std::vector<std::uint8_t> u1 = {0, 1, 127, 128, 254, 255};
  auto a = PackedArray("<f4", {2, 3}, f4.data(), f4.size() * 4);
  auto b = PackedArray("<f8", {4}, f8.data(), f8.size() * 8);
  auto c = PackedArray("|u1", {1, 2, 3}, u1.data(), u1.size());
  auto da = DecodeNdArray(a.get()), db = DecodeNdArray(b.get()), dc = DecodeNdArray(c.get());
  ASSERT_TRUE(da.ok() && db.ok() && dc.ok());
  EXPECT_EQ(da.value().dtype.str, "<f4");
  EXPECT_EQ(da.value().shape, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(std::memcmp(da.value().data, f4.data(), 24), 0);
  EXPECT_EQ(da.value().ToDoubles(), std::vector<double>(f4.begin(), f4.end()));
  EXPECT_EQ(db.value().ToDoubles(), f8);
  EXPECT_EQ(dc.value().shape, (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(dc.value().ToDoubles(), std::vector<double>(u1.begin(), u1.end()));
}

TEST(RemoteMsgpackNumpy, TagKeysArePackedAsBinAndReadAsStrOrBin) {
  const double v = 2.5;
  auto packed = PackedArray("<f8", {1}, &v, 8);
  const msgpack::object& map = packed.get();
  ASSERT_EQ(map.type, msgpack::type::MAP);
  for (std::uint32_t i = 0; i < map.via.map.size; ++i) {
    EXPECT_EQ(map.via.map.ptr[i].key.type, msgpack::type::BIN) << "openpi's decoder looks for b\"__ndarray__\"";
  }
  const std::string bytes(reinterpret_cast<const char*>(&v), 8);
  auto buffer = StrKeyedArray("<f8", bytes, {1});
  auto unpacked = Unpack(buffer.data(), buffer.size());
  ASSERT_TRUE(unpacked.ok());
  auto decoded = DecodeNdArray(unpacked.value().get());
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded.value().ToDoubles(), std::vector<double>{2.5});
}

TEST(RemoteMsgpackNumpy, VoidObjectAndComplexDtypesAreRefused) {
  for (const std::string dtype : {"|V8", "|O", "|O8", "<c8", "<c16"}) {
    auto parsed = ParseDtype(dtype);
    ASSERT_FALSE(parsed.ok()) << dtype;
    EXPECT_NE(parsed.error().message.find("refused"), std::string::npos) << parsed.error().message;
  }
  auto buffer = StrKeyedArray("<c8", std::string(8, '\0'), {1});
  auto unpacked = Unpack(buffer.data(), buffer.size());
  ASSERT_TRUE(unpacked.ok());
  auto decoded = DecodeNdArray(unpacked.value().get());
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().message.find("complex"), std::string::npos) << decoded.error().message;
  EXPECT_FALSE(ParseDtype("<U4").ok());   // strings are not numbers
  EXPECT_FALSE(ParseDtype("<f2").ok());   // half floats are not supported
  EXPECT_FALSE(ParseDtype("f4").ok());    // no byte order
  EXPECT_FALSE(ParseDtype("<f").ok());
}

TEST(RemoteMsgpackNumpy, BigEndianSignedAndBoolArraysDecode) {
  const unsigned char be[8] = {0x3f, 0xf8, 0, 0, 0, 0, 0, 0};  // 1.5 as big-endian float64
  const auto big_endian = StrKeyedArray(">f8", std::string(reinterpret_cast<const char*>(be), 8), {1});
  auto a = Unpack(big_endian.data(), big_endian.size());
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(DecodeNdArray(a.value().get()).value().ToDoubles(), std::vector<double>{1.5});
  const std::int16_t i2[3] = {-2, 300, -32768};
  auto b = PackedArray("<i2", {3}, i2, sizeof i2);
  EXPECT_EQ(DecodeNdArray(b.get()).value().ToDoubles(), (std::vector<double>{-2, 300, -32768}));
  const std::uint8_t b1[2] = {0, 1};
  auto c = PackedArray("|b1", {2}, b1, 2);
  EXPECT_EQ(DecodeNdArray(c.get()).value().ToDoubles(), (std::vector<double>{0, 1}));
}

TEST(RemoteMsgpackNumpy, DataMustHoldExactlyTheShape) {
  const double v[3] = {1, 2, 3};
  auto short_data = PackedArray("<f8", {2, 2}, v, sizeof v);
  auto decoded = DecodeNdArray(short_data.get());
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().message.find("(2, 2)"), std::string::npos) << decoded.error().message;
  // A shape whose product overflows is caught before it is multiplied out.
  auto huge = PackedArray("<f8", {1LL << 40, 1LL << 40}, v, sizeof v);
  EXPECT_FALSE(DecodeNdArray(huge.get()).ok());
}

TEST(RemoteMsgpackNumpy, NumpyScalarsAndPlainNumbersDecode) {
  msgpack::sbuffer buffer;
  Packer p(&buffer);
  p.pack_array(3);
  p.pack_map(3);
  PackKey(p, "__npgeneric__");
  p.pack_true();
  PackKey(p, "data");
  p.pack_double(12.5);
  PackKey(p, "dtype");
  PackString(p, "<f8");
  p.pack_int(-3);
  p.pack_float(0.25f);
  auto unpacked = Unpack(buffer.data(), buffer.size());
  ASSERT_TRUE(unpacked.ok());
  const msgpack::object& arr = unpacked.value().get();
  EXPECT_EQ(DecodeNumber(arr.via.array.ptr[0]).value(), 12.5);
  EXPECT_EQ(DecodeNumber(arr.via.array.ptr[1]).value(), -3);
  EXPECT_EQ(DecodeNumber(arr.via.array.ptr[2]).value(), 0.25);
  EXPECT_EQ(ToJson(arr), nlohmann::json::parse("[12.5, -3, 0.25]"));
}

TEST(RemoteMsgpackNumpy, JsonPictureSummarisesArrays) {
  msgpack::sbuffer buffer;
  Packer p(&buffer);
  p.pack_map(3);
  PackKey(p, "name");
  PackString(p, "pi05_libero");
  PackKey(p, "norm");
  const float stats[6] = {};
  PackNdArray(p, "<f4", {2, 3}, stats, sizeof stats);
  PackKey(p, "blob");
  p.pack_bin(5);
  p.pack_bin_body("abcde", 5);
  auto unpacked = Unpack(buffer.data(), buffer.size());
  ASSERT_TRUE(unpacked.ok());
  EXPECT_EQ(ToJson(unpacked.value().get()),
            nlohmann::json::parse(R"({"name": "pi05_libero", "norm": {"ndarray": {"dtype": "<f4", "shape": [2, 3]}},
                                      "blob": {"bytes": 5}})"));
}

TEST(RemoteMsgpackNumpy, MalformedMessagesAreErrors) {
  const char garbage[] = "\xc1 not msgpack";
  auto a = Unpack(garbage, sizeof garbage - 1);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.error().message.find("malformed msgpack"), std::string::npos);
  const char trailing[] = "\x01\x02";  // two integers
  auto b = Unpack(trailing, 2);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("trailing"), std::string::npos) << b.error().message;
  const char truncated[] = "\x92\x01";  // an array of two with one element
  EXPECT_FALSE(Unpack(truncated, 2).ok());
  const char huge_map[] = "\xdf\xff\xff\xff\xff";  // a map header claiming 2^32 - 1 entries
  EXPECT_FALSE(Unpack(huge_map, 5).ok());
}

}  // namespace
}  // namespace gauntlet::policies::remote
