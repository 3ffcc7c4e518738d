#include "merging/merge_command.h"

#include <malloc.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "harness/text_join.h"
#include "merging/merge_artifact.h"
#include "merging/merge_diagnostics.h"
#include "merging/merge_methods.h"
#include "merging/parameter_map.h"
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
  for (const std::string& path : c.experts) {
    labels.push_back(fs::path(path).stem().string());
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
  std::vector<ParameterMap> experts;
};

Result<Inputs> LoadWhole(const MergeCommand& c) {
  Inputs in;
  auto base = LoadParameters(c.base);
  if (!base.ok()) return base.error();
  in.base = std::move(base).value();
  for (const auto& path : c.experts) {
    auto expert = LoadParameters(path);
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
// the rest through the page cache.
Result<Inputs> LoadStreamed(const MergeCommand& c, Scratch& scratch) {
  std::vector<std::string> paths = {c.base};
  paths.insert(paths.end(), c.experts.begin(), c.experts.end());
  std::vector<ParameterMap> mapped;
  for (size_t i = 0; i < paths.size(); ++i) {
    auto shard = scratch.Path(i);
    if (!shard.ok()) return shard.error();
    {
      auto whole = LoadParameters(paths[i]);
      if (!whole.ok()) return whole.error();
      if (Status s = WriteTensorShard(whole.value(), shard.value()); !s.ok()) return Error{s.message()};
    }
    auto view = MapTensorShard(shard.value(), paths[i]);
    if (!view.ok()) return view.error();
    mapped.push_back(std::move(view).value());
  }
  Inputs in;
  in.base = std::move(mapped.front());
  in.experts.assign(std::make_move_iterator(mapped.begin() + 1), std::make_move_iterator(mapped.end()));
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

Status WriteRecord(const MergeResult& result, const std::string& out, bool module) {
  nlohmann::json record = MergeRecordJson(result);
  record["output"] = {{"path", out}, {"kind", module ? "torchscript" : "tensor_file"}};
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
  // Settings are checked before any model is loaded.
  if (auto params = ResolveMergeParams(c.method, c.params); !params.ok()) return params.error();
  auto labels = TaskLabels(c);
  if (!labels.ok()) return labels.error();
  std::vector<std::string> exclude = c.exclude;
  exclude.insert(exclude.end(), c.heads.begin(), c.heads.end());
  auto selection = ParameterSelection::Create(c.include, exclude);
  if (!selection.ok()) return selection.error();
  const bool to_artifact = artifact_out || !c.export_which.empty();
  if (c.stream && !to_artifact) return Error{"--stream writes an artifact: give --out NAME.gmerge or --export"};
  Scratch scratch(c.stream ? (c.scratch.empty() ? c.out + ".scratch" : c.scratch) : "");
  auto inputs = c.stream ? LoadStreamed(c, scratch) : LoadWhole(c);
  if (!inputs.ok()) return inputs.error();
  const ParameterMap& base = inputs.value().base;
  const std::vector<ParameterMap>& experts = inputs.value().experts;
  auto heads = HeadNames(c, base);
  if (!heads.ok()) return heads.error();
  MergeOptions options;
  options.selection = selection.value();
  options.diagnostics.group_depth = c.group_depth;

  if (to_artifact) {
    ArtifactSources sources{c.base, c.experts, labels.value(), c.heads, heads.value(), c.argv};
    // An export of a fresh merge goes through a temporary artifact, so that
    // it is exactly what `--from` would export.
    const std::string artifact_path = artifact_out ? c.out : c.out + ".export.gmerge";
    auto writer = MergeArtifactWriter::Open(artifact_path, sources);
    if (!writer.ok()) return writer.error();
    options.sink = [&](const std::string& name, const at::Tensor& merged, const std::vector<at::Tensor>& masks) {
      Status written = writer.value()->AddMerged(name, merged, masks);
      if (c.stream) {
        ReleaseMappedPages(base.at(name));
        for (const ParameterMap& expert : experts) ReleaseMappedPages(expert.at(name));
      }
      return written;
    };
    auto result = MergeModels(c.method, base, experts, c.params, options);
    if (!result.ok()) return result.error();
    if (Status s = writer.value()->Finish(result.value(), experts); !s.ok()) return Error{s.message()};
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

  auto result = MergeModels(c.method, base, experts, c.params, options);
  if (!result.ok()) return result.error();
  const std::string diagnostics = DiagnosticsText(result.value().diagnostics) + "\n";
  // A TorchScript base gives a runnable module with the merged weights.
  const bool module = LoadTorchScriptParameters(c.base).ok();
  Status saved = module ? SaveTorchScriptWithParameters(c.base, result.value().merged, c.out)
                        : SaveTensorFile(result.value().merged, c.out);
  if (!saved.ok()) return Error{saved.message()};
  if (Status s = WriteRecord(result.value(), c.out, module); !s.ok()) return Error{s.message()};
  return diagnostics + "wrote " + c.out + " (" + (module ? "TorchScript module" : "tensor file") + ") and " + c.out +
         ".json (method, parameters, sources, diagnostics)\n";
}

}  // namespace gauntlet::merging
