#include "merging/parameter_map.h"

#include <torch/script.h>

#include <fstream>
#include <iterator>
#include <sstream>

#include "merging/module_tensors.h"
#include "merging/torch_errors.h"

namespace gauntlet::merging {

void ParameterMap::Add(const std::string& name, at::Tensor value) {
  GAUNTLET_CHECK(!contains(name), "parameter '" + name + "' added twice to '" + source_ + "'");
  index_.emplace(name, entries_.size());
  entries_.emplace_back(name, std::move(value));
}

const at::Tensor* ParameterMap::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &entries_[it->second].second;
}

const at::Tensor& ParameterMap::at(const std::string& name) const {
  const at::Tensor* tensor = find(name);
  GAUNTLET_CHECK(tensor != nullptr, "no parameter '" + name + "' in '" + source_ + "'");
  return *tensor;
}

std::vector<std::string> ParameterMap::names() const {
  std::vector<std::string> names;
  names.reserve(entries_.size());
  for (const auto& [name, tensor] : entries_) names.push_back(name);
  return names;
}

int64_t ParameterMap::numel() const {
  int64_t total = 0;
  for (const auto& [name, tensor] : entries_) total += tensor.numel();
  return total;
}

std::string ShapeText(const at::Tensor& tensor) {
  std::ostringstream out;
  out << "[";
  for (int64_t d = 0; d < tensor.dim(); ++d) out << (d ? ", " : "") << tensor.size(d);
  out << "]";
  return out.str();
}

namespace {

Result<std::vector<char>> ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot open the file"};
  return std::vector<char>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

Result<ParameterMap> LoadTorchScriptParameters(const std::string& path, ModuleTensors which) {
  try {
    return ModuleTensorMap(torch::jit::load(path), which, path);
  } catch (const std::exception& e) {
    return Error{path + ": not a loadable TorchScript module: " + TorchErrorReason(e)};
  }
}

Result<ParameterMap> LoadTensorFile(const std::string& path) {
  auto bytes = ReadBytes(path);
  if (!bytes.ok()) return bytes.error();
  return TensorFileFromBytes(bytes.value(), path);
}

Result<ParameterMap> TensorFileFromBytes(const std::vector<char>& bytes, const std::string& path) {
  c10::IValue value;
  try {
    value = torch::jit::pickle_load(bytes);
  } catch (const std::exception& e) {
    return Error{path + ": not a tensor file written by torch::pickle_save or torch.save (from Python, save a " +
                 "plain dict: torch.save(dict(model.state_dict()), path)): " + TorchErrorReason(e)};
  }
  if (!value.isGenericDict()) {
    return Error{path + ": holds a " + value.tagKind() + ", not a dict {str: Tensor}"};
  }
  ParameterMap map(path);
  for (const auto& item : value.toGenericDict()) {
    if (!item.key().isString()) return Error{path + ": a key of the dict is a " + item.key().tagKind() + ", not a str"};
    const std::string name = item.key().toStringRef();
    if (!item.value().isTensor()) {
      return Error{path + ": '" + name + "' holds a " + item.value().tagKind() + ", not a Tensor"};
    }
    map.Add(name, item.value().toTensor().detach());
  }
  return map;
}

Status SaveTensorFile(const ParameterMap& map, const std::string& path) {
  try {
    c10::Dict<std::string, at::Tensor> dict;
    for (const auto& [name, tensor] : map.entries()) dict.insert(name, tensor);
    const std::vector<char> bytes = torch::jit::pickle_save(c10::IValue(dict));
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) return Error{path + ": cannot write the tensor file"};
    return Status::Ok();
  } catch (const std::exception& e) {
    return Error{path + ": saving the tensor file failed: " + TorchErrorReason(e)};
  }
}

Result<ParameterMap> LoadParameters(const std::string& path, ModuleTensors which) {
  auto module = LoadTorchScriptParameters(path, which);
  if (module.ok()) return module;
  auto file = LoadTensorFile(path);
  if (file.ok()) return file;
  return Error{path + ": neither a TorchScript module nor a tensor file (" + module.error().message + "; " +
               file.error().message + ")"};
}

Status SaveTorchScriptWithParameters(const std::string& module_path, const ParameterMap& map,
                                     const std::string& out_path) {
  try {
    torch::jit::Module module = torch::jit::load(module_path);
    if (Status s = AssignModuleTensors(module, map, module_path, Coverage::kEvery); !s.ok()) return s;
    module.save(out_path);
    return Status::Ok();
  } catch (const std::exception& e) {
    return Error{module_path + " -> " + out_path + ": writing the module failed: " + TorchErrorReason(e)};
  }
}

Status CheckSameLayout(const ParameterMap& base, const ParameterMap& expert) {
  for (const auto& [name, tensor] : base.entries()) {
    const at::Tensor* other = expert.find(name);
    if (other == nullptr) {
      return Error{"parameter '" + name + "' of base '" + base.source() + "' is missing from expert '" +
                   expert.source() + "'"};
    }
    if (!other->sizes().equals(tensor.sizes())) {
      return Error{"parameter '" + name + "': shape " + ShapeText(*other) + " in expert '" + expert.source() +
                   "' but " + ShapeText(tensor) + " in base '" + base.source() + "'"};
    }
    if (other->scalar_type() != tensor.scalar_type()) {
      return Error{"parameter '" + name + "': dtype " + c10::toString(other->scalar_type()) + " in expert '" +
                   expert.source() + "' but " + c10::toString(tensor.scalar_type()) + " in base '" +
                   base.source() + "'"};
    }
  }
  if (expert.size() != base.size()) {
    for (const auto& [name, tensor] : expert.entries()) {
      if (!base.contains(name)) {
        return Error{"parameter '" + name + "' of expert '" + expert.source() + "' is missing from base '" +
                     base.source() + "'"};
      }
    }
  }
  return Status::Ok();
}

Status CheckCompatible(const ParameterMap& base, const std::vector<ParameterMap>& experts) {
  if (experts.empty()) return Error{"no experts to merge onto base '" + base.source() + "'"};
  for (const auto& expert : experts) {
    Status status = CheckSameLayout(base, expert);
    if (!status.ok()) return status;
  }
  return Status::Ok();
}

at::ScalarType ComputeType(at::ScalarType stored) {
  return stored == at::kDouble ? at::kDouble : at::kFloat;
}

bool IsMergeable(const at::Tensor& tensor) { return at::isFloatingType(tensor.scalar_type()); }

at::Tensor TaskVector(const at::Tensor& expert, const at::Tensor& base) {
  GAUNTLET_CHECK(expert.sizes().equals(base.sizes()) && expert.scalar_type() == base.scalar_type(),
                 "task vector of tensors of different layouts");
  const at::ScalarType type = ComputeType(base.scalar_type());
  return expert.to(type) - base.to(type);
}

Result<ParameterMap> ComputeTaskVectors(const ParameterMap& base, const ParameterMap& expert) {
  Status status = CheckSameLayout(base, expert);
  if (!status.ok()) return Error{status.message()};
  torch::NoGradGuard no_grad;
  ParameterMap vectors("task vector " + expert.source() + " - " + base.source());
  for (const auto& [name, tensor] : base.entries()) {
    if (IsMergeable(tensor)) vectors.Add(name, TaskVector(expert.at(name), tensor));
  }
  return vectors;
}

}  // namespace gauntlet::merging
