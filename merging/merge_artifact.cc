#include "merging/merge_artifact.h"

#include <caffe2/serialize/in_memory_adapter.h>
#include <torch/script.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "harness/run_metadata.h"
#include "harness/text_join.h"
#include "merging/module_tensors.h"
#include "merging/safetensors_file.h"
#include "merging/torch_errors.h"

namespace gauntlet::merging {

namespace {

namespace fs = std::filesystem;

constexpr char kFormat[] = "gauntlet-merge";
constexpr int kVersion = 1;
constexpr char kManifest[] = "gmerge.json";
constexpr char kBase[] = "base";
constexpr char kModule[] = "module";

Status CheckLabels(const std::vector<std::string>& tasks, size_t experts) {
  if (tasks.size() != experts) {
    return Error{std::to_string(tasks.size()) + " task labels for " + std::to_string(experts) + " experts"};
  }
  std::set<std::string> seen;
  for (const std::string& task : tasks) {
    if (task.empty()) return Error{"a task label is empty"};
    if (!seen.insert(task).second) return Error{"task label '" + task + "' is given twice"};
  }
  return Status::Ok();
}

// The sha256 of an input: of the file itself, or for a folder (a LoRA
// adapter "lora:DIR", a sharded checkpoint) or an index, of a listing
// "<file> <sha256>" of the files it consists of, sorted by name.
Result<std::string> InputDigest(std::string path) {
  if (path.rfind("lora:", 0) == 0) path = path.substr(5);
  std::error_code ec;
  if (fs::is_regular_file(path, ec) && !(path.size() > 11 && path.compare(path.size() - 11, 11, ".index.json") == 0)) {
    return Sha256File(path);
  }
  const fs::path folder = fs::is_directory(path, ec) ? fs::path(path) : fs::path(path).parent_path();
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    if (entry.is_regular_file()) files.push_back(entry.path().filename().string());
  }
  if (ec) return Error{path + ": cannot list " + folder.string() + ": " + ec.message()};
  std::sort(files.begin(), files.end());
  std::string listing;
  for (const std::string& file : files) {
    auto sha = Sha256File((folder / file).string());
    if (!sha.ok()) return sha.error();
    listing += file + " " + sha.value() + "\n";
  }
  const fs::path temp = fs::temp_directory_path() / ("gauntlet-digest-" + std::to_string(::getpid()));
  {
    std::ofstream out(temp, std::ios::binary);
    out << listing;
  }
  auto digest = Sha256File(temp.string());
  fs::remove(temp, ec);
  return digest;
}

std::string ModelLabel(const MergeArtifact& artifact, std::optional<size_t> task) {
  return artifact.path + (task ? " [task " + artifact.tasks[*task] + "]" : " [merged]");
}

}  // namespace

struct MergeArtifactWriter::State {
  std::string path, partial;
  ArtifactSources sources;
  nlohmann::json base;  // path, sha256, kind, bytes
  nlohmann::json module;  // path, sha256, bytes; null without --module
  TensorArchiveWriter writer;
  nlohmann::json index = nlohmann::json::array();
  size_t merged = 0;     // AddMerged calls so far
  size_t masks = 0;      // tasks with masks (0 until the first AddMerged)
  bool finished = false;

  State(std::string p, ArtifactSources s) : path(p), partial(p + ".partial"), sources(std::move(s)), writer(partial) {}

  Status Put(const std::string& record, const std::string& role, std::optional<size_t> task, const std::string& name,
             const at::Tensor& value, bool packbits) {
    auto entry = writer.Put(record, name, value, packbits);
    if (!entry.ok()) return Error{path + ": " + entry.error().message};
    entry.value()["role"] = role;
    entry.value()["task"] = task ? nlohmann::json(*task) : nlohmann::json(nullptr);
    index.push_back(std::move(entry).value());
    return Status::Ok();
  }
};

MergeArtifactWriter::MergeArtifactWriter(std::unique_ptr<State> state) : state_(std::move(state)) {}

MergeArtifactWriter::~MergeArtifactWriter() {
  if (state_ && !state_->finished) std::remove(state_->partial.c_str());
}

Result<std::unique_ptr<MergeArtifactWriter>> MergeArtifactWriter::Open(const std::string& path,
                                                                      const ArtifactSources& sources) {
  if (Status s = CheckLabels(sources.tasks, sources.expert_paths.size()); !s.ok()) return Error{path + ": " + s.message()};
  const bool safetensors = IsSafetensorsCheckpoint(sources.base_path);
  const std::string& base_path = sources.base_path;
  const bool one_file = base_path.size() > 12 && base_path.compare(base_path.size() - 12, 12, kSafetensorsExtension) == 0 &&
                        fs::is_regular_file(base_path);
  if (safetensors && !one_file) {
    return Error{path + ": an artifact holds its base as one file, and " + sources.base_path +
                 " is a sharded checkpoint: write the merge as --out MODEL.safetensors instead"};
  }
  // Mapped, not read: a large base is copied through the page cache.
  auto base_file = MappedFile::Open(sources.base_path);
  if (!base_file.ok()) return base_file.error();
  const MappedFile& bytes = *base_file.value();
  const bool module = !safetensors && [&] {
    try {
      torch::jit::load(std::make_shared<caffe2::serialize::MemoryReadAdapter>(bytes.data(), bytes.size()));
      return true;
    } catch (const std::exception&) {
      return false;
    }
  }();
  auto base_sha = Sha256File(sources.base_path);
  if (!base_sha.ok()) return base_sha.error();
  try {
    auto state = std::make_unique<State>(path, sources);
    state->base = {{"path", sources.base_path},
                   {"sha256", base_sha.value()},
                   {"kind", module ? "torchscript" : safetensors ? "safetensors" : "tensor_file"},
                   {"bytes", bytes.size()}};
    state->writer.PutBytes(kBase, bytes.data(), bytes.size());
    if (!sources.module_path.empty()) {
      if (module) {
        return Error{path + ": --module " + sources.module_path + " is for a base without code, and " +
                     sources.base_path + " is a TorchScript module already"};
      }
      auto module_file = MappedFile::Open(sources.module_path);
      if (!module_file.ok()) return module_file.error();
      auto module_sha = Sha256File(sources.module_path);
      if (!module_sha.ok()) return module_sha.error();
      state->module = {{"path", sources.module_path},
                       {"sha256", module_sha.value()},
                       {"bytes", module_file.value()->size()}};
      state->writer.PutBytes(kModule, module_file.value()->data(), module_file.value()->size());
    }
    return std::unique_ptr<MergeArtifactWriter>(new MergeArtifactWriter(std::move(state)));
  } catch (const std::exception& e) {
    std::remove((path + ".partial").c_str());
    return Error{path + ": cannot start the artifact: " + TorchErrorReason(e)};
  }
}

Status MergeArtifactWriter::AddMerged(const std::string& name, const at::Tensor& merged,
                                      const std::vector<at::Tensor>& masks) {
  State& s = *state_;
  if (s.merged == 0) s.masks = masks.size();
  if (masks.size() != s.masks) return Error{s.path + ": '" + name + "' comes with a different number of task masks"};
  try {
    const std::string i = std::to_string(s.merged);
    if (Status st = s.Put("merged/" + i, "merged", std::nullopt, name, merged, false); !st.ok()) return st;
    for (size_t m = 0; m < masks.size(); ++m) {
      if (Status st = s.Put("mask/" + std::to_string(m) + "/" + i, "mask", m, name, masks[m], true); !st.ok()) return st;
    }
  } catch (const std::exception& e) {
    return Error{s.path + ": writing '" + name + "' failed: " + TorchErrorReason(e)};
  }
  ++s.merged;
  return Status::Ok();
}

Status MergeArtifactWriter::Finish(const MergeResult& result, const ParameterMap& base, const ExpertModels& experts) {
  State& s = *state_;
  if (s.merged != result.merged_names.size()) {
    return Error{s.path + ": " + std::to_string(s.merged) + " merged tensors written for " +
                 std::to_string(result.merged_names.size()) + " merged names"};
  }
  nlohmann::json experts_json = nlohmann::json::array();
  for (size_t m = 0; m < s.sources.expert_paths.size(); ++m) {
    auto sha = InputDigest(s.sources.expert_paths[m]);
    if (!sha.ok()) return sha.error();
    experts_json.push_back({{"task", s.sources.tasks[m]}, {"path", s.sources.expert_paths[m]}, {"sha256", sha.value()}});
  }
  try {
    for (size_t m = 0; m < experts.size(); ++m) {
      for (size_t j = 0; j < s.sources.head_names.size(); ++j) {
        const std::string& name = s.sources.head_names[j];
        const std::string record = "head/" + std::to_string(m) + "/" + std::to_string(j);
        const at::Tensor head = experts[m]->Value(name, base.at(name));
        if (Status st = s.Put(record, "head", m, name, head, false); !st.ok()) return st;
      }
    }
    s.writer.Finish(kManifest, {{"format", kFormat},
                                {"version", kVersion},
                                {"method", result.method},
                                {"params", result.params},
                                {"tasks", s.sources.tasks},
                                {"base", s.base},
                                {"module", s.module},
                                {"experts", experts_json},
                                {"include", result.include},
                                {"exclude", result.exclude},
                                {"heads", {{"patterns", s.sources.head_patterns}, {"names", s.sources.head_names}}},
                                {"merged_names", result.merged_names},
                                {"per_task_models", s.masks > 0},
                                {"task_scales", result.task_scales},
                                {"diagnostics", DiagnosticsJson(result.diagnostics)},
                                {"created_at", UtcNow()},
                                {"gauntlet_version", GitDescription()},
                                {"command", s.sources.command},
                                {"tensors", s.index}});
  } catch (const std::exception& e) {
    return Error{s.path + ": writing the artifact failed: " + TorchErrorReason(e)};
  }
  std::error_code ec;
  fs::rename(s.partial, s.path, ec);
  if (ec) return Error{s.path + ": cannot move " + s.partial + " into place: " + ec.message()};
  s.finished = true;
  return Status::Ok();
}

Result<MergeArtifact> ReadMergeArtifact(const std::string& path) {
  if (!fs::is_regular_file(path)) return Error{path + ": no such file"};
  auto archive = TensorArchive::Open(path);
  if (!archive.ok()) return Error{archive.error().message + "; write an artifact with gauntlet merge ... --out NAME.gmerge"};
  MergeArtifact a;
  a.path = path;
  a.archive = std::make_shared<const TensorArchive>(std::move(archive).value());
  if (!a.archive->HasRecord(kManifest)) {
    return Error{path + ": not a merged artifact (no " + std::string(kManifest) +
                 " record); write one with gauntlet merge ... --out NAME.gmerge"};
  }
  auto text = a.archive->ReadText(kManifest);
  if (!text.ok()) return text.error();
  a.manifest = nlohmann::json::parse(text.value(), nullptr, /*allow_exceptions=*/false);
  if (a.manifest.is_discarded() || !a.manifest.is_object()) return Error{path + ": " + kManifest + " is not a JSON object"};
  const nlohmann::json& m = a.manifest;
  if (m.value("format", "") != kFormat || m.value("version", 0) != kVersion) {
    return Error{path + ": " + kManifest + ": format must be \"" + kFormat + "\" version " + std::to_string(kVersion)};
  }
  try {
    a.method = m.at("method").get<std::string>();
    a.base_kind = m.at("base").at("kind").get<std::string>();
    a.has_module = m.contains("module") && !m.at("module").is_null();
    if (a.has_module && !a.archive->HasRecord(kModule)) {
      return Error{path + ": " + kManifest + " names a module (" + m.at("module").value("path", "?") +
                   ") but the artifact has no " + kModule + " record"};
    }
    a.tasks = m.at("tasks").get<std::vector<std::string>>();
    a.merged_names = m.at("merged_names").get<std::vector<std::string>>();
    a.head_names = m.at("heads").at("names").get<std::vector<std::string>>();
    a.per_task_models = m.at("per_task_models").get<bool>();
    a.task_scales = m.at("task_scales").get<std::vector<double>>();
    if (a.per_task_models && a.task_scales.size() != a.tasks.size()) {
      return Error{path + ": " + kManifest + ": task_scales has " + std::to_string(a.task_scales.size()) +
                   " entries for " + std::to_string(a.tasks.size()) + " tasks"};
    }
    a.merged.set_source(path + " [merged]");
    a.masks.assign(a.per_task_models ? a.tasks.size() : 0, ParameterMap(path + " [masks]"));
    a.heads.assign(a.tasks.size(), ParameterMap(path + " [heads]"));
    for (const nlohmann::json& entry : m.at("tensors")) {
      const std::string record = entry.at("record").get<std::string>();
      const std::string role = entry.at("role").get<std::string>();
      const std::string name = entry.at("name").get<std::string>();
      const bool has_task = !entry.at("task").is_null();
      const size_t task = has_task ? entry.at("task").get<size_t>() : 0;
      if (has_task && task >= a.tasks.size()) {
        return Error{path + ": record " + record + " names task " + std::to_string(task) + " of " +
                     std::to_string(a.tasks.size())};
      }
      auto tensor = a.archive->Tensor(entry);
      if (!tensor.ok()) return tensor.error();
      if (role == "merged") {
        a.merged.Add(name, tensor.value());
      } else if (role == "mask" && a.per_task_models) {
        a.masks[task].Add(name, tensor.value());
      } else if (role == "head") {
        a.heads[task].Add(name, tensor.value());
      } else {
        return Error{path + ": record " + record + " has an unknown role '" + role + "'"};
      }
    }
  } catch (const nlohmann::json::exception& e) {
    return Error{path + ": " + kManifest + ": " + e.what()};
  }
  // Every name present for every task: a reader must not find holes later.
  for (const std::string& name : a.merged_names) {
    if (!a.merged.contains(name)) return Error{path + ": no merged tensor for '" + name + "'"};
    for (size_t t = 0; t < a.masks.size(); ++t) {
      if (!a.masks[t].contains(name)) return Error{path + ": no mask of task " + a.tasks[t] + " for '" + name + "'"};
    }
  }
  for (const std::string& name : a.head_names) {
    for (size_t t = 0; t < a.tasks.size(); ++t) {
      if (!a.heads[t].contains(name)) return Error{path + ": no head '" + name + "' for task " + a.tasks[t]};
    }
  }
  return a;
}

namespace {

Result<std::pair<const char*, size_t>> RecordBytes(const MergeArtifact& artifact, const char* record,
                                                  const char* field) {
  const size_t size = artifact.manifest.at(field).value("bytes", size_t{0});
  auto bytes = artifact.archive->Bytes(record, size);
  if (!bytes.ok()) return bytes.error();
  return std::make_pair(bytes.value(), size);
}

Result<std::pair<const char*, size_t>> BaseBytes(const MergeArtifact& artifact) {
  return RecordBytes(artifact, kBase, "base");
}

Result<torch::jit::Module> LoadModuleBytes(const MergeArtifact& artifact, const char* record, const char* field,
                                           const std::string& what) {
  auto bytes = RecordBytes(artifact, record, field);
  if (!bytes.ok()) return bytes.error();
  try {
    return torch::jit::load(
        std::make_shared<caffe2::serialize::MemoryReadAdapter>(bytes.value().first, bytes.value().second), torch::kCPU);
  } catch (const std::exception& e) {
    return Error{artifact.path + ": its " + what + " does not load: " + TorchErrorReason(e)};
  }
}

}  // namespace

Status CheckModuleFitsBase(const std::string& module_path, const ParameterMap& base) {
  torch::jit::Module module;
  try {
    module = torch::jit::load(module_path, torch::kCPU);
  } catch (const std::exception& e) {
    return Error{"--module " + module_path + ": not a TorchScript module: " + TorchErrorReason(e)};
  }
  const ParameterMap own = ModuleTensorMap(module, ModuleTensors::kParametersAndBuffers, module_path);
  for (const auto& [name, tensor] : own.entries()) {
    const at::Tensor* given = base.find(name);
    if (given == nullptr) {
      return Error{"--module " + module_path + ": its tensor '" + name + "' " + ShapeText(tensor) + " is not in " +
                   base.source() + " (the module's parameters and buffers are filled by name from the base)"};
    }
    if (!given->sizes().equals(tensor.sizes())) {
      return Error{"--module " + module_path + ": '" + name + "' is " + ShapeText(tensor) + " in the module but " +
                   ShapeText(*given) + " in " + base.source()};
    }
    const bool floating = at::isFloatingType(tensor.scalar_type());
    if (floating != at::isFloatingType(given->scalar_type()) ||
        (!floating && tensor.scalar_type() != given->scalar_type())) {
      return Error{"--module " + module_path + ": '" + name + "' is " + c10::toString(tensor.scalar_type()) +
                   " in the module but " + c10::toString(given->scalar_type()) + " in " + base.source()};
    }
  }
  for (const auto& [name, tensor] : base.entries()) {
    if (!own.contains(name)) {
      return Error{"--module " + module_path + ": " + base.source() + " has '" + name + "' " + ShapeText(tensor) +
                   ", which the module has no parameter or buffer for"};
    }
  }
  return Status::Ok();
}

Result<torch::jit::Module> LoadArtifactBaseModule(const MergeArtifact& artifact) {
  if (artifact.base_kind == "torchscript") return LoadModuleBytes(artifact, kBase, "base", "base module");
  if (!artifact.has_module) {
    return Error{artifact.path + ": its base is a " + artifact.base_kind +
                 ", not a TorchScript module, and it holds no module to run it (merge with --module CODE.pt)"};
  }
  auto module = LoadModuleBytes(artifact, kModule, "module", "module");
  if (!module.ok()) return module.error();
  auto base = ArtifactBaseParameters(artifact);
  if (!base.ok()) return base.error();
  torch::jit::Module filled = std::move(module).value();
  if (Status s = AssignModuleTensors(filled, base.value(), artifact.path + " [module]", Coverage::kEvery,
                                     Casting::kFloating);
      !s.ok()) {
    return Error{s.message()};
  }
  return filled;
}

Result<ParameterMap> ArtifactBaseParameters(const MergeArtifact& artifact) {
  const std::string label = artifact.path + " [base]";
  if (artifact.base_kind == "safetensors") {
    auto bytes = BaseBytes(artifact);
    if (!bytes.ok()) return bytes.error();
    return SafetensorsFromBytes(bytes.value().first, bytes.value().second, label, artifact.archive);
  }
  if (artifact.base_kind == "tensor_file") {
    auto bytes = BaseBytes(artifact);
    if (!bytes.ok()) return bytes.error();
    const char* data = bytes.value().first;
    return TensorFileFromBytes(std::vector<char>(data, data + bytes.value().second), label);
  }
  auto module = LoadArtifactBaseModule(artifact);
  if (!module.ok()) return module.error();
  return ModuleTensorMap(module.value(), ModuleTensors::kParametersAndBuffers, label);
}

Result<size_t> FindArtifactTask(const MergeArtifact& artifact, const std::string& label) {
  for (size_t t = 0; t < artifact.tasks.size(); ++t) {
    if (artifact.tasks[t] == label) return t;
  }
  return Error{artifact.path + ": no task '" + label + "' (its tasks: " + JoinText(artifact.tasks, ", ") + ")"};
}

Result<ParameterMap> ArtifactModel(const MergeArtifact& artifact, const ParameterMap& base, std::optional<size_t> task) {
  if (!task && !artifact.head_names.empty()) {
    return Error{artifact.path + ": keeps a head per task (" + std::to_string(artifact.head_names.size()) +
                 " tensors, e.g. '" + artifact.head_names.front() + "'), so it has no single merged model: choose a task"};
  }
  if (task && *task >= artifact.tasks.size()) {
    return Error{artifact.path + ": task " + std::to_string(*task) + " of " + std::to_string(artifact.tasks.size())};
  }
  std::set<std::string> heads(artifact.head_names.begin(), artifact.head_names.end());
  ParameterMap model(ModelLabel(artifact, task));
  for (const auto& [name, theta0] : base.entries()) {
    if (heads.count(name)) {
      model.Add(name, artifact.heads[*task].at(name));
    } else if (const at::Tensor* theta = artifact.merged.find(name)) {
      const bool masked = task && artifact.per_task_models;
      model.Add(name, masked ? TaskTensor(theta0, *theta, artifact.masks[*task].at(name), artifact.task_scales[*task])
                             : *theta);
    } else {
      model.Add(name, theta0);
    }
  }
  for (const std::string& name : artifact.merged_names) {
    if (!base.contains(name)) return Error{artifact.path + ": merged tensor '" + name + "' is not in the base"};
  }
  return model;
}

Result<std::string> ExportArtifactModel(const MergeArtifact& artifact, const std::string& which, const std::string& out) {
  std::optional<size_t> task;
  if (which != "merged") {
    auto found = FindArtifactTask(artifact, which);
    if (!found.ok()) return found.error();
    task = found.value();
  }
  auto base = ArtifactBaseParameters(artifact);
  if (!base.ok()) return base.error();
  auto model = ArtifactModel(artifact, base.value(), task);
  if (!model.ok()) return model.error();
  const bool module_out = out.size() > 3 && out.compare(out.size() - 3, 3, ".pt") == 0;
  if (artifact.base_kind != "torchscript" && !(artifact.has_module && module_out)) {
    const bool safetensors = out.size() > 12 && out.compare(out.size() - 12, 12, kSafetensorsExtension) == 0;
    Status s = safetensors ? SaveSafetensors(model.value(), out) : SaveTensorFile(model.value(), out);
    if (!s.ok()) return Error{s.message()};
    return out + ": " + (safetensors ? "safetensors checkpoint" : "tensor file") + " of " + ModelLabel(artifact, task);
  }
  auto base_module = LoadArtifactBaseModule(artifact);
  if (!base_module.ok()) return base_module.error();
  try {
    torch::jit::Module module = base_module.value();
    if (Status s = AssignModuleTensors(module, model.value(), artifact.path + " [base]", Coverage::kEvery,
                                       Casting::kFloating);
        !s.ok()) {
      return Error{s.message()};
    }
    module.save(out);
  } catch (const std::exception& e) {
    return Error{out + ": writing the module failed: " + TorchErrorReason(e)};
  }
  return out + ": TorchScript module of " + ModelLabel(artifact, task);
}

}  // namespace gauntlet::merging
