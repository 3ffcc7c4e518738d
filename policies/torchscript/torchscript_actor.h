// The TorchScript side of a policy: a loaded module checked against the
// contract of torchscript_policy.h, its declared spec resolved, and its
// methods called with observations — shared by `torchscript:` and by
// `merged:` (policies/merged/merged_policy.h), which switches the module's
// weights between tasks and also calls hidden_states for routing.
//
// Errors at run time are PolicyErrors naming the module's source and the call
// (LibTorch's message reduced to the line that says what went wrong).
// Threads: one thread at a time.
#pragma once

#include <torch/script.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness/policy.h"
#include "policies/policy_options.h"
#include "policies/declared_spec.h"

namespace gauntlet::policies {

class TorchScriptActor {
 public:
  // Checks `act` (and `reset`, `metadata`, `hidden_states` when present) and
  // resolves the declared spec with `options` (which also gives `threads`,
  // applied process-wide; the caller checks the options for unknown keys).
  // Errors name `source`.
  static Result<std::unique_ptr<TorchScriptActor>> Create(torch::jit::Module module, const std::string& source,
                                                          PolicyOptions& options);

  const std::string& source() const { return source_; }
  const DeclaredPolicySpec& spec() const { return spec_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  bool has_hidden_states() const { return has_hidden_states_; }
  bool has_reset() const { return has_reset_; }
  // The batch contract: act_batch takes act's inputs stacked along a leading
  // batch dimension (images uint8 [B, H, W, 3], state float64 [B, n], one
  // instruction per row) and returns [B, H, D] (or [B, D]).
  bool has_act_batch() const { return has_act_batch_; }
  torch::jit::Module& module() { return module_; }

  // reset() or reset(task, task_index) as declared; nothing when absent.
  void Reset(const EpisodeContext& context);
  std::vector<Action> Act(const Observation& observation);
  // One chunk per observation, from one act_batch call.
  std::vector<std::vector<Action>> ActBatch(const std::vector<const Observation*>& observations);
  // hidden_states(images, state, instruction): each value as float64.
  std::map<std::string, at::Tensor> HiddenStates(const Observation& observation);

 private:
  TorchScriptActor(torch::jit::Module module, std::string source, DeclaredPolicySpec spec,
                   std::map<std::string, std::string> metadata, bool has_reset, bool has_hidden_states);
  std::vector<c10::IValue> Inputs(const Observation& observation) const;
  std::vector<Action> ToActions(const at::Tensor& out) const;

  torch::jit::Module module_;
  std::string source_;
  DeclaredPolicySpec spec_;
  std::map<std::string, std::string> metadata_;
  bool has_reset_;
  bool has_hidden_states_;
  bool has_act_batch_ = false;
};

// The contract's act signature, for messages.
extern const char kTorchScriptActForm[];
extern const char kTorchScriptActBatchForm[];

}  // namespace gauntlet::policies
