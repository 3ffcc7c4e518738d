// Model merging: a base model θ₀ and M experts θ_m fine-tuned from it
// (ParameterMaps of the same layout) become one merged model, by a method
// chosen by stable name with explicit hyperparameters.
//
// Every method computes, per parameter, a merged task vector τ_merge from the
// task vectors τ_m = θ_m − θ₀, and the merged model is θ = θ₀ + τ_merge.
// Parameters outside the selection (MergeOptions) and integer tensors keep
// θ₀ (they share its storage). Arithmetic runs in float32 (float64 for
// float64 tensors) and is cast back to the stored dtype (parameter_map.h).
//
// Methods (name: τ_merge; hyperparameter=default, and where the default
// comes from; reference: FusionBench (FB) and mergekit (MK)):
//
//   average            (1/M)·Σ τ_m, i.e. θ = mean of the experts. None.
//   task_arithmetic    alpha·Σ τ_m.  alpha=0.3 (FB scaling_factor).
//   ties               trim: τ̂_m keeps the ⌊density·n⌋ largest |τ_m| — over
//                      the whole merged model (granularity=model, FB) or per
//                      tensor (granularity=tensor, MK); elect: γ = sign(Σ τ̂_m),
//                      0 counted as +1 (MK); disjoint merge: the τ̂_m with
//                      τ̂_m·γ > 0, summed (agg=sum, FB) or averaged over their
//                      count (agg=mean, the TIES paper, MK); then ·alpha.
//                      density=0.2 (FB threshold 20), agg=sum,
//                      granularity=model, alpha=0.3 (FB).
//   dare               τ̃_m = τ_m ⊙ B_m / (1 − p) (without "/ (1 − p)" when
//                      rescale=false), B_m ~ Bernoulli(1 − p) from `seed`
//                      (sparsify.h: per tensor and task, bit-identical for a
//                      seed); then alpha·Σ τ̃_m. p=0.5, rescale=true,
//                      alpha=0.3 (FB dare/task_arithmetic); seed=0.
//   dare_ties          DARE's τ̃_m, then TIES on them. p=0.5, rescale=true,
//                      seed=0, density=0.2, agg=sum, granularity=model,
//                      alpha=0.5 (FB dare/ties_merging). density=1 skips the
//                      trim (MK's dare_ties).
//   breadcrumbs        per tensor of n entries, drop the ⌊gamma·n⌋ largest
//                      |τ_m| and keep the next ⌊density·n⌋ (fewer dropped on
//                      top when the two overrun n); then alpha·Σ.
//                      gamma=0.01 (MK), alpha=1 (MK lambda); density=0.9 (no
//                      reference default: MK requires it).
//   magmax             per element, the τ_m of largest |τ_m| (the first
//                      expert's among equals); ·alpha. alpha=0.5 (FB).
//   tsv                2-D parameters (r = min(rows, columns)): each τ_m keeps
//                      its top k = ⌊r/M⌋ singular triplets; the M·k left and
//                      right singular vectors are orthogonalised together
//                      (polar factors) and recombined with their singular
//                      values (TSV-M); ·alpha. alpha=1 (FB). Non-2-D
//                      parameters, and rank below M (k = 0): the mean τ_m.
//   iso_c              2-D: Σ τ_m = U·diag(σ)·Vᵀ becomes mean(σ)·U·Vᵀ; ·alpha.
//                      Others: the mean τ_m. alpha=1 (FB scaling_factor; FB's
//                      ViT-B/32 table uses 1.5).
//   iso_cts            2-D: the top k_c singular vectors of Σ τ_m plus, per
//                      task, the top (r − k_c)/M singular vectors of τ_m's part
//                      outside them, orthogonalised together, every singular
//                      value set to their mean; ·alpha. k_c = r − M·q with
//                      q = round((r − ⌊common_space_fraction·r⌋)/M), half to
//                      even as FB's Python, and q ≤ r/M. Others: the mean τ_m.
//                      alpha=1, common_space_fraction=0.8 (FB).
//   tall_mask          τ_merge of the method `merge` (its hyperparameters as
//                      merge.<key>); task masks
//                      S_m = 1[|τ_m| > lambda·|τ_merge − τ_m|] (TALL; MergeVLA
//                      eq. 3). The result is θ₀ + τ_merge, plus S_m per task:
//                      the per-task model is θ₀ + S_m ⊙ τ_merge (TaskModel).
//                      lambda=0.6 (FB tall_mask_lambda), merge=task_arithmetic,
//                      merge.alpha=1 (TALL's τ_MTL = Σ τ_m, unscaled).
//   consensus          the same masks; C = 1[Σ_m S_m >= k];
//                      τ = alpha·C ⊙ τ_merge. k=2 drops "selfish" and
//                      "catastrophic" weights, k=1 only catastrophic ones,
//                      k=0 none. lambda=0.6, k=2, merge=task_arithmetic,
//                      merge.alpha=1, alpha=0.3 (TA's λ, FB).
//   emr                EMR-Merging: γ = sign(Σ τ_m), 0 counted as −1 (FB);
//                      masks M_m = 1[τ_m·γ > 0]; unified
//                      τ_uni = γ ⊙ max_m |τ_m ⊙ M_m|; scales
//                      λ_m = Σ_n mean|τ_m,n| / Σ_n mean|M_m,n ⊙ τ_uni,n| over
//                      the merged parameters n. The result is θ₀ + τ_uni
//                      (not meant to run alone), plus M_m and λ_m per task:
//                      the per-task model is θ₀ + λ_m·M_m ⊙ τ_uni (TaskModel).
//                      No hyperparameters (FB).
//   capability_vector  CapVector: exactly two experts, in the order
//                      (θ_sft, θ_aux); alpha·(θ_aux − θ_sft). alpha=1 (none
//                      given; the paper adds the vector as is).
//
// `merge` for tall_mask and consensus is any of average, task_arithmetic,
// ties, dare, dare_ties, breadcrumbs, magmax, tsv, iso_c, iso_cts (a method
// declaring the key `merge` takes these). Its keys default as for that method
// except merge.alpha, which defaults to 1. The masks are tested against that
// method's τ_merge (MergeVLA's generalisation of TALL, whose τ_MTL is
// task_arithmetic with alpha 1).
//
// Not done yet: knots (LoRA experts), wudi (per-parameter optimisation),
// slerp, della, model_stock, fisher and regmean (these two need data).
//
// Results record every hyperparameter in force (defaults included) as text,
// so a result can say exactly what ran. Unknown keys, values of the wrong
// kind or range, unknown methods and the wrong number of experts are errors.
//
// Memory: the inputs are held whole (M + 1 models) and the result is one more
// model (plus M bool masks for per-task methods); a merge adds the M task
// vectors of one parameter at a time, and the diagnostics M + 2 float64
// copies of it (diagnostics_accumulator.h). TIES and DARE-TIES at
// granularity=model add one model-sized vector (ties.cc).
//
// Thread-safety: MergeModels may run concurrently on different inputs; it
// uses LibTorch's intra-op threads as configured (at::set_num_threads).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "policies/merged/merge_diagnostics.h"
#include "policies/merged/merge_params.h"
#include "policies/merged/parameter_map.h"
#include "policies/merged/parameter_selection.h"

namespace gauntlet::policies::merged {

struct MergeMethodInfo {
  std::string name;
  std::string summary;            // one line
  std::vector<ParamSpec> params;  // tall_mask/consensus also take merge.<key>
  size_t min_experts = 1;
  size_t max_experts = 0;         // 0: no limit
  bool task_masks = false;        // computes S_m (diagnostics use them, and its `lambda` if any)
  bool per_task_models = false;   // the result holds S_m (and a scale) per task (TaskModel)
};

// Every method, in the order of the table above.
const std::vector<MergeMethodInfo>& MergeMethods();
// nullptr for an unknown name.
const MergeMethodInfo* FindMergeMethod(const std::string& name);

// The hyperparameters in force for `method` given `params` (every key, with
// defaults), or an error: unknown method (naming the known ones), unknown key
// (naming the method's keys), bad value. Cheap: validate before loading models.
Result<ResolvedParams> ResolveMergeParams(const std::string& method, const MergeParams& params);

struct MergeOptions {
  ParameterSelection selection;    // the merged parameters; the rest keep θ₀
  DiagnosticsOptions diagnostics;
};

// Copy: shallow (tensors shared). Move: cheap.
struct MergeResult {
  std::string method;
  std::map<std::string, std::string> params;  // every hyperparameter in force
  std::string base;                           // sources, as in the ParameterMaps
  std::vector<std::string> experts;
  std::vector<std::string> include, exclude;  // the selection's patterns
  std::vector<std::string> merged_names;      // selected floating parameters, in order
  ParameterMap merged;                        // θ₀ + τ_merge, every name of the base
  std::vector<ParameterMap> task_masks;       // per_task_models: S_m (bool) per merged name
  std::vector<double> task_scales;            // per_task_models: λ_m (EMR), else 1
  MergeDiagnostics diagnostics;
};

// Merges `experts` onto `base`. Errors: those of ResolveMergeParams; too few
// or too many experts; layouts that differ (CheckCompatible: the parameter and
// the files are named); a selection pattern that matches no parameter; a
// selection with no floating parameter; a LibTorch failure (named).
Result<MergeResult> MergeModels(const std::string& method, const ParameterMap& base,
                                const std::vector<ParameterMap>& experts, const MergeParams& params,
                                const MergeOptions& options = {});

// The per-task model of a per_task_models result:
// θ₀ + scale_task·S_task ⊙ (θ − θ₀) on the merged names, θ₀ elsewhere. `task` < number of experts (checked).
ParameterMap TaskModel(const ParameterMap& base, const MergeResult& result, size_t task);

// What a merge ran, for a record next to the merged file: method, params,
// base, experts, selection, merged_names count, diagnostics.
nlohmann::json MergeRecordJson(const MergeResult& result);

}  // namespace gauntlet::policies::merged
