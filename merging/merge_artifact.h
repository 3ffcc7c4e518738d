// The merged artifact (`.gmerge`): everything a merge produced, in one file
// that evaluates without the inputs — the base model file (kept verbatim, so
// its code and the parameters the merge left alone travel with it), the
// merged weights, per-task masks and scales, per-task heads, diagnostics and
// provenance.
//
// Format: a tensor archive (tensor_archive.h: a zip of stored, aligned
// records, readable with Python's zipfile and NumPy) with
//   gmerge.json    the manifest: format "gauntlet-merge" version 1; method,
//                  every hyperparameter; tasks (one label per expert, in
//                  merge order); base (path, sha256, kind, bytes) and experts
//                  (task, path, sha256); selection patterns; head patterns
//                  and names; merged names; per_task_models and task_scales;
//                  diagnostics; created_at, gauntlet version, command; and
//                  `tensors`, the index of the tensor records with their role
//                  (merged, mask, head) and task.
//   base           the base file's bytes (TorchScript module, tensor file or
//                  one-file safetensors checkpoint).
//   module         with `merge --module CODE.pt` (a base that is not a
//                  TorchScript module): that module's bytes, whose code runs
//                  the model; its parameters and buffers are filled by name
//                  from the model's tensors (cast to the module's floating
//                  dtypes), so a safetensors or LoRA merge runs as a policy.
//                  The manifest's `module` holds its path, sha256 and bytes.
//   merged/<i>     θ of the i-th merged name, in its stored dtype.
//   mask/<m>/<i>   S_m of the i-th merged name (bit-packed), per_task_models only.
//   head/<m>/<j>   expert m's value of the j-th head name.
//
// Heads are the parameters kept per task (MergeVLA's unmerged expert head,
// `--heads PATTERN`): they are left out of the merge, and the model of task m
// runs with expert m's values. A per-task model (ArtifactModel with a task):
// on the merged names θ₀ + λ_m·S_m ⊙ (θ − θ₀) for per_task_models methods
// (tall_mask, emr; TaskModel in merge_methods.h), θ for the others; on the
// head names expert m's tensors; θ₀ elsewhere. The merged model (no task): θ
// on the merged names, θ₀ elsewhere; an artifact with heads has none.
//
// Memory: the writer takes one merged tensor at a time (MergeArtifactWriter
// as a MergeOptions::sink streams a merge straight into the file); a read
// artifact maps the file: merged weights, heads and the base are views into
// it, only masks are unpacked into memory.
#pragma once

#include <torch/script.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/result.h"
#include "merging/merge_methods.h"
#include "merging/parameter_map.h"
#include "merging/tensor_archive.h"

namespace gauntlet::merging {

inline constexpr char kArtifactExtension[] = ".gmerge";

// What the merge verb knows beyond the MergeResult.
struct ArtifactSources {
  std::string base_path;
  std::vector<std::string> expert_paths;   // merge order
  std::vector<std::string> tasks;          // one label per expert
  std::vector<std::string> head_patterns;  // as given
  std::vector<std::string> head_names;     // what they matched, in base order
  nlohmann::json command;                  // argv, for provenance
  std::string module_path;                 // --module: TorchScript code for a non-TorchScript base
};

// Whether the TorchScript module at `module_path` can run `base`'s tensors:
// the same names (parameters and buffers, parameter_map.h's dotted paths) and
// shapes, floating where the module is floating. The first mismatch is
// returned naming the tensor, both files and the two shapes.
Status CheckModuleFitsBase(const std::string& module_path, const ParameterMap& base);

// Writes an artifact tensor by tensor: Open, AddMerged for each merged name
// in merge order (MergeOptions::sink), Finish. The file appears under `path`
// only when Finish succeeds (written beside it, then renamed).
class MergeArtifactWriter {
 public:
  // Starts the file with the base's bytes. Labels must be distinct and
  // non-empty, one per expert. Errors name the files.
  static Result<std::unique_ptr<MergeArtifactWriter>> Open(const std::string& path, const ArtifactSources& sources);
  ~MergeArtifactWriter();

  // θ of the next merged name and its task masks (empty for methods without).
  Status AddMerged(const std::string& name, const at::Tensor& merged, const std::vector<at::Tensor>& masks);
  // Writes each expert's heads and the manifest (from `result`, whose merged
  // tensors went through AddMerged), and moves the file into place.
  Status Finish(const MergeResult& result, const ParameterMap& base, const ExpertModels& experts);

 private:
  struct State;
  explicit MergeArtifactWriter(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

struct MergeArtifact {
  std::string path;
  std::shared_ptr<const TensorArchive> archive;  // the mapped file the tensors view
  nlohmann::json manifest;
  std::string method;
  std::string base_kind;                  // "torchscript", "tensor_file" or "safetensors"
  bool has_module = false;                // a `module` record (merge --module)
  std::vector<std::string> tasks;
  std::vector<std::string> merged_names;
  std::vector<std::string> head_names;
  bool per_task_models = false;
  std::vector<double> task_scales;
  ParameterMap merged;                    // θ on the merged names
  std::vector<ParameterMap> masks;        // per task when per_task_models (bool)
  std::vector<ParameterMap> heads;        // per task, the head names

  bool routable() const { return per_task_models || !head_names.empty(); }
};

// Errors name the file and the record or manifest field at fault.
Result<MergeArtifact> ReadMergeArtifact(const std::string& path);

// The base module: a TorchScript base, or the `module` record with the base's
// tensors written into it (cast to its dtypes); and the base's tensors
// (parameter_map.h's names).
Result<torch::jit::Module> LoadArtifactBaseModule(const MergeArtifact& artifact);
Result<ParameterMap> ArtifactBaseParameters(const MergeArtifact& artifact);

// The index of `label` in artifact.tasks, or an error listing them.
Result<size_t> FindArtifactTask(const MergeArtifact& artifact, const std::string& label);

// Every tensor of the model of `task` (nullopt: the merged model), see above.
Result<ParameterMap> ArtifactModel(const MergeArtifact& artifact, const ParameterMap& base,
                                   std::optional<size_t> task);

// `gauntlet merge --export`: writes the model of `which` ("merged" or a task
// label) to `out` — a TorchScript module (the base's code, or the `module`
// record's) when the artifact has one, else a safetensors checkpoint (`out`
// ending in .safetensors) or a tensor file.
Result<std::string> ExportArtifactModel(const MergeArtifact& artifact, const std::string& which,
                                        const std::string& out);

}  // namespace gauntlet::merging
