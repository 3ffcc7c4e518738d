// NumPy values inside msgpack, as openpi's policy servers write them
// (openpi-client's msgpack_numpy): an array is the map
//   {"__ndarray__": true, "data": <bin: the raw bytes, C order>,
//    "dtype": <str: numpy's dtype.str, e.g. "<f4", "|u1">, "shape": [d0, d1, ...]}
// and a NumPy scalar the map {"__npgeneric__": true, "data": <the value>,
// "dtype": <str>}. Python writes these keys as bin (b"__ndarray__") and its
// decoder only recognises them as bin, so they are packed as bin here; on
// decoding a key may be str or bin. Void, object and complex dtypes are refused
// on both sides (openpi does the same, so pickle never enters the protocol).
#pragma once

#include <cstddef>
#include <cstdint>
#include <msgpack.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "harness/result.h"

namespace gauntlet::policies::remote {

using Packer = msgpack::packer<msgpack::sbuffer>;

// A parsed numpy type string ("<f4", ">i8", "|u1", "|b1").
struct Dtype {
  char kind = 0;       // 'b' bool, 'i' signed, 'u' unsigned, 'f' float (others are refused)
  int itemsize = 0;    // bytes per element
  bool little_endian = true;
  std::string str;     // as written
};

// Only the kinds the harness can turn into numbers: b1, i1-i8, u1-u8, f2-f8.
// Void ('V'), object ('O') and complex ('c') are refused by name.
Result<Dtype> ParseDtype(const std::string& text);

// A decoded array. `data` points into the msgpack object's zone: it lives as
// long as the object_handle it came from.
struct NdArray {
  Dtype dtype;
  std::vector<std::int64_t> shape;
  const char* data = nullptr;
  std::size_t bytes = 0;  // = itemsize * product(shape)

  std::size_t size() const { return dtype.itemsize ? bytes / dtype.itemsize : 0; }
  // The elements as float64, in C order, whatever the dtype's kind and byte order.
  std::vector<double> ToDoubles() const;
};

// The value under `key` in a msgpack map, whether the key is str or bin; null
// when `map` is not a map or has no such key.
const msgpack::object* FindKey(const msgpack::object& map, std::string_view key);

bool IsNdArray(const msgpack::object& object);
bool IsNpGeneric(const msgpack::object& object);

// Checks the tag, the dtype, the shape and that the data holds exactly
// itemsize * product(shape) bytes.
Result<NdArray> DecodeNdArray(const msgpack::object& object);

// A number written either plainly (int, float, bool) or as a NumPy scalar.
Result<double> DecodeNumber(const msgpack::object& object);

// A JSON picture of any msgpack value: maps (str or bin keys) become objects,
// NumPy scalars their value, and arrays a summary {"ndarray": {"dtype", "shape"}}
// so that a server's metadata can be stored without its weights. bin values
// become {"bytes": n}; nesting deeper than 32 levels becomes "...".
nlohmann::json ToJson(const msgpack::object& object);

// Unpacks one whole message; trailing bytes, and counts a message this size
// cannot hold (a corrupt header), are errors.
Result<msgpack::object_handle> Unpack(const char* data, std::size_t size);

void PackKey(Packer& packer, std::string_view key);    // a str key
void PackString(Packer& packer, std::string_view value);
// Packs an array; `dtype` must satisfy ParseDtype, `bytes` match the shape.
void PackNdArray(Packer& packer, std::string_view dtype, const std::vector<std::int64_t>& shape,
                 const void* data, std::size_t bytes);

}  // namespace gauntlet::policies::remote
