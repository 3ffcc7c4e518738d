// ParameterMap: a model's named tensors (name -> tensor, in a fixed order),
// the unit every merge method reads and writes; its loaders and savers; the
// checks that a base and its experts can be merged; task vectors.
//
// Files:
//   TorchScript module (`torch::jit::save` / `torch.jit.save`): loading takes
//     named_parameters() and, by default, named_buffers() with recursion, so
//     names are dotted paths ("blocks.0.attn.q.weight"). Buffers are included
//     because they are model state that must travel with the weights
//     (BatchNorm running statistics); integer buffers (num_batches_tracked)
//     are carried from the base, never merged (merge_methods.h). Order:
//     the parameters, then the buffers, each in module order. The names are
//     those of the module's state_dict() in Python.
//   Tensor file: one pickled dict {str: Tensor} written by
//     `torch::pickle_save` (the format of Python's `torch.save`), so Python
//     reads it with `torch.load(path)` and writes one with
//     `torch.save(dict(model.state_dict()), path)` (a plain dict: the
//     OrderedDict of state_dict() carries a `_metadata` attribute that the C++
//     unpickler does not read). Order is the dict's insertion order.
//
// Dtypes: tensors keep their stored dtype. Arithmetic on them (task vectors,
// merges) runs in ComputeType(dtype): float64 stays float64, every other
// floating type (float32, float16, bfloat16) is computed in float32, and the
// result is cast back to the stored dtype.
//
// Copy: shallow — copies share tensor storage (torch::Tensor is a handle);
// nothing here modifies a tensor in place. Move: cheap.
// Thread-safety: const methods may be called concurrently.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "harness/result.h"

namespace gauntlet::merging {

class ParameterMap {
 public:
  using Entry = std::pair<std::string, at::Tensor>;

  // `source` names the map in errors: the file it came from, or a label.
  explicit ParameterMap(std::string source = "") : source_(std::move(source)) {}

  const std::string& source() const { return source_; }
  void set_source(std::string source) { source_ = std::move(source); }

  // Appends `name`; a name already present is a bug in the caller (checked).
  void Add(const std::string& name, at::Tensor value);

  bool contains(const std::string& name) const { return index_.count(name) > 0; }
  // nullptr when absent.
  const at::Tensor* find(const std::string& name) const;
  // `name` must be present (checked).
  const at::Tensor& at(const std::string& name) const;

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  const std::vector<Entry>& entries() const { return entries_; }
  std::vector<std::string> names() const;
  // Total elements over all tensors.
  int64_t numel() const;

 private:
  std::string source_;
  std::vector<Entry> entries_;
  std::unordered_map<std::string, size_t> index_;
};

enum class ModuleTensors { kParameters, kParametersAndBuffers };

// The named tensors of the TorchScript module at `path` (see above), detached
// from autograd. Errors name the file.
Result<ParameterMap> LoadTorchScriptParameters(const std::string& path,
                                               ModuleTensors which = ModuleTensors::kParametersAndBuffers);

// A tensor file (see above). Errors name the file: not a pickle, not a dict,
// a key that is not a string, a value that is not a tensor.
Result<ParameterMap> LoadTensorFile(const std::string& path);
// The same from the file's bytes; `path` names them in errors.
Result<ParameterMap> TensorFileFromBytes(const std::vector<char>& bytes, const std::string& path);
Status SaveTensorFile(const ParameterMap& map, const std::string& path);

// Either kind, told apart by trying TorchScript first: both are zip archives.
Result<ParameterMap> LoadParameters(const std::string& path,
                                    ModuleTensors which = ModuleTensors::kParametersAndBuffers);

// Writes a copy of the TorchScript module at `module_path` to `out_path` with
// its parameters and buffers (as loaded by LoadTorchScriptParameters with
// kParametersAndBuffers) replaced by the tensors of `map` of the same name:
// the merged model becomes a policy file. The module and the map must hold
// the same names, shapes and dtypes; an error names the first difference.
Status SaveTorchScriptWithParameters(const std::string& module_path, const ParameterMap& map,
                                     const std::string& out_path);

// Whether `expert` can be merged onto `base`: the same names, and for each
// name the same shape and dtype. The error names the parameter and both
// sources, e.g. "parameter 'fc.weight': shape [2, 3] in expert 'b.pt' but
// [3, 2] in base 'a.pt'".
Status CheckSameLayout(const ParameterMap& base, const ParameterMap& expert);
// The same for every expert; at least one is required.
Status CheckCompatible(const ParameterMap& base, const std::vector<ParameterMap>& experts);

// The dtype arithmetic on a tensor of `stored` dtype runs in (see above).
at::ScalarType ComputeType(at::ScalarType stored);
bool IsMergeable(const at::Tensor& tensor);  // floating point

// τ = θ_expert − θ_base for one tensor, in ComputeType of the base's dtype.
// Shapes and dtypes must agree (CheckSameLayout; checked).
at::Tensor TaskVector(const at::Tensor& expert, const at::Tensor& base);
// τ for every floating tensor of the maps (in ComputeType; integer tensors
// are left out); the maps must pass CheckSameLayout (the error is returned).
// Holds a whole model: for one-off uses (saving a capability vector), not
// for merging, which works tensor by tensor.
Result<ParameterMap> ComputeTaskVectors(const ParameterMap& base, const ParameterMap& expert);

// "[2, 3]"
std::string ShapeText(const at::Tensor& tensor);

}  // namespace gauntlet::merging
