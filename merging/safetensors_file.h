// safetensors checkpoints (Hugging Face's format): one file, or shards named
// by a `model.safetensors.index.json`, read by memory mapping and written
// tensor by tensor.
//
// Format of one file: an unsigned 64-bit little-endian N, then N bytes of
// UTF-8 JSON (the header; writers pad it with spaces so the data starts at a
// multiple of 8), then the data buffer. The header is an object
//   {"NAME": {"dtype": "BF16", "shape": [4096, 4096], "data_offsets": [B, E]},
//    ..., "__metadata__": {"format": "pt", ...}}
// with B and E byte offsets into the data buffer (not the file), the tensor
// row-major and little-endian in [B, E). The tensors tile the buffer: no
// holes, no overlaps, nothing after the last (the reference reader refuses
// such files, which could otherwise hide a second payload). `__metadata__`
// is optional and maps strings to strings. A sharded checkpoint's index is
// {"metadata": {"total_size": BYTES}, "weight_map": {"NAME": "FILE", ...}}
// with FILE relative to the index's folder.
//
// Reading treats the file as hostile: the header length, every shape, dtype
// and offset are checked before any byte is read, and errors name the file
// and the tensor. A tensor read back is a view into the mapping (private:
// pages come from the page cache on first touch; a write would copy the page,
// never reach the file), so opening a 15 GB checkpoint costs its header.
// A tensor whose offset is not a multiple of its element size (possible in
// files written without the reference writer's ordering) is copied instead.
//
// Dtypes: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL. Others (FP8,
// unsigned 16-64 bit, complex) have no LibTorch 1.13 type: a file holding one
// is refused naming the tensor.
//
// Writing: the reference writer's layout (tensors by element size, largest
// first, so that every tensor is aligned without padding between them; in
// the given order within one size), header padded to a multiple of 8. A file
// appears under its name only when complete (written beside it, renamed).
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness/result.h"
#include "merging/parameter_map.h"

namespace gauntlet::merging {

class MappedFile;

using SafetensorsMetadata = std::map<std::string, std::string>;

// One tensor of a header. Offsets are relative to the data buffer.
struct SafetensorsEntry {
  std::string name;
  std::string dtype;           // the file's name for it: "BF16"
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0;
};

struct SafetensorsHeader {
  uint64_t data_start = 0;                 // 8 + N: where the data buffer starts in the file
  std::vector<SafetensorsEntry> entries;   // in data order
  SafetensorsMetadata metadata;
};

// Parses and checks the header of a file of `size` bytes whose first
// min(size, ...) bytes are `data`; `path` names the file in errors.
Result<SafetensorsHeader> ParseSafetensorsHeader(const char* data, size_t size, const std::string& path);

// One mapped safetensors file. Copy: shallow (the mapping is shared).
// Thread-safety: const methods may be called concurrently.
class SafetensorsFile {
 public:
  static Result<SafetensorsFile> Open(const std::string& path);

  const std::string& path() const { return path_; }
  const SafetensorsHeader& header() const { return header_; }
  // The tensor of an entry of header(): a view into the mapping.
  at::Tensor Tensor(const SafetensorsEntry& entry) const;
  // Every tensor, in data order, as views; the map's source is the path.
  ParameterMap Tensors() const;

 private:
  SafetensorsFile(std::string path, std::shared_ptr<MappedFile> file, SafetensorsHeader header)
      : path_(std::move(path)), file_(std::move(file)), header_(std::move(header)) {}
  std::string path_;
  std::shared_ptr<MappedFile> file_;  // shared with every view
  SafetensorsHeader header_;
};

// The tensors of a safetensors file held in memory at [data, data + size)
// (a record of a mapped archive), as views; `owner` keeps that memory alive
// while any view lives. `label` names the bytes in errors and is the map's
// source.
Result<ParameterMap> SafetensorsFromBytes(const char* data, size_t size, const std::string& label,
                                          std::shared_ptr<const void> owner);

inline constexpr char kSafetensorsExtension[] = ".safetensors";
inline constexpr char kSafetensorsIndexSuffix[] = ".safetensors.index.json";

// Whether `path` names a safetensors checkpoint: a .safetensors file, an
// index (*.safetensors.index.json), or a folder holding model.safetensors or
// model.safetensors.index.json.
bool IsSafetensorsCheckpoint(const std::string& path);

// A checkpoint as above, every tensor a view into its file's mapping, in
// data order (shards in the order the index first names them). Errors name
// the file: a shard missing, a tensor named by the index but absent from its
// shard or present in two, and any error of the files themselves.
Result<ParameterMap> LoadSafetensors(const std::string& path);

// The dtype names of the format: "BF16" for at::kBFloat16; empty for a type
// the format lacks.
std::string SafetensorsDtypeName(at::ScalarType type);

struct SafetensorsTensorSpec {
  std::string name;
  at::ScalarType dtype;
  std::vector<int64_t> shape;
};

// Writes a checkpoint tensor by tensor: the layout is given up front (the
// header comes first), then Put each tensor once, in any order: it is
// written at its offset (nothing is buffered). With max_shard_bytes > 0 the
// tensors are cut into shards of at most that many data bytes (a larger
// tensor alone in its shard), written as PATH's stem + "-0000k-of-0000n"
// + ".safetensors" beside PATH with "<stem>.safetensors.index.json" (PATH
// itself when one shard suffices, and then no index). Not copyable.
class SafetensorsWriter {
 public:
  // `path` must end in .safetensors. Errors: a dtype the format lacks, a
  // name given twice, a file that cannot be created.
  static Result<std::unique_ptr<SafetensorsWriter>> Open(const std::string& path,
                                                         std::vector<SafetensorsTensorSpec> layout,
                                                         SafetensorsMetadata metadata, uint64_t max_shard_bytes = 0);
  ~SafetensorsWriter();
  SafetensorsWriter(const SafetensorsWriter&) = delete;
  SafetensorsWriter& operator=(const SafetensorsWriter&) = delete;

  // `value` must match the layout's dtype and shape for `name`.
  Status Put(const std::string& name, const at::Tensor& value);
  // After every tensor was put: closes and moves the files into place;
  // returns their paths (the index last, when sharded).
  Result<std::vector<std::string>> Finish();

 private:
  struct State;
  explicit SafetensorsWriter(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// A whole map as a checkpoint (SafetensorsWriter in the map's order).
Status SaveSafetensors(const ParameterMap& map, const std::string& path, const SafetensorsMetadata& metadata = {},
                       uint64_t max_shard_bytes = 0);

}  // namespace gauntlet::merging
