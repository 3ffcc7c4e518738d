#include "policies/torchscript/torchscript_actor.h"

#include <ATen/Parallel.h>

#include "merging/torch_errors.h"

namespace gauntlet::policies {

const char kTorchScriptActForm[] =
    "act(images: Dict[str, Tensor], state: Dict[str, Tensor], instruction: str) -> Tensor";
const char kTorchScriptActBatchForm[] =
    "act_batch(images: Dict[str, Tensor], state: Dict[str, Tensor], instructions: List[str]) -> Tensor";

namespace {

const char kHiddenStatesForm[] =
    "hidden_states(images: Dict[str, Tensor], state: Dict[str, Tensor], instruction: str) -> Dict[str, Tensor]";

// Runs `body` (LibTorch calls); any exception it raises becomes a PolicyError
// naming the module and the call.
template <class Body>
auto Guarded(const std::string& source, const std::string& call, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const PolicyError&) {
    throw;
  } catch (const std::exception& e) {
    throw PolicyError(source + ": " + call + " failed: " + merging::TorchErrorReason(e));
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

bool Returns(const torch::jit::Method& method, const c10::TypePtr& type) {
  const auto& returns = method.function().getSchema().returns();
  return returns.size() == 1 && returns[0].type()->isSubtypeOf(*type);
}

std::string FormOf(const torch::jit::Method& method) { return c10::str(method.function().getSchema()); }

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
    return Error{source + ": metadata() failed: " + merging::TorchErrorReason(e)};
  }
  return metadata;
}

}  // namespace

TorchScriptActor::TorchScriptActor(torch::jit::Module module, std::string source, DeclaredPolicySpec spec,
                                   std::map<std::string, std::string> metadata, bool has_reset, bool has_hidden_states)
    : module_(std::move(module)),
      source_(std::move(source)),
      spec_(std::move(spec)),
      metadata_(std::move(metadata)),
      has_reset_(has_reset),
      has_hidden_states_(has_hidden_states) {}

Result<std::unique_ptr<TorchScriptActor>> TorchScriptActor::Create(torch::jit::Module module, const std::string& source,
                                                                   PolicyOptions& options) {
  module.eval();
  const c10::TypePtr tensors = c10::DictType::create(c10::StringType::get(), c10::TensorType::get());
  const std::vector<c10::TypePtr> observation = {tensors, tensors, c10::StringType::get()};
  const auto act = module.find_method("act");
  if (!act) return Error{source + ": the module has no method " + kTorchScriptActForm};
  if (!Takes(*act, observation) || !Returns(*act, c10::TensorType::get())) {
    return Error{source + ": the module's act is " + FormOf(*act) + "; expected " + kTorchScriptActForm};
  }
  const auto act_batch = module.find_method("act_batch");
  const std::vector<c10::TypePtr> batch = {tensors, tensors, c10::ListType::ofStrings()};
  if (act_batch && (!Takes(*act_batch, batch) || !Returns(*act_batch, c10::TensorType::get()))) {
    return Error{source + ": the module's act_batch is " + FormOf(*act_batch) + "; expected " +
                 kTorchScriptActBatchForm};
  }
  const auto hidden = module.find_method("hidden_states");
  if (hidden && (!Takes(*hidden, observation) || !Returns(*hidden, tensors))) {
    return Error{source + ": the module's hidden_states is " + FormOf(*hidden) + "; expected " + kHiddenStatesForm};
  }

  auto metadata = ReadMetadata(module, source);
  if (!metadata.ok()) return metadata.error();
  auto spec = ResolveDeclaredSpec({SpecLayer{"metadata()", metadata.value()}}, options);
  if (!spec.ok()) return Error{source + ": " + spec.error().message};
  auto threads = options.Int("threads", 1);
  if (!threads.ok()) return Error{source + ": " + threads.error().message};
  if (threads.value() < 1) return Error{source + ": --policy-opt threads must be at least 1"};

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
  at::set_num_threads(threads.value());  // process-global (torchscript_policy.h)
  auto actor = std::unique_ptr<TorchScriptActor>(new TorchScriptActor(
      std::move(module), source, std::move(spec).value(), std::move(metadata).value(), reset.has_value(),
      hidden.has_value()));
  actor->has_act_batch_ = act_batch.has_value();
  return actor;
}

void TorchScriptActor::Reset(const EpisodeContext& context) {
  if (!has_reset_) return;
  Guarded(source_, "reset", [&] {
    c10::InferenceMode inference;
    if (spec_.needs.task_id) {
      module_.get_method("reset")({context.task, static_cast<int64_t>(context.task_index)});
    } else {
      module_.get_method("reset")({});
    }
  });
}

std::vector<Action> TorchScriptActor::Act(const Observation& observation) {
  return Guarded(source_, "act", [&] {
    c10::InferenceMode inference;
    // The return type was checked at load: a Tensor.
    return ToActions(module_.get_method("act")(Inputs(observation)).toTensor());
  });
}

std::vector<std::vector<Action>> TorchScriptActor::ActBatch(const std::vector<const Observation*>& observations) {
  if (!has_act_batch_) throw PolicyError(source_ + ": the module has no method " + kTorchScriptActBatchForm);
  return Guarded(source_, "act_batch", [&] {
    c10::InferenceMode inference;
    // Each observation's inputs as act would get them, stacked along a new
    // leading dimension.
    std::map<std::string, std::vector<at::Tensor>> images, state;
    c10::List<std::string> instructions;
    for (const Observation* obs : observations) {
      std::vector<c10::IValue> one = Inputs(*obs);
      for (const auto& e : one[0].toGenericDict()) images[e.key().toStringRef()].push_back(e.value().toTensor());
      for (const auto& e : one[1].toGenericDict()) state[e.key().toStringRef()].push_back(e.value().toTensor());
      instructions.push_back(one[2].toStringRef());
    }
    c10::Dict<std::string, at::Tensor> batched_images, batched_state;
    for (auto& [name, tensors] : images) batched_images.insert(name, at::stack(tensors));
    for (auto& [name, tensors] : state) batched_state.insert(name, at::stack(tensors));
    const at::Tensor out = module_.get_method("act_batch")({batched_images, batched_state, instructions}).toTensor();
    const int64_t n = static_cast<int64_t>(observations.size());
    if (out.dim() < 2 || out.size(0) != n) {
      throw PolicyError(source_ + ": act_batch returned a tensor of shape " + c10::str(out.sizes()) +
                        " for a batch of " + std::to_string(n) + "; expected [" + std::to_string(n) + ", H, " +
                        std::to_string(spec_.action.dim) + "] or [" + std::to_string(n) + ", " +
                        std::to_string(spec_.action.dim) + "]");
    }
    std::vector<std::vector<Action>> chunks;
    for (int64_t i = 0; i < n; ++i) chunks.push_back(ToActions(out[i]));
    return chunks;
  });
}

std::map<std::string, at::Tensor> TorchScriptActor::HiddenStates(const Observation& observation) {
  if (!has_hidden_states_) throw PolicyError(source_ + ": the module has no method " + kHiddenStatesForm);
  return Guarded(source_, "hidden_states", [&] {
    c10::InferenceMode inference;
    std::map<std::string, at::Tensor> out;
    for (const auto& entry : module_.get_method("hidden_states")(Inputs(observation)).toGenericDict()) {
      out[entry.key().toStringRef()] = entry.value().toTensor().to(at::kCPU, at::kDouble);
    }
    return out;
  });
}

// The declared cameras and state keys as tensors. Copies: the module may
// write into its inputs, and the observation is the runner's.
std::vector<c10::IValue> TorchScriptActor::Inputs(const Observation& obs) const {
  c10::Dict<std::string, at::Tensor> images, state;
  for (const std::string& camera : spec_.needs.cameras) {
    auto it = obs.images.find(camera);
    if (it == obs.images.end()) throw PolicyError(source_ + ": the observation has no '" + camera + "' image");
    const Image& image = it->second;
    images.insert(camera, torch::from_blob(const_cast<std::uint8_t*>(image.rgb.data()),
                                           {image.height, image.width, 3}, torch::kUInt8).clone());
  }
  for (const std::string& key : spec_.needs.state_keys) {
    auto it = obs.state.find(key);
    if (it == obs.state.end()) throw PolicyError(source_ + ": the observation has no state '" + key + "'");
    const std::vector<double>& values = it->second;
    state.insert(key, torch::from_blob(const_cast<double*>(values.data()),
                                       {static_cast<int64_t>(values.size())}, torch::kFloat64).clone());
  }
  return {images, state, obs.instruction};
}

// [H, D] (or [D]: H = 1) floating point values -> H actions of D doubles.
std::vector<Action> TorchScriptActor::ToActions(const at::Tensor& out) const {
  const int64_t dim = spec_.action.dim, chunk = spec_.action.chunk_length;
  const bool rank_ok = out.dim() == 1 || out.dim() == 2;
  const int64_t rows = out.dim() == 2 ? out.size(0) : 1;
  if (!out.is_floating_point() || !rank_ok || out.size(-1) != dim || rows < 1 || (chunk > 0 && rows != chunk)) {
    const std::string d = std::to_string(dim);
    const std::string expected = chunk == 0 ? "[H, " + d + "] or [" + d + "]"
                                 : chunk == 1 ? "[1, " + d + "] or [" + d + "]"
                                              : "[" + std::to_string(chunk) + ", " + d + "]";
    throw PolicyError(source_ + ": act returned a " + c10::toString(out.scalar_type()) + " tensor of shape " +
                      c10::str(out.sizes()) + "; expected floating point values of shape " + expected);
  }
  const at::Tensor values = out.to(at::kCPU, at::kDouble).contiguous().reshape({rows, dim});
  const double* p = values.data_ptr<double>();
  std::vector<Action> actions;
  for (int64_t h = 0; h < rows; ++h) actions.emplace_back(p + h * dim, p + (h + 1) * dim);
  return actions;
}

}  // namespace gauntlet::policies
