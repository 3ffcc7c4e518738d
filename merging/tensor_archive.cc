#include "merging/tensor_archive.h"

#include <ATen/ATen.h>
#include <caffe2/serialize/inline_container.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "merging/torch_errors.h"

namespace gauntlet::merging {

namespace {

constexpr char kShardFormat[] = "gauntlet-tensors";
constexpr char kShardManifest[] = "tensors.json";

// Stable dtype names (NumPy's), for manifests read outside LibTorch.
const std::vector<std::pair<at::ScalarType, std::string>>& DtypeNames() {
  static const std::vector<std::pair<at::ScalarType, std::string>> names = {
      {at::kFloat, "float32"}, {at::kDouble, "float64"}, {at::kHalf, "float16"}, {at::kBFloat16, "bfloat16"},
      {at::kBool, "bool"},     {at::kByte, "uint8"},     {at::kChar, "int8"},    {at::kShort, "int16"},
      {at::kInt, "int32"},     {at::kLong, "int64"}};
  return names;
}

std::optional<std::string> DtypeName(at::ScalarType type) {
  for (const auto& [t, name] : DtypeNames()) {
    if (t == type) return name;
  }
  return std::nullopt;
}

std::optional<at::ScalarType> DtypeOf(const std::string& name) {
  for (const auto& [t, n] : DtypeNames()) {
    if (n == name) return t;
  }
  return std::nullopt;
}

// NumPy packbits order: element 8k+j in bit (7 - j) of byte k.
at::Tensor BitWeights() { return at::tensor({128, 64, 32, 16, 8, 4, 2, 1}, at::kByte); }

at::Tensor PackBits(const at::Tensor& mask) {
  at::Tensor flat = mask.reshape({-1}).to(at::kByte);
  const int64_t padded = (flat.numel() + 7) / 8 * 8;
  flat = at::constant_pad_nd(flat, {0, padded - flat.numel()}).reshape({-1, 8});
  return (flat * BitWeights()).sum(1).to(at::kByte);
}

at::Tensor UnpackBits(const at::Tensor& packed, at::IntArrayRef shape) {
  const int64_t numel = c10::multiply_integers(shape);
  return packed.unsqueeze(1).bitwise_and(BitWeights()).ne(0).reshape({-1}).slice(0, 0, numel).reshape(shape);
}

}  // namespace

TensorArchiveWriter::TensorArchiveWriter(const std::string& path)
    : writer_(std::make_unique<caffe2::serialize::PyTorchStreamWriter>(path)) {}

TensorArchiveWriter::~TensorArchiveWriter() = default;

Result<nlohmann::json> TensorArchiveWriter::Put(const std::string& record, const std::string& name,
                                                const at::Tensor& value, bool packbits) {
  const auto dtype = DtypeName(value.scalar_type());
  if (!dtype) return Error{"'" + name + "': tensors of dtype " + c10::toString(value.scalar_type()) + " cannot be stored"};
  if (packbits && value.scalar_type() != at::kBool) return Error{"'" + name + "': only bool tensors are bit-packed"};
  const at::Tensor data = (packbits ? PackBits(value) : value).contiguous().cpu();
  writer_->writeRecord(record, data.data_ptr(), data.nbytes());
  return nlohmann::json{{"record", record},          {"name", name},
                        {"dtype", *dtype},           {"shape", value.sizes().vec()},
                        {"bytes", data.nbytes()},    {"encoding", packbits ? "packbits" : "raw"}};
}

void TensorArchiveWriter::PutBytes(const std::string& record, const void* data, size_t size) {
  writer_->writeRecord(record, data, size);
}

void TensorArchiveWriter::Finish(const std::string& manifest_record, const nlohmann::json& manifest) {
  const std::string text = manifest.dump(1);
  writer_->writeRecord(manifest_record, text.data(), text.size());
  writer_->writeEndOfFile();
}

Result<std::shared_ptr<MappedFile>> MappedFile::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{path + ": cannot open: " + std::strerror(errno)};
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return Error{path + ": cannot stat: " + std::strerror(errno)};
  }
  const size_t size = static_cast<size_t>(st.st_size);
  // Private and writable: a stray in-place write copies the page instead of
  // faulting or reaching the file.
  void* data = size == 0 ? nullptr : ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (data == MAP_FAILED) return Error{path + ": cannot map: " + std::strerror(errno)};
  return std::shared_ptr<MappedFile>(new MappedFile(path, static_cast<char*>(data), size));
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(data_, size_);
}

Result<TensorArchive> TensorArchive::Open(const std::string& path) {
  auto file = MappedFile::Open(path);
  if (!file.ok()) return file.error();
  try {
    auto reader = std::make_shared<caffe2::serialize::PyTorchStreamReader>(path);
    return TensorArchive(std::move(file).value(), std::move(reader));
  } catch (const std::exception& e) {
    return Error{path + ": not a zip archive of records: " + TorchErrorReason(e)};
  }
}

bool TensorArchive::HasRecord(const std::string& record) const { return reader_->hasRecord(record); }

Result<std::string> TensorArchive::ReadText(const std::string& record) const {
  if (!HasRecord(record)) return Error{path() + ": no record " + record};
  try {
    auto [data, size] = reader_->getRecord(record);
    return std::string(static_cast<const char*>(data.get()), size);
  } catch (const std::exception& e) {
    return Error{path() + ": record " + record + ": " + TorchErrorReason(e)};
  }
}

Result<const char*> TensorArchive::Bytes(const std::string& record, size_t size) const {
  if (!HasRecord(record)) return Error{path() + ": no record " + record};
  try {
    const size_t offset = reader_->getRecordOffset(record);
    if (offset > file_->size() || size > file_->size() - offset) {
      return Error{path() + ": record " + record + " runs past the end of the file (truncated?)"};
    }
    return static_cast<const char*>(file_->data() + offset);
  } catch (const std::exception& e) {
    return Error{path() + ": record " + record + ": " + TorchErrorReason(e)};
  }
}

Result<at::Tensor> TensorArchive::Tensor(const nlohmann::json& entry) const {
  try {
    const std::string record = entry.at("record").get<std::string>();
    const auto dtype = DtypeOf(entry.at("dtype").get<std::string>());
    if (!dtype) return Error{path() + ": record " + record + ": unknown dtype " + entry.at("dtype").dump()};
    const std::vector<int64_t> shape = entry.at("shape").get<std::vector<int64_t>>();
    const std::string encoding = entry.at("encoding").get<std::string>();
    if (encoding != "raw" && encoding != "packbits") {
      return Error{path() + ": record " + record + ": unknown encoding '" + encoding + "'"};
    }
    const bool packed = encoding == "packbits";
    const int64_t numel = c10::multiply_integers(shape);
    const size_t size = packed ? static_cast<size_t>((numel + 7) / 8) : numel * c10::elementSize(*dtype);
    if (entry.at("bytes").get<size_t>() != size) {
      return Error{path() + ": record " + record + " of '" + entry.at("name").get<std::string>() + "' holds " +
                   entry.at("bytes").dump() + " bytes; its shape and dtype need " + std::to_string(size)};
    }
    auto bytes = Bytes(record, size);
    if (!bytes.ok()) return bytes.error();
    char* data = const_cast<char*>(bytes.value());
    if (packed) return UnpackBits(at::from_blob(data, {static_cast<int64_t>(size)}, at::kByte), shape);
    std::shared_ptr<MappedFile> keep = file_;  // the view keeps the mapping alive
    return at::from_blob(data, shape, [keep](void*) {}, at::TensorOptions().dtype(*dtype));
  } catch (const nlohmann::json::exception& e) {
    return Error{path() + ": a tensor index entry is malformed (" + e.what() + "): " + entry.dump()};
  }
}

void ReleaseMappedPages(const at::Tensor& view) {
  static const uintptr_t page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  const uintptr_t start = reinterpret_cast<uintptr_t>(view.data_ptr());
  const uintptr_t first = start & ~(page - 1);
  // Outward to whole pages: a neighbour's clean pages are only re-read.
  ::madvise(reinterpret_cast<void*>(first), start + view.nbytes() - first, MADV_DONTNEED);
}

Status WriteTensorShard(const ParameterMap& map, const std::string& path) {
  try {
    TensorArchiveWriter writer(path);
    nlohmann::json index = nlohmann::json::array();
    for (size_t i = 0; i < map.entries().size(); ++i) {
      const auto& [name, tensor] = map.entries()[i];
      auto entry = writer.Put("t/" + std::to_string(i), name, tensor);
      if (!entry.ok()) return Error{path + ": " + entry.error().message};
      index.push_back(std::move(entry).value());
    }
    writer.Finish(kShardManifest, {{"format", kShardFormat}, {"version", 1}, {"source", map.source()}, {"tensors", index}});
    return Status::Ok();
  } catch (const std::exception& e) {
    return Error{path + ": writing the shard failed: " + TorchErrorReason(e)};
  }
}

Result<ParameterMap> MapTensorShard(const std::string& path, const std::string& source) {
  auto archive = TensorArchive::Open(path);
  if (!archive.ok()) return archive.error();
  auto text = archive.value().ReadText(kShardManifest);
  if (!text.ok()) return text.error();
  const nlohmann::json manifest = nlohmann::json::parse(text.value(), nullptr, /*allow_exceptions=*/false);
  if (!manifest.is_object() || manifest.value("format", "") != kShardFormat || !manifest.contains("tensors")) {
    return Error{path + ": not a tensor shard (" + kShardManifest + " of format " + kShardFormat + ")"};
  }
  ParameterMap map(source);
  for (const nlohmann::json& entry : manifest.at("tensors")) {
    auto tensor = archive.value().Tensor(entry);
    if (!tensor.ok()) return tensor.error();
    map.Add(entry.at("name").get<std::string>(), tensor.value());
  }
  return map;
}

}  // namespace gauntlet::merging
