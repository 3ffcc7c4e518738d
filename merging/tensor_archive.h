// Named tensors as raw records of a zip archive, and that archive mapped into
// memory: the storage under the merged artifact (merge_artifact.h) and under
// the scratch shards of a streamed merge (merge_command.h).
//
// Records are written by LibTorch's PyTorchStreamWriter: stored uncompressed
// and 64-byte aligned, so a tensor read back is a view into the mapped file
// (mmap, private: pages come from the page cache on first touch and a write
// would copy, never reach the file). A record holds the tensor's row-major
// little-endian bytes ("raw"), or for bool tensors optionally 8 elements per
// byte, first element in the high bit ("packbits", NumPy's order). An index
// entry names the record, the tensor's name, dtype (NumPy's names), shape
// and encoding; the archive's manifest (a JSON record) holds the index.
#pragma once

#include <ATen/core/Tensor.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/result.h"
#include "merging/parameter_map.h"

namespace caffe2::serialize {
class PyTorchStreamReader;
class PyTorchStreamWriter;
}

namespace gauntlet::merging {

// Writes an archive record by record. Errors from LibTorch are thrown
// (c10::Error); callers turn them into messages naming the file.
class TensorArchiveWriter {
 public:
  explicit TensorArchiveWriter(const std::string& path);
  ~TensorArchiveWriter();
  TensorArchiveWriter(const TensorArchiveWriter&) = delete;
  TensorArchiveWriter& operator=(const TensorArchiveWriter&) = delete;

  // Writes `value` as `record`; returns its index entry ({record, name,
  // dtype, shape, encoding}), or an error for a dtype without a stable name.
  Result<nlohmann::json> Put(const std::string& record, const std::string& name, const at::Tensor& value,
                             bool packbits = false);
  void PutBytes(const std::string& record, const void* data, size_t size);
  // Writes `manifest` as the JSON record `manifest_record` and closes the archive.
  void Finish(const std::string& manifest_record, const nlohmann::json& manifest);

 private:
  std::unique_ptr<caffe2::serialize::PyTorchStreamWriter> writer_;
};

// A read-only file mapped into memory; the mapping lives while any tensor
// viewing it does.
class MappedFile {
 public:
  static Result<std::shared_ptr<MappedFile>> Open(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const std::string& path() const { return path_; }
  char* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  MappedFile(std::string path, char* data, size_t size) : path_(std::move(path)), data_(data), size_(size) {}
  std::string path_;
  char* data_;
  size_t size_;
};

// An archive opened for reading: records by name, tensors as views.
// Thread-safety: const methods may be called concurrently.
class TensorArchive {
 public:
  // Errors name the file.
  static Result<TensorArchive> Open(const std::string& path);

  const std::string& path() const { return file_->path(); }
  bool HasRecord(const std::string& record) const;
  // The record's bytes (a copy), e.g. a JSON manifest.
  Result<std::string> ReadText(const std::string& record) const;
  // The `size` bytes of `record` in the mapping (the zip index keeps no
  // sizes the reader exposes: the manifest records them).
  Result<const char*> Bytes(const std::string& record, size_t size) const;
  // The tensor of an index entry: a view into the mapping ("raw") or an
  // unpacked copy ("packbits"). Errors name the record and what is wrong
  // (unknown dtype or encoding, a record missing or past the file's end).
  Result<at::Tensor> Tensor(const nlohmann::json& entry) const;

 private:
  TensorArchive(std::shared_ptr<MappedFile> file, std::shared_ptr<caffe2::serialize::PyTorchStreamReader> reader)
      : file_(std::move(file)), reader_(std::move(reader)) {}
  std::shared_ptr<MappedFile> file_;
  std::shared_ptr<caffe2::serialize::PyTorchStreamReader> reader_;
};

// Drops the resident pages under `view`, a tensor viewing a mapped archive
// (never written to): the next read faults them in again from the file. A
// streamed merge calls it once a parameter is merged, so that even the
// page-cache share of its resident memory stays near one parameter's inputs.
void ReleaseMappedPages(const at::Tensor& view);

// A whole ParameterMap as an archive ("gauntlet-tensors": manifest
// tensors.json), and back as views: the scratch shards of a streamed merge.
Status WriteTensorShard(const ParameterMap& map, const std::string& path);
Result<ParameterMap> MapTensorShard(const std::string& path, const std::string& source);

}  // namespace gauntlet::merging
