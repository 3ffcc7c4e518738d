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
//                      q = round((r − ⌊fraction·r⌋)/M), half to
//                      even as FB's Python, and q ≤ r/M. Others: the mean τ_m.
//                      alpha=1, fraction=0.8 (FB common_space_fraction).
//   wudi               2-D: τ starts at Σ τ_m and takes `iterations` Adam
//                      steps (learning rate lr, weight decay 0) on
//                      L(τ) = Σ_m ‖(τ − τ_m)·τ_mᵀ‖²_F / ‖τ_m‖²_F, summed (FB),
//                      a task with τ_m = 0 left out (FB: NaN); no alpha.
//                      Others: the mean τ_m. iterations=400 (FB wudi.yaml;
//                      FB's function default is 300), lr=1e-5 (FB).
//   knots              KnOTS. 2-D (ΔW_m = τ_m, [out, in]; LoRA below):
//                      [ΔW_1 … ΔW_M] = U·diag(S)·[V_1 … V_M] in float64,
//                      components with S ≤ 1e-4 dropped (FB); the method
//                      `merge` merges R_m = diag(S)·V_m (s_on_V) or V_m, all
//                      layers as one model with base 0, into R; then
//                      ΔW = U·R (s_on_V) or U·diag(S)·R. merge.alpha scales ΔW
//                      (where KnOTS applies scaling_coeffs); knots has no
//                      alpha of its own. LoRA: with <p>.lora_A.weight [r, in]
//                      and <p>.lora_B.weight [out, r] in the models, <p>.weight
//                      is merged with ΔW_m = τ_m + lora_scale·(B_m·A_m −
//                      B_0·A_0) (lora_scale·B_m·A_m for the usual frozen W and
//                      zero B_0) and the factors keep θ₀, so the merged update
//                      lives in the dense weight; a selected factor needs its
//                      <p>.weight selected. Others: the mean τ_m. s_on_V=true,
//                      lora_scale=1 (KnOTS: LoRA alpha = r); merge=ties with
//                      merge.density=0.2, merge.agg=mean, merge.alpha=0.6
//                      (KnOTS-TIES: topK 20, merging_type mean, scaling 0.6);
//                      merge=dare_ties has merge.p=0.1, merge.density=1,
//                      merge.agg=mean, merge.alpha=0.7 (KnOTS-DARE-TIES).
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
// SVDs (tsv, iso_cts, knots; randomized_svd.h): svd=full|auto|randomized,
// svd_oversample=10, svd_iterations=2. full is LAPACK's SVD, as FusionBench;
// randomized is Halko-Martinsson-Tropp's with svd_oversample extra vectors and
// svd_iterations power iterations, Ω drawn from a generator seeded by the
// parameter name (the same tensors every run); auto takes it where
// k + svd_oversample <= min(rows, columns)/4 and the full SVD elsewhere.
// Defaults: knots svd=auto: a LoRA layer's aligned rank is at most M·r, found
// by growing k from 64 until the k-th singular value is at or below 1e-4, and
// the randomized SVD of such a matrix is exact to rounding (dense full-rank
// layers fall back to the full SVD after one try). tsv and iso_cts svd=full:
// their polar factors weigh every kept singular vector alike, so on
// heavy-tailed spectra (σ_i ∝ 1/i, 1024², 4 experts) the randomized top-k
// moves the merged layer by 30-50% (relative Frobenius) against the full-SVD
// merge, for little gain in time on Debian's reference LAPACK (bench/README:
// merge_svd_bench); svd=auto or randomized is there for decaying spectra.
// iso_c and the polar factors need every singular vector: always full.
//
// `merge` for knots, tall_mask and consensus is any of average,
// task_arithmetic, ties, dare, dare_ties, breadcrumbs, magmax, tsv, iso_c,
// iso_cts (a method declaring the key `merge` takes these). Its keys default
// as for that method except as knots lists above, and merge.alpha, which
// defaults to 1 for tall_mask and consensus: their masks are tested against
// that method's τ_merge (MergeVLA's generalisation of TALL, whose τ_MTL is
// task_arithmetic with alpha 1).
//
// Not done yet: slerp, della, model_stock, fisher and regmean (these two need
// data).
//
// Results record every hyperparameter in force (defaults included) as text,
// so a result can say exactly what ran. Unknown keys, values of the wrong
// kind or range, unknown methods and the wrong number of experts are errors.
//
// Memory: the inputs are held whole (M + 1 models) unless they are mapped
// (safetensors checkpoints, LoRA adapters, scratch shards of a streamed merge:
// then MergeOptions::release_pages keeps their resident share near one
// parameter), and the result is one more model (plus M bool masks for
// per-task methods) unless MergeOptions::sink takes each merged tensor as it
// is made. Per parameter a merge adds its merged tensor and, for elementwise
// methods (TensorMerger::Elementwise), the task vectors and temporaries of one
// piece of MergeOptions::chunk_elements elements; other methods hold the M
// task vectors of the whole parameter. Diagnostics hold no copies (one fused
// pass, diagnostics_accumulator.h). TIES and DARE-TIES at granularity=model
// find their cut by radix selection in two passes over the task vectors
// (sparsify.h: TopCutFinder), without a model-sized buffer (float64 models
// still use one). WUDI adds, per
// 2-D parameter, an in×in and an out×in matrix and Adam's two moments; each
// step costs one out·in² product, 400 steps per parameter (wudi.cc). KnOTS holds the
// aligned coordinates R_m of every merged 2-D parameter from start to end:
// (M·r)×in per task for a rank-r LoRA layer, up to the layer's size per task
// for dense experts (M more models).
//
// Thread-safety: MergeModels may run concurrently on different inputs; it
// uses LibTorch's intra-op threads as configured (at::set_num_threads).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "merging/expert_model.h"
#include "merging/merge_diagnostics.h"
#include "merging/merge_params.h"
#include "merging/parameter_map.h"
#include "merging/parameter_selection.h"

namespace gauntlet::merging {

struct MergeMethodInfo {
  std::string name;
  std::string summary;            // one line
  std::vector<ParamSpec> params;  // a method declaring `merge` also takes merge.<key>
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

// Takes each merged tensor θ (stored dtype) with its task masks (per_task_models
// methods; else none) as the merge produces it, in merge order; an error stops
// the merge and is returned.
using MergedTensorSink = std::function<Status(const std::string& name, const at::Tensor& merged,
                                              const std::vector<at::Tensor>& task_masks)>;

struct MergeOptions {
  ParameterSelection selection;    // the merged parameters; the rest keep θ₀
  DiagnosticsOptions diagnostics;
  // The dtype of the merged tensors (computed in ComputeType, then cast);
  // unset: each base tensor's own. A floating type.
  std::optional<at::ScalarType> output_dtype;
  // Inputs that view mapped files (safetensors, scratch shards): drop a
  // parameter's resident pages once it is merged, so that resident memory
  // stays near one parameter's inputs (ExpertModel::ReleasePages).
  bool release_pages = false;
  // Methods that merge element by element (TensorMerger::Elementwise: task
  // arithmetic, average, magmax, TIES at model granularity, TALL masks over
  // them, ...) take a large parameter in pieces of rows of about this many
  // elements, whose temporaries stay in the CPU's cache; 0: whole tensors.
  // The result is the same either way.
  int64_t chunk_elements = int64_t{1} << 16;
  // When set, merged tensors and masks go here and MergeResult::merged and
  // task_masks stay empty: a merge then holds one parameter's tensors at a
  // time beyond its inputs (merge_artifact.h writes them to a file).
  MergedTensorSink sink;
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
// The same for experts of any kind (expert_model.h: dense, LoRA adapters).
Result<MergeResult> MergeExperts(const std::string& method, const ParameterMap& base, const ExpertModels& experts,
                                 const MergeParams& params, const MergeOptions& options = {});

// The per-task model of a per_task_models result:
// θ₀ + scale_task·S_task ⊙ (θ − θ₀) on the merged names, θ₀ elsewhere. `task` < number of experts (checked).
ParameterMap TaskModel(const ParameterMap& base, const MergeResult& result, size_t task);
// One tensor of it: θ₀ + scale·mask ⊙ (θ − θ₀), computed in ComputeType and
// cast back to θ₀'s dtype.
at::Tensor TaskTensor(const at::Tensor& theta0, const at::Tensor& merged, const at::Tensor& mask, double scale);

// What a merge ran, for a record next to the merged file: method, params,
// base, experts, selection, merged_names count, diagnostics.
nlohmann::json MergeRecordJson(const MergeResult& result);

}  // namespace gauntlet::merging
