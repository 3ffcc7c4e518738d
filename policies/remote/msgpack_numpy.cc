#include "policies/remote/msgpack_numpy.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace gauntlet::policies::remote {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "arrays are packed in the host's byte order as '<'");

namespace {

std::string_view StringOf(const msgpack::object& o) {
  if (o.type == msgpack::type::STR) return {o.via.str.ptr, o.via.str.size};
  if (o.type == msgpack::type::BIN) return {o.via.bin.ptr, o.via.bin.size};
  return {};
}

bool IsStringLike(const msgpack::object& o) {
  return o.type == msgpack::type::STR || o.type == msgpack::type::BIN;
}

bool HasTrueTag(const msgpack::object& o, std::string_view tag) {
  const msgpack::object* v = FindKey(o, tag);
  return v && v->type == msgpack::type::BOOLEAN && v->via.boolean;
}

// The shape as written, or an error naming what is wrong with it.
Result<std::vector<std::int64_t>> DecodeShape(const msgpack::object& o) {
  if (o.type != msgpack::type::ARRAY) return Error{"ndarray 'shape' is not an array"};
  std::vector<std::int64_t> shape;
  for (std::uint32_t i = 0; i < o.via.array.size; ++i) {
    const msgpack::object& d = o.via.array.ptr[i];
    if (d.type != msgpack::type::POSITIVE_INTEGER) {
      return Error{"ndarray 'shape' entry " + std::to_string(i) + " is not a non-negative integer"};
    }
    if (d.via.u64 > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return Error{"ndarray 'shape' entry " + std::to_string(i) + " is too large"};
    }
    shape.push_back(static_cast<std::int64_t>(d.via.u64));
  }
  return shape;
}

std::string ShapeText(const std::vector<std::int64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

nlohmann::json ToJsonAt(const msgpack::object& o, int depth) {
  if (depth > 32) return "...";
  switch (o.type) {
    case msgpack::type::NIL: return nullptr;
    case msgpack::type::BOOLEAN: return o.via.boolean;
    case msgpack::type::POSITIVE_INTEGER: return o.via.u64;
    case msgpack::type::NEGATIVE_INTEGER: return o.via.i64;
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64: return o.via.f64;
    case msgpack::type::STR: return std::string(StringOf(o));
    case msgpack::type::BIN: return {{"bytes", o.via.bin.size}};
    case msgpack::type::EXT: return {{"ext", o.via.ext.type()}, {"bytes", o.via.ext.size}};
    case msgpack::type::ARRAY: {
      nlohmann::json a = nlohmann::json::array();
      for (std::uint32_t i = 0; i < o.via.array.size; ++i) a.push_back(ToJsonAt(o.via.array.ptr[i], depth + 1));
      return a;
    }
    case msgpack::type::MAP: {
      if (IsNdArray(o)) {
        const msgpack::object* dtype = FindKey(o, "dtype");
        const msgpack::object* shape = FindKey(o, "shape");
        return {{"ndarray", {{"dtype", dtype && IsStringLike(*dtype) ? nlohmann::json(std::string(StringOf(*dtype)))
                                                                    : nlohmann::json(nullptr)},
                             {"shape", shape ? ToJsonAt(*shape, depth + 1) : nullptr}}}};
      }
      if (IsNpGeneric(o)) {
        auto number = DecodeNumber(o);
        if (number.ok()) return number.value();
        const msgpack::object* data = FindKey(o, "data");
        return data ? ToJsonAt(*data, depth + 1) : nullptr;
      }
      nlohmann::json m = nlohmann::json::object();
      for (std::uint32_t i = 0; i < o.via.map.size; ++i) {
        const msgpack::object_kv& kv = o.via.map.ptr[i];
        const std::string key = IsStringLike(kv.key) ? std::string(StringOf(kv.key)) : ToJsonAt(kv.key, depth + 1).dump();
        m[key] = ToJsonAt(kv.val, depth + 1);
      }
      return m;
    }
  }
  return nullptr;
}

}  // namespace

Result<Dtype> ParseDtype(const std::string& text) {
  if (text.size() >= 2 && (text[1] == 'V' || text[1] == 'O' || text[1] == 'c')) {
    return Error{"dtype '" + text + "' is refused: void, object and complex arrays are never decoded"};
  }
  if (text.size() < 3) return Error{"dtype '" + text + "' is not a numpy type string like '<f4'"};
  Dtype d;
  d.str = text;
  const char order = text[0];
  if (order != '<' && order != '>' && order != '|' && order != '=') {
    return Error{"dtype '" + text + "': unknown byte order '" + std::string(1, order) + "'"};
  }
  d.little_endian = order != '>';
  d.kind = text[1];
  const std::string digits = text.substr(2);
  if (digits.empty() || digits.size() > 2 || !std::all_of(digits.begin(), digits.end(), ::isdigit)) {
    return Error{"dtype '" + text + "' is not a numpy type string like '<f4'"};
  }
  d.itemsize = std::stoi(digits);
  const bool known = (d.kind == 'b' && d.itemsize == 1) ||
                     ((d.kind == 'i' || d.kind == 'u') &&
                      (d.itemsize == 1 || d.itemsize == 2 || d.itemsize == 4 || d.itemsize == 8)) ||
                     (d.kind == 'f' && (d.itemsize == 4 || d.itemsize == 8));
  if (!known) {
    return Error{"dtype '" + text + "' is not supported (bool, int, uint 1-8 bytes, float 4 or 8 bytes)"};
  }
  return d;
}

std::vector<double> NdArray::ToDoubles() const {
  std::vector<double> out(size());
  const int n = dtype.itemsize;
  const bool swap = !dtype.little_endian && n > 1;
  unsigned char b[8];
  for (size_t i = 0; i < out.size(); ++i) {
    std::memcpy(b, data + i * n, n);
    if (swap) std::reverse(b, b + n);
    double v = 0;
    switch (dtype.kind) {
      case 'b': v = b[0] != 0; break;
      case 'f':
        if (n == 4) { float f; std::memcpy(&f, b, 4); v = f; }
        else { std::memcpy(&v, b, 8); }
        break;
      case 'u': {
        std::uint64_t u = 0;
        std::memcpy(&u, b, n);  // little-endian: the low bytes first
        v = static_cast<double>(u);
        break;
      }
      case 'i': {
        std::uint64_t u = 0;
        std::memcpy(&u, b, n);
        if (n < 8 && (u >> (8 * n - 1)) & 1) u |= ~std::uint64_t{0} << (8 * n);  // sign-extend
        v = static_cast<double>(static_cast<std::int64_t>(u));
        break;
      }
    }
    out[i] = v;
  }
  return out;
}

const msgpack::object* FindKey(const msgpack::object& map, std::string_view key) {
  if (map.type != msgpack::type::MAP) return nullptr;
  for (std::uint32_t i = 0; i < map.via.map.size; ++i) {
    const msgpack::object_kv& kv = map.via.map.ptr[i];
    if (IsStringLike(kv.key) && StringOf(kv.key) == key) return &kv.val;
  }
  return nullptr;
}

bool IsNdArray(const msgpack::object& object) { return HasTrueTag(object, "__ndarray__"); }
bool IsNpGeneric(const msgpack::object& object) { return HasTrueTag(object, "__npgeneric__"); }

Result<NdArray> DecodeNdArray(const msgpack::object& object) {
  if (!IsNdArray(object)) return Error{"not an ndarray (a map with \"__ndarray__\": true)"};
  const msgpack::object* data = FindKey(object, "data");
  const msgpack::object* dtype = FindKey(object, "dtype");
  const msgpack::object* shape = FindKey(object, "shape");
  if (!data || !dtype || !shape) return Error{"ndarray without 'data', 'dtype' or 'shape'"};
  if (!IsStringLike(*dtype)) return Error{"ndarray 'dtype' is not a string"};
  if (!IsStringLike(*data)) return Error{"ndarray 'data' is not bytes"};
  auto parsed = ParseDtype(std::string(StringOf(*dtype)));
  if (!parsed.ok()) return parsed.error();
  auto dims = DecodeShape(*shape);
  if (!dims.ok()) return dims.error();
  NdArray a;
  a.dtype = parsed.value();
  a.shape = dims.value();
  const std::string_view bytes = StringOf(*data);
  // The product is checked against the data's size factor by factor, so a
  // corrupt shape cannot overflow.
  std::uint64_t expected = static_cast<std::uint64_t>(a.dtype.itemsize);
  for (std::int64_t d : a.shape) {
    if (d != 0 && expected > bytes.size() / static_cast<std::uint64_t>(d)) {
      return Error{"ndarray of shape " + ShapeText(a.shape) + " and dtype " + a.dtype.str + " needs more than the " +
                   std::to_string(bytes.size()) + " bytes of its data"};
    }
    expected *= static_cast<std::uint64_t>(d);
  }
  if (expected != bytes.size()) {
    return Error{"ndarray of shape " + ShapeText(a.shape) + " and dtype " + a.dtype.str + " needs " +
                 std::to_string(expected) + " bytes, its data has " + std::to_string(bytes.size())};
  }
  a.data = bytes.data();
  a.bytes = bytes.size();
  return a;
}

Result<double> DecodeNumber(const msgpack::object& object) {
  switch (object.type) {
    case msgpack::type::BOOLEAN: return object.via.boolean ? 1.0 : 0.0;
    case msgpack::type::POSITIVE_INTEGER: return static_cast<double>(object.via.u64);
    case msgpack::type::NEGATIVE_INTEGER: return static_cast<double>(object.via.i64);
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64: return object.via.f64;
    default: break;
  }
  if (IsNpGeneric(object)) {
    const msgpack::object* dtype = FindKey(object, "dtype");
    if (!dtype || !IsStringLike(*dtype)) return Error{"numpy scalar without a 'dtype' string"};
    auto parsed = ParseDtype(std::string(StringOf(*dtype)));
    if (!parsed.ok()) return parsed.error();
    const msgpack::object* data = FindKey(object, "data");
    if (!data || IsNpGeneric(*data)) return Error{"numpy scalar without a plain 'data' value"};
    return DecodeNumber(*data);
  }
  return Error{"not a number"};
}

nlohmann::json ToJson(const msgpack::object& object) { return ToJsonAt(object, 0); }

Result<msgpack::object_handle> Unpack(const char* data, std::size_t size) {
  // No count in a message can exceed its byte size; the default limits (2^32)
  // would let a corrupt header ask for gigabytes.
  const std::size_t n = std::max<std::size_t>(size, 1);
  const msgpack::unpack_limit limit(n, n, n, n, n, 64);
  try {
    std::size_t offset = 0;
    msgpack::object_handle handle = msgpack::unpack(data, size, offset, nullptr, nullptr, limit);
    if (offset != size) {
      return Error{"malformed msgpack: " + std::to_string(size - offset) + " trailing bytes after the message"};
    }
    return handle;
  } catch (const std::exception& e) {
    return Error{std::string("malformed msgpack: ") + e.what()};
  }
}

void PackKey(Packer& packer, std::string_view key) { PackString(packer, key); }

void PackString(Packer& packer, std::string_view value) {
  packer.pack_str(static_cast<std::uint32_t>(value.size()));
  packer.pack_str_body(value.data(), static_cast<std::uint32_t>(value.size()));
}

namespace {
void PackBinKey(Packer& packer, std::string_view key) {
  packer.pack_bin(static_cast<std::uint32_t>(key.size()));
  packer.pack_bin_body(key.data(), static_cast<std::uint32_t>(key.size()));
}
}  // namespace

void PackNdArray(Packer& packer, std::string_view dtype, const std::vector<std::int64_t>& shape,
                 const void* data, std::size_t bytes) {
  packer.pack_map(4);
  PackBinKey(packer, "__ndarray__");
  packer.pack_true();
  PackBinKey(packer, "data");
  packer.pack_bin(static_cast<std::uint32_t>(bytes));
  packer.pack_bin_body(static_cast<const char*>(data), static_cast<std::uint32_t>(bytes));
  PackBinKey(packer, "dtype");
  PackString(packer, dtype);
  PackBinKey(packer, "shape");
  packer.pack_array(static_cast<std::uint32_t>(shape.size()));
  for (std::int64_t d : shape) packer.pack_int64(d);
}

}  // namespace gauntlet::policies::remote
