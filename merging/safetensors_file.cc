#include "merging/safetensors_file.h"

#include <ATen/ATen.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "merging/tensor_archive.h"

namespace gauntlet::merging {

namespace {

namespace fs = std::filesystem;

// The reference implementation's limit: real headers are a few MB at most,
// and a larger length is a damaged or hostile file.
constexpr uint64_t kMaxHeaderBytes = 100u << 20;
constexpr char kMetadataKey[] = "__metadata__";

struct DtypeInfo {
  const char* name;
  at::ScalarType type;
  size_t size;
};

const std::vector<DtypeInfo>& Dtypes() {
  static const std::vector<DtypeInfo> dtypes = {
      {"F64", at::kDouble, 8}, {"F32", at::kFloat, 4}, {"F16", at::kHalf, 2}, {"BF16", at::kBFloat16, 2},
      {"I64", at::kLong, 8},   {"I32", at::kInt, 4},   {"I16", at::kShort, 2}, {"I8", at::kChar, 1},
      {"U8", at::kByte, 1},    {"BOOL", at::kBool, 1}};
  return dtypes;
}

const DtypeInfo* FindDtype(const std::string& name) {
  for (const DtypeInfo& d : Dtypes()) {
    if (name == d.name) return &d;
  }
  return nullptr;
}

const DtypeInfo* FindDtype(at::ScalarType type) {
  for (const DtypeInfo& d : Dtypes()) {
    if (type == d.type) return &d;
  }
  return nullptr;
}

// Types the format defines that LibTorch 1.13 cannot hold.
bool KnownUnsupported(const std::string& name) {
  static const std::set<std::string> names = {"F8_E4M3", "F8_E5M2", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4",
                                              "U16",     "U32",     "U64",     "C64"};
  return names.count(name) > 0;
}

uint64_t ReadLittleEndian64(const char* data) {
  uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(data[i]);
  return value;
}

void WriteLittleEndian64(uint64_t value, char* out) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((value >> (8 * i)) & 0xff);
}

std::string ShapeString(const std::vector<int64_t>& shape) {
  std::ostringstream out;
  out << "[";
  for (size_t i = 0; i < shape.size(); ++i) out << (i ? ", " : "") << shape[i];
  out << "]";
  return out.str();
}

// Bytes of a tensor of `shape` and element `size`, or nullopt on overflow.
std::optional<uint64_t> ByteCount(const std::vector<int64_t>& shape, size_t size) {
  uint64_t bytes = size;
  for (int64_t d : shape) {
    if (__builtin_mul_overflow(bytes, static_cast<uint64_t>(d), &bytes)) return std::nullopt;
  }
  if (bytes > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return bytes;
}

Result<SafetensorsEntry> ParseEntry(const std::string& where, const std::string& name, const nlohmann::json& value) {
  if (!value.is_object()) return Error{where + ": tensor '" + name + "': expected an object, got " + value.dump()};
  SafetensorsEntry entry;
  entry.name = name;
  const auto dtype = value.find("dtype");
  if (dtype == value.end() || !dtype->is_string()) {
    return Error{where + ": tensor '" + name + "': no \"dtype\" string"};
  }
  entry.dtype = dtype->get<std::string>();
  const DtypeInfo* info = FindDtype(entry.dtype);
  if (info == nullptr) {
    if (KnownUnsupported(entry.dtype)) {
      return Error{where + ": tensor '" + name + "': dtype " + entry.dtype +
                   " has no LibTorch 1.13 type (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)"};
    }
    return Error{where + ": tensor '" + name + "': unknown dtype \"" + entry.dtype + "\""};
  }
  const auto shape = value.find("shape");
  if (shape == value.end() || !shape->is_array()) return Error{where + ": tensor '" + name + "': no \"shape\" array"};
  for (const nlohmann::json& d : *shape) {
    if (!d.is_number_integer() || d.get<int64_t>() < 0) {
      return Error{where + ": tensor '" + name + "': shape " + shape->dump() + " holds a value that is not a size"};
    }
    entry.shape.push_back(d.get<int64_t>());
  }
  const auto offsets = value.find("data_offsets");
  if (offsets == value.end() || !offsets->is_array() || offsets->size() != 2 || !(*offsets)[0].is_number_unsigned() ||
      !(*offsets)[1].is_number_unsigned()) {
    return Error{where + ": tensor '" + name + "': \"data_offsets\" must be two unsigned integers [begin, end]"};
  }
  entry.begin = (*offsets)[0].get<uint64_t>();
  entry.end = (*offsets)[1].get<uint64_t>();
  const auto bytes = ByteCount(entry.shape, info->size);
  if (!bytes) return Error{where + ": tensor '" + name + "': shape " + ShapeString(entry.shape) + " overflows"};
  if (entry.end < entry.begin || entry.end - entry.begin != *bytes) {
    return Error{where + ": tensor '" + name + "': data_offsets " + offsets->dump() + " span " +
                 (entry.end < entry.begin ? std::string("a negative range") :
                                            std::to_string(entry.end - entry.begin) + " bytes") +
                 " but " + entry.dtype + " " + ShapeString(entry.shape) + " needs " + std::to_string(*bytes)};
  }
  return entry;
}

}  // namespace

Result<SafetensorsHeader> ParseSafetensorsHeader(const char* data, size_t size, const std::string& path) {
  if (size < 8) {
    return Error{path + ": " + std::to_string(size) + " bytes, too short for a safetensors header (truncated?)"};
  }
  const uint64_t length = ReadLittleEndian64(data);
  if (length > kMaxHeaderBytes) {
    return Error{path + ": header length " + std::to_string(length) +
                 " is above the format's 100 MiB limit: not a safetensors file, or damaged"};
  }
  if (length > size - 8) {
    return Error{path + ": the header of " + std::to_string(length) + " bytes runs past the end of the file (" +
                 std::to_string(size) + " bytes): truncated?"};
  }
  // A key given twice would be silently overwritten by the parser: the
  // reference reader refuses it, and so do we (two readers could otherwise
  // see different tensors in one file).
  std::string duplicate;
  std::set<std::string> keys;
  const nlohmann::json::parser_callback_t watch = [&](int depth, nlohmann::json::parse_event_t event,
                                                      nlohmann::json& parsed) {
    if (event == nlohmann::json::parse_event_t::key && depth == 1 && parsed.is_string()) {
      if (!keys.insert(parsed.get<std::string>()).second && duplicate.empty()) duplicate = parsed.get<std::string>();
    }
    return true;
  };
  const nlohmann::json header =
      nlohmann::json::parse(data + 8, data + 8 + length, watch, /*allow_exceptions=*/false);
  if (header.is_discarded()) return Error{path + ": the header is not valid JSON: not a safetensors file, or damaged"};
  if (!header.is_object()) return Error{path + ": the header is not a JSON object"};
  if (!duplicate.empty()) return Error{path + ": the header names '" + duplicate + "' twice"};

  SafetensorsHeader out;
  out.data_start = 8 + length;
  for (const auto& [key, value] : header.items()) {
    if (key == kMetadataKey) {
      if (!value.is_object()) return Error{path + ": " + kMetadataKey + " must be an object of strings"};
      for (const auto& [k, v] : value.items()) {
        if (!v.is_string()) return Error{path + ": " + kMetadataKey + "." + k + " is not a string: " + v.dump()};
        out.metadata.emplace(k, v.get<std::string>());
      }
      continue;
    }
    auto entry = ParseEntry(path, key, value);
    if (!entry.ok()) return entry.error();
    out.entries.push_back(std::move(entry).value());
  }
  std::sort(out.entries.begin(), out.entries.end(), [](const SafetensorsEntry& a, const SafetensorsEntry& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  // The tensors must tile the data buffer exactly.
  const uint64_t data_bytes = size - out.data_start;
  uint64_t covered = 0;
  const SafetensorsEntry* previous = nullptr;
  for (const SafetensorsEntry& e : out.entries) {
    const std::string range = "[" + std::to_string(e.begin) + ", " + std::to_string(e.end) + "]";
    if (e.begin < covered) {
      return Error{path + ": tensor '" + e.name + "': data_offsets " + range + " overlap tensor '" + previous->name +
                   "' (ending at " + std::to_string(covered) + "): the header lies about its offsets"};
    }
    if (e.begin > covered) {
      return Error{path + ": tensor '" + e.name + "': data_offsets " + range + " leave bytes [" +
                   std::to_string(covered) + ", " + std::to_string(e.begin) +
                   ") of the data buffer to no tensor: the header lies about its offsets"};
    }
    if (e.end > data_bytes) {
      return Error{path + ": tensor '" + e.name + "': data_offsets " + range + " run past the end of the data (" +
                   std::to_string(data_bytes) + " bytes after the header): the file is truncated or its header lies"};
    }
    covered = e.end;
    previous = &e;
  }
  if (covered != data_bytes) {
    return Error{path + ": " + std::to_string(data_bytes - covered) +
                 " bytes after the last tensor belong to no tensor: the header lies about its offsets"};
  }
  return out;
}

Result<SafetensorsFile> SafetensorsFile::Open(const std::string& path) {
  auto file = MappedFile::Open(path);
  if (!file.ok()) return file.error();
  auto header = ParseSafetensorsHeader(file.value()->data(), file.value()->size(), path);
  if (!header.ok()) return header.error();
  return SafetensorsFile(path, std::move(file).value(), std::move(header).value());
}

namespace {

// The tensor of `entry` in the data buffer at `buffer`: a view that holds
// `owner`, or a copy when misaligned for its element type.
at::Tensor TensorAt(char* buffer, const SafetensorsEntry& entry, std::shared_ptr<const void> owner) {
  const DtypeInfo* info = FindDtype(entry.dtype);
  GAUNTLET_CHECK(info != nullptr, "safetensors entry of an unchecked dtype");
  const at::TensorOptions options = at::TensorOptions().dtype(info->type);
  char* data = buffer + entry.begin;
  if (entry.end == entry.begin) return at::empty(entry.shape, options);
  if (reinterpret_cast<uintptr_t>(data) % info->size != 0) {
    at::Tensor copy = at::empty(entry.shape, options);
    std::memcpy(copy.data_ptr(), data, entry.end - entry.begin);
    return copy;
  }
  return at::from_blob(data, entry.shape, [owner](void*) {}, options);
}

}  // namespace

at::Tensor SafetensorsFile::Tensor(const SafetensorsEntry& entry) const {
  return TensorAt(file_->data() + header_.data_start, entry, file_);
}

Result<ParameterMap> SafetensorsFromBytes(const char* data, size_t size, const std::string& label,
                                          std::shared_ptr<const void> owner) {
  auto header = ParseSafetensorsHeader(data, size, label);
  if (!header.ok()) return header.error();
  ParameterMap map(label);
  char* buffer = const_cast<char*>(data) + header.value().data_start;  // views are never written
  for (const SafetensorsEntry& entry : header.value().entries) map.Add(entry.name, TensorAt(buffer, entry, owner));
  return map;
}

ParameterMap SafetensorsFile::Tensors() const {
  ParameterMap map(path_);
  for (const SafetensorsEntry& entry : header_.entries) map.Add(entry.name, Tensor(entry));
  return map;
}

namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

constexpr char kDefaultFile[] = "model.safetensors";
constexpr char kDefaultIndex[] = "model.safetensors.index.json";

Result<ParameterMap> LoadIndexed(const std::string& index_path) {
  std::ifstream in(index_path);
  if (!in) return Error{index_path + ": cannot open the index"};
  const nlohmann::json index = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (index.is_discarded() || !index.is_object()) return Error{index_path + ": not a JSON object"};
  const auto weight_map = index.find("weight_map");
  if (weight_map == index.end() || !weight_map->is_object()) {
    return Error{index_path + ": no \"weight_map\" object {tensor name: shard file}"};
  }
  const fs::path folder = fs::path(index_path).parent_path();
  std::map<std::string, std::set<std::string>> shards;  // file -> names the index puts there
  for (const auto& [name, file] : weight_map->items()) {
    if (!file.is_string()) return Error{index_path + ": weight_map['" + name + "'] is not a file name"};
    const fs::path relative(file.get<std::string>());
    const bool escapes = relative.is_absolute() || std::any_of(relative.begin(), relative.end(),
                                                               [](const fs::path& part) { return part == ".."; });
    if (escapes || relative.empty()) {
      return Error{index_path + ": weight_map['" + name + "'] = \"" + relative.string() +
                   "\" is not a file beside the index"};
    }
    shards[relative.string()].insert(name);
  }
  if (shards.empty()) return Error{index_path + ": the weight_map names no tensor"};
  ParameterMap map(index_path);
  for (const auto& [file, names] : shards) {
    const std::string shard_path = (folder / file).string();
    if (!fs::is_regular_file(shard_path)) {
      return Error{index_path + ": shard " + file + " (of '" + *names.begin() + "') is missing: expected " + shard_path};
    }
    auto shard = SafetensorsFile::Open(shard_path);
    if (!shard.ok()) return shard.error();
    std::set<std::string> found;
    for (const SafetensorsEntry& entry : shard.value().header().entries) {
      if (names.count(entry.name) == 0) {
        const auto elsewhere = weight_map->find(entry.name);
        return Error{shard_path + ": holds '" + entry.name + "', which " + index_path +
                     (elsewhere == weight_map->end() ? " does not name" : " puts in " + elsewhere->dump())};
      }
      found.insert(entry.name);
      map.Add(entry.name, shard.value().Tensor(entry));
    }
    for (const std::string& name : names) {
      if (found.count(name) == 0) {
        return Error{index_path + ": names '" + name + "' in " + file + ", which does not hold it"};
      }
    }
  }
  return map;
}

}  // namespace

bool IsSafetensorsCheckpoint(const std::string& path) {
  if (EndsWith(path, kSafetensorsExtension) || EndsWith(path, kSafetensorsIndexSuffix)) return true;
  std::error_code ec;
  return fs::is_directory(path, ec) &&
         (fs::exists(fs::path(path) / kDefaultIndex, ec) || fs::exists(fs::path(path) / kDefaultFile, ec));
}

Result<ParameterMap> LoadSafetensors(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    const fs::path dir(path);
    if (fs::exists(dir / kDefaultIndex, ec)) return LoadIndexed((dir / kDefaultIndex).string());
    if (fs::exists(dir / kDefaultFile, ec)) return LoadSafetensors((dir / kDefaultFile).string());
    return Error{path + ": a folder without " + kDefaultIndex + " or " + kDefaultFile};
  }
  if (EndsWith(path, ".index.json")) return LoadIndexed(path);
  auto file = SafetensorsFile::Open(path);
  if (!file.ok()) return file.error();
  return file.value().Tensors();
}

std::string SafetensorsDtypeName(at::ScalarType type) {
  const DtypeInfo* info = FindDtype(type);
  return info == nullptr ? "" : info->name;
}

// ---- Writing ---------------------------------------------------------------

struct SafetensorsWriter::State {
  struct Shard {
    std::string path, partial;
    int fd = -1;
    uint64_t data_start = 0;
  };
  struct Slot {
    size_t shard = 0;
    SafetensorsTensorSpec spec;
    uint64_t begin = 0, bytes = 0;
    bool written = false;
  };
  std::vector<Shard> shards;
  std::map<std::string, Slot> slots;
  std::string index_path;  // empty unless sharded
  nlohmann::json weight_map = nlohmann::json::object();
  uint64_t total_bytes = 0;
  SafetensorsMetadata metadata;
  bool finished = false;

  ~State() {
    for (Shard& shard : shards) {
      if (shard.fd >= 0) ::close(shard.fd);
      if (!finished) std::remove(shard.partial.c_str());
    }
  }
};

SafetensorsWriter::SafetensorsWriter(std::unique_ptr<State> state) : state_(std::move(state)) {}
SafetensorsWriter::~SafetensorsWriter() = default;

namespace {

Status WriteAll(int fd, const char* data, uint64_t size, uint64_t offset, const std::string& path) {
  while (size > 0) {
    const ssize_t n = ::pwrite(fd, data, std::min<uint64_t>(size, 1u << 30), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Error{path + ": write failed: " + std::strerror(errno)};
    data += n;
    size -= static_cast<uint64_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

std::string ShardName(const std::string& stem, size_t index, size_t count) {
  char suffix[64];
  std::snprintf(suffix, sizeof(suffix), "-%05zu-of-%05zu", index + 1, count);
  return stem + suffix + kSafetensorsExtension;
}

}  // namespace

Result<std::unique_ptr<SafetensorsWriter>> SafetensorsWriter::Open(const std::string& path,
                                                                   std::vector<SafetensorsTensorSpec> layout,
                                                                   SafetensorsMetadata metadata,
                                                                   uint64_t max_shard_bytes) {
  if (!EndsWith(path, kSafetensorsExtension)) return Error{path + ": a safetensors checkpoint's name ends in .safetensors"};
  auto state = std::make_unique<State>();
  state->metadata = metadata;
  // Cut into shards in the given order, as Hugging Face's save_pretrained does.
  std::vector<std::vector<const SafetensorsTensorSpec*>> groups(1);
  uint64_t group_bytes = 0;
  std::set<std::string> names;
  for (const SafetensorsTensorSpec& spec : layout) {
    const DtypeInfo* info = FindDtype(spec.dtype);
    if (info == nullptr) {
      return Error{path + ": tensor '" + spec.name + "' of dtype " + c10::toString(spec.dtype) +
                   " has no safetensors type"};
    }
    if (!names.insert(spec.name).second) return Error{path + ": tensor '" + spec.name + "' given twice"};
    const uint64_t bytes = ByteCount(spec.shape, info->size).value_or(0);
    if (max_shard_bytes > 0 && !groups.back().empty() && group_bytes + bytes > max_shard_bytes) {
      groups.emplace_back();
      group_bytes = 0;
    }
    groups.back().push_back(&spec);
    group_bytes += bytes;
    state->total_bytes += bytes;
  }
  const std::string stem = path.substr(0, path.size() - std::strlen(kSafetensorsExtension));
  if (groups.size() > 1) state->index_path = stem + kSafetensorsIndexSuffix;
  for (size_t g = 0; g < groups.size(); ++g) {
    std::vector<const SafetensorsTensorSpec*>& group = groups[g];
    // Largest elements first: every tensor aligned, no padding between them.
    std::stable_sort(group.begin(), group.end(), [](const SafetensorsTensorSpec* a, const SafetensorsTensorSpec* b) {
      return FindDtype(a->dtype)->size > FindDtype(b->dtype)->size;
    });
    State::Shard shard;
    shard.path = groups.size() == 1 ? path : ShardName(stem, g, groups.size());
    shard.partial = shard.path + ".partial";
    nlohmann::json header = nlohmann::json::object();
    if (!metadata.empty()) header[kMetadataKey] = metadata;
    uint64_t offset = 0;
    for (const SafetensorsTensorSpec* spec : group) {
      const uint64_t bytes = ByteCount(spec->shape, FindDtype(spec->dtype)->size).value_or(0);
      header[spec->name] = {{"dtype", FindDtype(spec->dtype)->name},
                            {"shape", spec->shape},
                            {"data_offsets", {offset, offset + bytes}}};
      state->slots[spec->name] = State::Slot{state->shards.size(), *spec, offset, bytes, false};
      state->weight_map[spec->name] = fs::path(shard.path).filename().string();
      offset += bytes;
    }
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' ');
    shard.data_start = 8 + text.size();
    shard.fd = ::open(shard.partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (shard.fd < 0) return Error{shard.partial + ": cannot create: " + std::strerror(errno)};
    state->shards.push_back(shard);
    char length[8];
    WriteLittleEndian64(text.size(), length);
    if (Status s = WriteAll(shard.fd, length, 8, 0, shard.partial); !s.ok()) return Error{s.message()};
    if (Status s = WriteAll(shard.fd, text.data(), text.size(), 8, shard.partial); !s.ok()) return Error{s.message()};
    if (::ftruncate(shard.fd, static_cast<off_t>(shard.data_start + offset)) != 0) {
      return Error{shard.partial + ": cannot size the file: " + std::strerror(errno)};
    }
  }
  return std::unique_ptr<SafetensorsWriter>(new SafetensorsWriter(std::move(state)));
}

Status SafetensorsWriter::Put(const std::string& name, const at::Tensor& value) {
  State& s = *state_;
  const auto slot = s.slots.find(name);
  if (slot == s.slots.end()) return Error{s.shards.front().path + ": tensor '" + name + "' is not in the layout"};
  State::Slot& t = slot->second;
  const State::Shard& shard = s.shards[t.shard];
  if (t.written) return Error{shard.path + ": tensor '" + name + "' put twice"};
  if (value.scalar_type() != t.spec.dtype || value.sizes().vec() != t.spec.shape) {
    return Error{shard.path + ": tensor '" + name + "' is " + c10::toString(value.scalar_type()) + " " +
                 ShapeText(value) + ", the layout says " + c10::toString(t.spec.dtype) + " " +
                 ShapeString(t.spec.shape)};
  }
  const at::Tensor data = value.contiguous();
  if (Status st = WriteAll(shard.fd, static_cast<const char*>(data.data_ptr()), t.bytes, shard.data_start + t.begin,
                           shard.partial);
      !st.ok()) {
    return st;
  }
  t.written = true;
  return Status::Ok();
}

Result<std::vector<std::string>> SafetensorsWriter::Finish() {
  State& s = *state_;
  for (const auto& [name, slot] : s.slots) {
    if (!slot.written) return Error{s.shards[slot.shard].path + ": tensor '" + name + "' was never written"};
  }
  std::vector<std::string> written;
  for (State::Shard& shard : s.shards) {
    if (::close(shard.fd) != 0) return Error{shard.partial + ": close failed: " + std::strerror(errno)};
    shard.fd = -1;
  }
  if (!s.index_path.empty()) {
    nlohmann::json index = {{"metadata", {{"total_size", s.total_bytes}}}, {"weight_map", s.weight_map}};
    for (const auto& [k, v] : s.metadata) index["metadata"][k] = v;
    std::ofstream out(s.index_path + ".partial");
    out << index.dump(2) << "\n";
    if (!out.good()) return Error{s.index_path + ": cannot write the index"};
  }
  for (const State::Shard& shard : s.shards) {
    std::error_code ec;
    fs::rename(shard.partial, shard.path, ec);
    if (ec) return Error{shard.path + ": cannot move " + shard.partial + " into place: " + ec.message()};
    written.push_back(shard.path);
  }
  if (!s.index_path.empty()) {
    std::error_code ec;
    fs::rename(s.index_path + ".partial", s.index_path, ec);
    if (ec) return Error{s.index_path + ": cannot move the index into place: " + ec.message()};
    written.push_back(s.index_path);
  }
  s.finished = true;
  return written;
}

Status SaveSafetensors(const ParameterMap& map, const std::string& path, const SafetensorsMetadata& metadata,
                       uint64_t max_shard_bytes) {
  std::vector<SafetensorsTensorSpec> layout;
  for (const auto& [name, tensor] : map.entries()) layout.push_back({name, tensor.scalar_type(), tensor.sizes().vec()});
  auto writer = SafetensorsWriter::Open(path, std::move(layout), metadata, max_shard_bytes);
  if (!writer.ok()) return Error{writer.error().message};
  for (const auto& [name, tensor] : map.entries()) {
    if (Status s = writer.value()->Put(name, tensor); !s.ok()) return s;
  }
  auto files = writer.value()->Finish();
  if (!files.ok()) return Error{files.error().message};
  return Status::Ok();
}

}  // namespace gauntlet::merging
