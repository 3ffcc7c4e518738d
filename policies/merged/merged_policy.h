// `merged:PATH.gmerge`: a merged artifact (merge_artifact.h) whose base is a
// TorchScript module, or that carries one (`merge --module CODE.pt`, for a
// safetensors base or LoRA experts: its tensors are filled from the model's,
// cast to the module's dtypes), run as a policy. The module keeps the TorchScript
// policy contract (torchscript_policy.h: act, optional reset and metadata);
// the policy writes into it, per episode, the weights of the task chosen by
// the route (`--policy-opt route=...`):
//
//   none            the merged model (refused when the artifact keeps heads).
//   oracle          the task is given: the artifact's task whose label equals
//                   the episode's task name, else its suite name (the "task
//                   known" setting). Default when the artifact keeps per-task
//                   masks or heads; `none` otherwise.
//   router:subspace MergeVLA's test-time router (seed 000, eq. 5-7, Alg. 1):
//                   for each candidate task m, the module with task m's
//                   weights gives hidden states; each declared pair
//                   (value-projection parameter W, hidden-state key h) scores
//                   ‖P·h̄‖₂, P the top-k right singular vectors of W in the
//                   merged (shared) model, h̄ the hidden state averaged over
//                   its leading dimensions to [d]; the candidate's score r_m
//                   is the mean over the pairs (MergeVLA: ½(r_T + r_A));
//                   p = softmax(r); the argmax (the first among equals) runs
//                   the episode. At the first query, and again every
//                   `route_every` steps when that is > 0.
//   router:lookup   a domain id selects the task, as X-VLA's per-domain soft
//                   prompts: the episode's `lookup_key` (embodiment, suite or
//                   task) mapped by `lookup` ("ID:TASK,...", default: the
//                   label equal to the id).
//
// Routable modules add to the contract (README "Merged models as policies"):
//   hidden_states(images: Dict[str, Tensor], state: Dict[str, Tensor],
//                 instruction: str) -> Dict[str, Tensor]
//       the hidden states that feed the value projections ([d] or [..., d]);
//   metadata() keys `router_values` ("PARAM=KEY,...": value-projection weight
//       [out, d] of the shared action expert and the hidden-state key it
//       reads) and `router_k` (default rank; MergeVLA uses 8).
// Options: route, k, router_values, route_every, lookup_key, lookup, and
// every key of the TorchScript policy (threads, the declared spec).
//
// Every decision becomes a RouterDecision event per candidate (candidate,
// score, probability — empty for oracle and lookup —, chosen, true_task: the
// label the oracle would pick, empty when none matches), stored in
// router_decisions. The policy declares task_id so that it can name the true
// task; the routers never read it. Oracle or lookup without a matching task
// ends the episode as `error` naming the episode and the labels.
//
// Recorded: kind "merged", the artifact's sha256, settings (route, k, ...)
// and metadata with merge_method, merged_parts, route, tasks, the module's
// metadata. Threads: one thread at a time; each worker loads its own.
#pragma once

#include <memory>
#include <string>

#include "harness/policy.h"
#include "policies/policy_options.h"

namespace gauntlet::policies::merged {

Result<std::unique_ptr<Policy>> MakeMergedPolicy(const std::string& path, PolicyOptions options);

}  // namespace gauntlet::policies::merged
