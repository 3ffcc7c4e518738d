#include "policies/torchscript/torchscript_policy.h"

#include <ATen/Parallel.h>
#include <torch/script.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "harness/run_metadata.h"
#include "policies/torchscript/declared_spec.h"

namespace gauntlet::policies {

namespace {

namespace fs = std::filesystem;

const char kActForm[] =
    "act(images: Dict[str, Tensor], state: Dict[str, Tensor], instruction: str) -> Tensor";

// The line of a LibTorch error message that says what went wrong: the last
// non-empty one (TorchScript's interpreter puts its traceback first).
std::string Reason(const std::string& message) {
  const size_t end = message.find_last_not_of(" \n");
  if (end == std::string::npos) return message;
  const size_t newline = message.rfind('\n', end);
  const size_t start = newline == std::string::npos ? 0 : newline + 1;
  return message.substr(start, end + 1 - start);
}

std::string Reason(const std::exception& e) {
  if (const auto* c10_error = dynamic_cast<const c10::Error*>(&e)) return Reason(c10_error->what_without_backtrace());
  return Reason(e.what());
}

// Runs `body` (LibTorch calls); any exception it raises becomes a PolicyError
// naming the file and the call.
template <class Body>
auto Guarded(const std::string& source, const std::string& call, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const PolicyError&) {
    throw;
  } catch (const std::exception& e) {
    throw PolicyError(source + ": " + call + " failed: " + Reason(e));
  }
}

// Whether `method` takes exactly `params` (after self), each accepting what we pass.
bool Takes(const torch::jit::Method& method, const std::vector<c10::TypePtr>& params) {
  const auto& args = method.function().getSchema().arguments();
  if (args.size() != params.size() + 1) return false;
  for (size_t i = 0; i < params.size(); ++i) {
    if (!params[i]->isSubtypeOf(*args[i + 1].type())) return false;
  }
  return true;
}

std::string FormOf(const torch::jit::Method& method) { return c10::str(method.function().getSchema()); }

class TorchScriptPolicy : public Policy {
 public:
  TorchScriptPolicy(torch::jit::Module module, PolicyInfo info, bool has_reset)
      : module_(std::move(module)), info_(std::move(info)), has_reset_(has_reset) {}

  PolicyInfo info() const override { return info_; }

  void reset(const EpisodeContext& context) override {
    if (!has_reset_) return;
    Guarded(info_.source, "reset", [&] {
      c10::InferenceMode inference;
      if (info_.needs.task_id) {
        module_.get_method("reset")({context.task, static_cast<int64_t>(context.task_index)});
      } else {
        module_.get_method("reset")({});
      }
    });
  }

  ActionChunk act(const Observation& observation) override {
    return Guarded(info_.source, "act", [&] {
      c10::InferenceMode inference;
      // The return type was checked at load: a Tensor.
      return ActionChunk{ToActions(module_.get_method("act")(Inputs(observation)).toTensor()), {}};
    });
  }

 private:
  // The declared cameras and state keys as tensors. Copies: the module may
  // write into its inputs, and the observation is the runner's.
  std::vector<c10::IValue> Inputs(const Observation& obs) const {
    c10::Dict<std::string, at::Tensor> images, state;
    for (const std::string& camera : info_.needs.cameras) {
      auto it = obs.images.find(camera);
      if (it == obs.images.end()) throw PolicyError(info_.source + ": the observation has no '" + camera + "' image");
      const Image& image = it->second;
      images.insert(camera, torch::from_blob(const_cast<std::uint8_t*>(image.rgb.data()),
                                             {image.height, image.width, 3}, torch::kUInt8).clone());
    }
    for (const std::string& key : info_.needs.state_keys) {
      auto it = obs.state.find(key);
      if (it == obs.state.end()) throw PolicyError(info_.source + ": the observation has no state '" + key + "'");
      const std::vector<double>& values = it->second;
      state.insert(key, torch::from_blob(const_cast<double*>(values.data()),
                                         {static_cast<int64_t>(values.size())}, torch::kFloat64).clone());
    }
    return {images, state, obs.instruction};
  }

  // [H, D] (or [D]: H = 1) floating point values -> H actions of D doubles.
  std::vector<Action> ToActions(const at::Tensor& out) const {
    const int64_t dim = info_.action_spec.dim, chunk = info_.action_spec.chunk_length;
    const bool rank_ok = out.dim() == 1 || out.dim() == 2;
    const int64_t rows = out.dim() == 2 ? out.size(0) : 1;
    if (!out.is_floating_point() || !rank_ok || out.size(-1) != dim || rows < 1 || (chunk > 0 && rows != chunk)) {
      const std::string d = std::to_string(dim);
      const std::string expected = chunk == 0 ? "[H, " + d + "] or [" + d + "]"
                                   : chunk == 1 ? "[1, " + d + "] or [" + d + "]"
                                                : "[" + std::to_string(chunk) + ", " + d + "]";
      throw PolicyError(info_.source + ": act returned a " + c10::toString(out.scalar_type()) + " tensor of shape " +
                        c10::str(out.sizes()) + "; expected floating point values of shape " + expected);
    }
    const at::Tensor values = out.to(at::kCPU, at::kDouble).contiguous().reshape({rows, dim});
    const double* p = values.data_ptr<double>();
    std::vector<Action> actions;
    for (int64_t h = 0; h < rows; ++h) actions.emplace_back(p + h * dim, p + (h + 1) * dim);
    return actions;
  }

  torch::jit::Module module_;
  PolicyInfo info_;
  bool has_reset_;
};

// metadata() as string pairs (none when the module has no such method).
Result<std::map<std::string, std::string>> ReadMetadata(torch::jit::Module& module, const std::string& source) {
  std::map<std::string, std::string> metadata;
  if (!module.find_method("metadata")) return metadata;
  try {
    c10::InferenceMode inference;
    const c10::IValue out = module.get_method("metadata")({});
    if (!out.isGenericDict()) return Error{source + ": metadata() returned a " + out.tagKind() + ", expected Dict[str, str]"};
    for (const auto& entry : out.toGenericDict()) {
      if (!entry.key().isString() || !entry.value().isString()) {
        return Error{source + ": metadata() must return Dict[str, str]"};
      }
      metadata[entry.key().toStringRef()] = entry.value().toStringRef();
    }
  } catch (const std::exception& e) {
    return Error{source + ": metadata() failed: " + Reason(e)};
  }
  return metadata;
}

}  // namespace

Result<std::unique_ptr<Policy>> MakeTorchScriptPolicy(const std::string& path, PolicyOptions options) {
  std::error_code ec;
  const std::string source = fs::absolute(path, ec).lexically_normal().string();
  if (ec || !fs::is_regular_file(source)) return Error{source + ": no such file"};
  torch::jit::Module module;
  try {
    module = torch::jit::load(source, torch::kCPU);
  } catch (const std::exception& e) {
    return Error{source + ": not a TorchScript module (" + Reason(e) +
                 "); write one with torch.jit.script(model).save(path), as scripts/export_torchscript_policy.py does"};
  }
  module.eval();

  const auto act = module.find_method("act");
  const c10::TypePtr tensors = c10::DictType::create(c10::StringType::get(), c10::TensorType::get());
  if (!act) return Error{source + ": the module has no method " + kActForm};
  if (!Takes(*act, {tensors, tensors, c10::StringType::get()}) ||
      !act->function().getSchema().returns().at(0).type()->isSubtypeOf(*c10::TensorType::get())) {
    return Error{source + ": the module's act is " + FormOf(*act) + "; expected " + kActForm};
  }

  auto metadata = ReadMetadata(module, source);
  if (!metadata.ok()) return metadata.error();
  auto spec = ResolveDeclaredSpec(metadata.value(), "metadata()", options);
  if (!spec.ok()) return Error{source + ": " + spec.error().message};
  auto threads = options.Int("threads", 1);
  if (!threads.ok()) return Error{source + ": " + threads.error().message};
  if (threads.value() < 1) return Error{source + ": --policy-opt threads must be at least 1"};
  if (Status s = options.CheckAllKnown("torchscript"); !s.ok()) return Error{source + ": " + s.message()};

  const bool task_id = spec.value().needs.task_id;
  const auto reset = module.find_method("reset");
  const std::vector<c10::TypePtr> reset_params =
      task_id ? std::vector<c10::TypePtr>{c10::StringType::get(), c10::IntType::get()} : std::vector<c10::TypePtr>{};
  const char* reset_form = task_id ? "reset(task: str, task_index: int)" : "reset()";
  if (reset && !Takes(*reset, reset_params)) {
    return Error{source + ": the module's reset is " + FormOf(*reset) + "; expected " + reset_form +
                 (task_id ? " (task_id=true)" : "")};
  }
  if (!reset && task_id) return Error{source + ": task_id=true needs a method " + reset_form};

  auto sha = Sha256File(source);
  if (!sha.ok()) return sha.error();
  at::set_num_threads(threads.value());  // process-global (see the header)

  PolicyInfo info;
  info.name = info.kind = "torchscript";
  info.source = source;
  info.checkpoint_sha256 = sha.value();
  info.action_spec = spec.value().action;
  info.needs = spec.value().needs;
  info.settings_json = options.resolved().dump();
  info.metadata_json = nlohmann::json(metadata.value()).dump();
  return std::unique_ptr<Policy>(new TorchScriptPolicy(std::move(module), std::move(info), reset.has_value()));
}

}  // namespace gauntlet::policies
