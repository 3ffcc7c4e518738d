#include "merging/merge_command.h"

#include <ATen/Parallel.h>
#include <malloc.h>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "harness/text_join.h"
#include "merging/lora_adapter.h"
#include "merging/merge_artifact.h"
#include "merging/merge_diagnostics.h"
#include "merging/merge_methods.h"
#include "merging/parameter_map.h"
#include "merging/safetensors_file.h"
#include "merging/tensor_archive.h"

namespace gauntlet::merging {

namespace {

namespace fs = std::filesystem;

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Result<std::vector<std::string>> TaskLabels(const MergeCommand& c) {
  if (!c.tasks.empty()) {
    if (c.tasks.size() != c.experts.size()) {
      return Error{"--tasks gives " + std::to_string(c.tasks.size()) + " labels for " +
                   std::to_string(c.experts.size()) + " experts"};
    }
    return c.tasks;
  }
  std::vector<std::string> labels;
  std::set<std::string> seen;
  for (std::string path : c.experts) {
    if (path.rfind(kLoraPrefix, 0) == 0) path = path.substr(std::strlen(kLoraPrefix));
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    // "a/model.safetensors.index.json" and "a/model.safetensors" are named by their folder.
    const fs::path file(path);
    const bool generic = IsSafetensorsCheckpoint(path) && file.filename().string().rfind("model.safetensors", 0) == 0;
    labels.push_back(generic ? file.parent_path().filename().string() : file.stem().string());
    if (!seen.insert(labels.back()).second) {
      return Error{"two experts are named '" + labels.back() + "' by their files: give --tasks"};
    }
  }
  return labels;
}

// The base's names the head patterns select, in base order; a pattern that
// selects nothing is an error (a typo would silently merge the heads).
Result<std::vector<std::string>> HeadNames(const MergeCommand& c, const ParameterMap& base) {
  if (c.heads.empty()) return std::vector<std::string>{};
  auto heads = ParameterSelection::Create(c.heads, {});
  if (!heads.ok()) return Error{"--heads: " + heads.error().message};
  const std::vector<std::string> names = base.names();
  if (auto unmatched = heads.value().UnmatchedPatterns(names); !unmatched.empty()) {
    return Error{"--heads pattern '" + unmatched.front() + "' matches no parameter of " + c.base};
  }
  std::vector<std::string> selected;
  for (const std::string& name : names) {
    if (heads.value().Selects(name)) selected.push_back(name);
  }
  return selected;
}

struct Inputs {
  ParameterMap base;
  ExpertModels experts;
  bool mapped = false;  // some input views mapped files: release pages as the merge goes
};

bool IsLora(const std::string& path) { return path.rfind(kLoraPrefix, 0) == 0; }

// A whole model: safetensors checkpoints mapped, the other kinds loaded.
Result<ParameterMap> LoadModel(const std::string& path, bool* mapped) {
  if (IsSafetensorsCheckpoint(path)) {
    *mapped = true;
    return LoadSafetensors(path);
  }
  return LoadParameters(path);
}

Result<std::unique_ptr<ExpertModel>> LoadExpert(const std::string& path, const ParameterMap& base, bool* mapped) {
  if (IsLora(path)) {
    *mapped = true;
    return LoadLoraExpert(path.substr(std::strlen(kLoraPrefix)), base);
  }
  auto model = LoadModel(path, mapped);
  if (!model.ok()) return model.error();
  return DenseExpert(std::move(model).value());
}

Result<Inputs> LoadWhole(const MergeCommand& c) {
  Inputs in;
  auto base = LoadModel(c.base, &in.mapped);
  if (!base.ok()) return base.error();
  in.base = std::move(base).value();
  for (const auto& path : c.experts) {
    auto expert = LoadExpert(path, in.base, &in.mapped);
    if (!expert.ok()) return expert.error();
    in.experts.push_back(std::move(expert).value());
  }
  return in;
}

// A folder of scratch shards, removed with everything in it at the end.
class Scratch {
 public:
  explicit Scratch(std::string dir) : dir_(std::move(dir)) {}
  ~Scratch() {
    std::error_code ec;
    if (created_) fs::remove_all(dir_, ec);
  }
  Result<std::string> Path(size_t index) {
    std::error_code ec;
    if (!created_) {
      if (fs::exists(dir_, ec)) return Error{"--scratch " + dir_ + " exists: give a folder that does not"};
      fs::create_directories(dir_, ec);
      if (ec) return Error{"--scratch " + dir_ + ": cannot create: " + ec.message()};
      created_ = true;
    }
    return dir_ + "/" + std::to_string(index) + ".tensors";
  }

 private:
  std::string dir_;
  bool created_ = false;
};

// Each input loaded alone, written to a shard and dropped; the shards are
// then mapped: memory holds one input model at a time, and the merge reads
// the rest through the page cache. Safetensors checkpoints and LoRA adapters
// are mapped as they are: they need no shard.
Result<Inputs> LoadStreamed(const MergeCommand& c, Scratch& scratch) {
  Inputs in;
  in.mapped = true;
  const auto load = [&](const std::string& path, size_t index) -> Result<ParameterMap> {
    if (IsSafetensorsCheckpoint(path)) return LoadSafetensors(path);
    auto shard = scratch.Path(index);
    if (!shard.ok()) return shard.error();
    {
      auto whole = LoadParameters(path);
      if (!whole.ok()) return whole.error();
      if (Status s = WriteTensorShard(whole.value(), shard.value()); !s.ok()) return Error{s.message()};
    }
    return MapTensorShard(shard.value(), path);
  };
  auto base = load(c.base, 0);
  if (!base.ok()) return base.error();
  in.base = std::move(base).value();
  for (size_t i = 0; i < c.experts.size(); ++i) {
    if (IsLora(c.experts[i])) {
      auto expert = LoadLoraExpert(c.experts[i].substr(std::strlen(kLoraPrefix)), in.base);
      if (!expert.ok()) return expert.error();
      in.experts.push_back(std::move(expert).value());
      continue;
    }
    auto expert = load(c.experts[i], i + 1);
    if (!expert.ok()) return expert.error();
    in.experts.push_back(DenseExpert(std::move(expert).value()));
  }
  return in;
}

// What `merge --from A.gmerge` prints: where it came from and its diagnostics.
Result<std::string> DescribeArtifact(const MergeArtifact& a) {
  const nlohmann::json& m = a.manifest;
  std::ostringstream out;
  out << a.path << ": " << a.method << " " << m.at("params").dump() << "\n";
  out << "base: " << m.at("base").at("path").get<std::string>() << " (" << m.at("base").at("kind").get<std::string>()
      << ", sha256 " << m.at("base").at("sha256").get<std::string>() << ")\n";
  for (const auto& e : m.at("experts")) {
    out << "task " << e.at("task").get<std::string>() << ": " << e.at("path").get<std::string>() << " (sha256 "
        << e.at("sha256").get<std::string>() << ")\n";
  }
  out << "merged tensors: " << a.merged_names.size() << ", per-task masks: " << (a.per_task_models ? "yes" : "no")
      << ", heads: " << a.head_names.size() << " per task " << m.at("heads").at("patterns").dump() << "\n";
  out << "created " << m.value("created_at", "?") << " by gauntlet " << m.value("gauntlet_version", "?") << "\n\n";
  auto diagnostics = DiagnosticsFromJson(m.at("diagnostics"));
  if (!diagnostics.ok()) return Error{a.path + ": " + diagnostics.error().message};
  out << DiagnosticsText(diagnostics.value());
  return out.str();
}

Status WriteRecord(const MergeResult& result, const std::string& out, const std::string& kind,
                   const std::vector<std::string>& files = {}) {
  nlohmann::json record = MergeRecordJson(result);
  record["output"] = {{"path", out}, {"kind", kind}};
  if (!files.empty()) record["output"]["files"] = files;
  std::ofstream json(out + ".json");
  json << record.dump(2) << "\n";
  if (!json.good()) return Error{"cannot write " + out + ".json"};
  return Status::Ok();
}

}  // namespace

std::string MergeMethodNames() {
  std::vector<std::string> names;
  for (const auto& m : MergeMethods()) names.push_back(m.name);
  return JoinText(names, ", ");
}

namespace {

// glibc hands large freed blocks back to the kernel (above its mmap
// threshold, and trimmed heap tops), so each of a merge's tensor-sized
// temporaries is page-faulted in afresh: about 40% of a merge's CPU time went
// to the kernel (bench/README.md). The merge verb is a short process that
// reuses the same sizes over and over: keep freed memory for reuse (2.2x
// faster task arithmetic, 1.8x TIES; peak memory up to a third higher, so not
// under --stream, whose point is memory).
void KeepFreedMemory() {
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, std::numeric_limits<int>::max());
}

Result<at::ScalarType> ParseDtype(const std::string& text) {
  if (text == "bf16" || text == "bfloat16") return at::kBFloat16;
  if (text == "fp16" || text == "float16" || text == "half") return at::kHalf;
  if (text == "fp32" || text == "float32" || text == "float") return at::kFloat;
  if (text == "fp64" || text == "float64" || text == "double") return at::kDouble;
  return Error{"--dtype " + text + ": expected bf16, fp16, fp32 or fp64"};
}

// "5GB" (10^9), "500MiB" (2^20), "1048576" (bytes).
Result<uint64_t> ParseByteSize(const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && (std::isdigit(static_cast<unsigned char>(text[digits])) || text[digits] == '.')) ++digits;
  std::string unit = text.substr(digits);
  for (char& ch : unit) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  const std::map<std::string, double> units = {{"", 1},      {"B", 1},         {"KB", 1e3},       {"MB", 1e6},
                                               {"GB", 1e9},  {"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30},
                                               {"TB", 1e12}};
  const auto scale = units.find(unit);
  char* end = nullptr;
  const std::string number = text.substr(0, digits);
  const double value = number.empty() ? -1 : std::strtod(number.c_str(), &end);
  if (scale == units.end() || value <= 0 || end != number.c_str() + number.size()) {
    return Error{"--shard-size " + text + ": expected a size such as 5GB, 500MiB or a number of bytes"};
  }
  return static_cast<uint64_t>(value * scale->second);
}

// The merged model as a safetensors checkpoint, tensor by tensor: merged
// tensors as the merge makes them, the others straight from the base.
Result<std::string> MergeToSafetensors(const MergeCommand& c, const Inputs& inputs, MergeOptions options,
                                       uint64_t shard_bytes) {
  const ParameterMap& base = inputs.base;
  const auto out_type = [&](const at::Tensor& t) {
    return options.output_dtype && IsMergeable(t) ? *options.output_dtype : t.scalar_type();
  };
  std::vector<SafetensorsTensorSpec> layout;
  for (const auto& [name, tensor] : base.entries()) layout.push_back({name, out_type(tensor), tensor.sizes().vec()});
  SafetensorsMetadata metadata = {{"format", "pt"}, {"merge_method", c.method},
                                  {"merge_params", nlohmann::json(c.params).dump()}};
  auto writer = SafetensorsWriter::Open(c.out, std::move(layout), metadata, shard_bytes);
  if (!writer.ok()) return writer.error();
  options.sink = [&](const std::string& name, const at::Tensor& merged, const std::vector<at::Tensor>&) {
    return writer.value()->Put(name, merged);
  };
  auto result = MergeExperts(c.method, base, inputs.experts, c.params, options);
  if (!result.ok()) return result.error();
  const std::set<std::string> merged(result.value().merged_names.begin(), result.value().merged_names.end());
  for (const auto& [name, tensor] : base.entries()) {
    if (merged.count(name) > 0) continue;
    if (Status s = writer.value()->Put(name, tensor.to(out_type(tensor))); !s.ok()) return Error{s.message()};
    if (options.release_pages) ReleaseIfMapped(tensor);
  }
  auto files = writer.value()->Finish();
  if (!files.ok()) return files.error();
  if (Status s = WriteRecord(result.value(), c.out, "safetensors", files.value()); !s.ok()) return Error{s.message()};
  return DiagnosticsText(result.value().diagnostics) + "\nwrote " + JoinText(files.value(), ", ") + " (" +
         std::to_string(result.value().merged_names.size()) + " merged tensors) and " + c.out + ".json\n";
}

}  // namespace

Result<std::string> RunMerge(const MergeCommand& c) {
  if (!c.stream) KeepFreedMemory();
  if (!c.from.empty()) {
    auto artifact = ReadMergeArtifact(c.from);
    if (!artifact.ok()) return artifact.error();
    if (c.export_which.empty()) return DescribeArtifact(artifact.value());
    if (c.out.empty()) return Error{"--export needs --out MODEL.pt"};
    auto written = ExportArtifactModel(artifact.value(), c.export_which, c.out);
    if (!written.ok()) return written.error();
    return "wrote " + written.value() + "\n";
  }
  const bool artifact_out = EndsWith(c.out, kArtifactExtension);
  if (artifact_out && !c.export_which.empty()) {
    return Error{"--export writes a model file, not " + c.out + ": give --out MODEL.pt"};
  }
  if (!c.heads.empty() && !artifact_out && c.export_which.empty()) {
    return Error{"--heads keeps a head per task: write an artifact (--out NAME.gmerge) or --export a task"};
  }
  const bool safetensors_out = EndsWith(c.out, kSafetensorsExtension);
  // Settings are checked before any model is loaded.
  if (auto params = ResolveMergeParams(c.method, c.params); !params.ok()) return params.error();
  auto level = ParseDiagnosticsLevel(c.diagnostics);
  if (!level.ok()) return Error{"--diagnostics: " + level.error().message};
  std::optional<at::ScalarType> dtype;
  if (!c.dtype.empty()) {
    auto parsed = ParseDtype(c.dtype);
    if (!parsed.ok()) return parsed.error();
    if (artifact_out || !c.export_which.empty()) {
      return Error{"--dtype sets the dtype of a written model: give --out MODEL.safetensors (or a tensor file)"};
    }
    dtype = parsed.value();
  }
  uint64_t shard_bytes = 0;
  if (!c.shard_size.empty()) {
    if (!safetensors_out) return Error{"--shard-size shards a safetensors checkpoint: give --out NAME.safetensors"};
    auto parsed = ParseByteSize(c.shard_size);
    if (!parsed.ok()) return parsed.error();
    shard_bytes = parsed.value();
  }
  if (c.threads < 0) return Error{"--threads must be at least 1"};
  if (c.threads > 0) at::set_num_threads(c.threads);
  auto labels = TaskLabels(c);
  if (!labels.ok()) return labels.error();
  std::vector<std::string> exclude = c.exclude;
  exclude.insert(exclude.end(), c.heads.begin(), c.heads.end());
  auto selection = ParameterSelection::Create(c.include, exclude);
  if (!selection.ok()) return selection.error();
  const bool to_artifact = artifact_out || !c.export_which.empty();
  if (c.stream && !to_artifact && !safetensors_out) {
    return Error{"--stream writes an artifact or a safetensors checkpoint: give --out NAME.gmerge, --export or "
                 "--out NAME.safetensors"};
  }
  if (!c.module.empty() && !to_artifact) {
    return Error{"--module gives code to run the merged weights: write an artifact (--out NAME.gmerge) or --export "
                 "a model (--out MODEL.pt)"};
  }
  Scratch scratch(c.stream ? (c.scratch.empty() ? c.out + ".scratch" : c.scratch) : "");
  auto inputs = c.stream ? LoadStreamed(c, scratch) : LoadWhole(c);
  if (!inputs.ok()) return inputs.error();
  const ParameterMap& base = inputs.value().base;
  const ExpertModels& experts = inputs.value().experts;
  auto heads = HeadNames(c, base);
  if (!heads.ok()) return heads.error();
  if (!c.module.empty()) {
    if (Status s = CheckModuleFitsBase(c.module, base); !s.ok()) return Error{s.message()};
  }
  MergeOptions options;
  options.selection = selection.value();
  options.diagnostics.group_depth = c.group_depth;
  options.diagnostics.level = level.value();
  options.output_dtype = dtype;
  options.release_pages = inputs.value().mapped;
  if (safetensors_out) return MergeToSafetensors(c, inputs.value(), options, shard_bytes);

  if (to_artifact) {
    ArtifactSources sources{c.base, c.experts, labels.value(), c.heads, heads.value(), c.argv, c.module};
    // An export of a fresh merge goes through a temporary artifact, so that
    // it is exactly what `--from` would export.
    const std::string artifact_path = artifact_out ? c.out : c.out + ".export.gmerge";
    auto writer = MergeArtifactWriter::Open(artifact_path, sources);
    if (!writer.ok()) return writer.error();
    options.sink = [&](const std::string& name, const at::Tensor& merged, const std::vector<at::Tensor>& masks) {
      return writer.value()->AddMerged(name, merged, masks);
    };
    auto result = MergeExperts(c.method, base, experts, c.params, options);
    if (!result.ok()) return result.error();
    if (Status s = writer.value()->Finish(result.value(), base, experts); !s.ok()) return Error{s.message()};
    const std::string diagnostics = DiagnosticsText(result.value().diagnostics) + "\n";
    if (artifact_out) {
      return diagnostics + "wrote " + c.out + " (merged artifact: " + std::to_string(result.value().merged_names.size()) +
             " merged tensors, " + std::to_string(heads.value().size()) + " head tensors per task, tasks " +
             nlohmann::json(labels.value()).dump() + ")\n";
    }
    auto artifact = ReadMergeArtifact(artifact_path);
    auto written = artifact.ok() ? ExportArtifactModel(artifact.value(), c.export_which, c.out)
                                 : Result<std::string>(artifact.error());
    std::remove(artifact_path.c_str());
    if (!written.ok()) return written.error();
    return diagnostics + "wrote " + written.value() + "\n";
  }

  auto result = MergeExperts(c.method, base, experts, c.params, options);
  if (!result.ok()) return result.error();
  const std::string diagnostics = DiagnosticsText(result.value().diagnostics) + "\n";
  // A TorchScript base gives a runnable module with the merged weights.
  const bool module = !IsSafetensorsCheckpoint(c.base) && LoadTorchScriptParameters(c.base).ok();
  if (module && dtype) return Error{"--dtype: a TorchScript module keeps its own dtypes; write --out M.safetensors"};
  Status saved = module ? SaveTorchScriptWithParameters(c.base, result.value().merged, c.out)
                        : SaveTensorFile(result.value().merged, c.out);
  if (!saved.ok()) return Error{saved.message()};
  if (Status s = WriteRecord(result.value(), c.out, module ? "torchscript" : "tensor_file"); !s.ok()) {
    return Error{s.message()};
  }
  return diagnostics + "wrote " + c.out + " (" + (module ? "TorchScript module" : "tensor file") + ") and " + c.out +
         ".json (method, parameters, sources, diagnostics)\n";
}

}  // namespace gauntlet::merging
