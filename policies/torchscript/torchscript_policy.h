// `torchscript:PATH.pt`: a TorchScript module run on the CPU with LibTorch.
// The export recipe: scripts/export_torchscript_policy.py; README.md
// "TorchScript policies".
//
// The module's contract:
//   act(images: Dict[str, Tensor], state: Dict[str, Tensor], instruction: str) -> Tensor
//       images: the declared cameras only, uint8 [H, W, 3], row 0 at the top;
//       state: the declared state keys only, float64 [n]; instruction: UTF-8.
//       Returns [H, D] floating point actions, first to execute first ([D]
//       means H = 1); D must equal action_dim, and H the declared chunk when
//       it is fixed. Converted to float64.
//   act_batch(images: Dict[str, Tensor], state: Dict[str, Tensor], instructions: List[str]) -> Tensor
//       optional, the batch contract: act's inputs stacked along a leading
//       batch dimension (uint8 [B, H, W, 3], float64 [B, n], B instructions),
//       returning [B, H, D] (or [B, D]). A module with act_batch and without
//       reset keeps nothing per episode: one loaded module then serves every
//       episode of a run, and the queries of episodes in flight are answered
//       together (harness/scheduler.h).
//   reset() -> None                       optional, called at each episode start;
//   reset(task: str, task_index: int)     its form when the spec says task_id=true
//                                         (then required).
//   metadata() -> Dict[str, str]          optional: the declared spec (keys and
//                                         defaults: harness/declared_policy_spec.h) and anything
//                                         else; recorded with the run.
// Every declared key may be overridden by `--policy-opt key=value`. Setting
// `threads` (default 1): LibTorch's intra-op threads. at::set_num_threads is
// process-global: every TorchScript policy of one process shares the last
// value set, and `--workers N` uses up to N x threads cores.
//
// Loading refuses a missing file, a file that is not a TorchScript module, an
// `act` or `reset` of the wrong form, an invalid declared value or an unknown
// --policy-opt, naming the file. At run time the module runs in training-off
// mode (eval()) under c10::InferenceMode; an output of the wrong rank, width,
// chunk or dtype, and any exception raised in the module, is a PolicyError
// naming the file (and the shape): that episode ends as `error`, the run goes on.
//
// Threads: a policy is used by one thread at a time. Without the batch
// contract each worker (or episode slot) loads its own module.
#pragma once

#include <memory>
#include <string>

#include "harness/policy.h"
#include "policies/policy_options.h"

namespace gauntlet::policies {

Result<std::unique_ptr<Policy>> MakeTorchScriptPolicy(const std::string& path, PolicyOptions options);

}  // namespace gauntlet::policies
