// What a merge did to the parameters, measured while merging
// (diagnostics_accumulator.h) and printable as a text table or JSON. Free of
// LibTorch.
//
// Over the merged (selected, floating) elements, for the whole model and for
// each parameter group (a name prefix: the first `group_depth` dot-separated
// components of the name, never the last one — "vlm.layers.3.q.weight" at
// depth 3 is "vlm.layers.3", "fc.weight" at any depth is "fc"):
//
//   task masks S_m       the method's own (tall_mask, consensus, emr), else the
//                        TALL / MergeVLA eq. 3 test against the method's merged
//                        task vector at the diagnostic λ:
//                        S_m = 1[|τ_m| > λ·|τ_merge − τ_m|]
//   mask_active_ratio[m] mean of S_m
//   active_count_fraction[c]  share of elements kept by exactly c task masks
//                        (c = 0..M); [1] is the selfish ratio
//   selfish_ratio        MergeVLA eq. 4: (1/N)·Σ_i 1[Σ_m (S_m)_i = 1]
//   task_vector_norm[m]  ‖τ_m‖₂
//   task_vector_cosine[a][b]  ⟨τ_a, τ_b⟩ / (‖τ_a‖‖τ_b‖); 0 when either is 0
//   expert_distance[a][b]     relative L2 distance between experts,
//                        ‖θ_a − θ_b‖₂ / (½(‖θ_a‖₂ + ‖θ_b‖₂)); 0 when both are 0
//                        (MergeVLA fig. 3 right, per block; the paper gives no
//                        normaliser: this one is symmetric and scale-free)
//   merged_norm          ‖τ_merge‖₂ (the update the merge applied)
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/result.h"

namespace gauntlet::merging {

// How much a merge measures (`--diagnostics`):
//   none   nothing; the merge result's diagnostics are empty
//   basic  every statistic above, from every element of a tensor of fewer
//          than kSampledTensorElements elements and from one block of
//          kSampleBlock consecutive elements (flat order) in every
//          kSampleStride blocks of a larger one, whose sums are scaled by its
//          elements / samples: norms, cosines and ratios are estimates for
//          large tensors (exact for small ones), at about 1/kSampleStride of
//          the cost of `full`
//   full   every element of every tensor
enum class DiagnosticsLevel { kNone, kBasic, kFull };
inline constexpr int64_t kSampledTensorElements = int64_t{1} << 20;
// Prime, so that the sampled blocks walk across the columns of a row-major
// matrix instead of repeating a few of them in every row.
inline constexpr int64_t kSampleStride = 61;
inline constexpr int64_t kSampleBlock = 1024;

// "none", "basic", "full"; an error names the allowed values.
Result<DiagnosticsLevel> ParseDiagnosticsLevel(const std::string& text);
std::string DiagnosticsLevelName(DiagnosticsLevel level);

struct DiagnosticsOptions {
  DiagnosticsLevel level = DiagnosticsLevel::kBasic;
  int group_depth = 2;        // name components per group (>= 1)
  double mask_lambda = 0.6;   // λ of the diagnostic masks (TALL's default)
};

using Matrix = std::vector<std::vector<double>>;  // M x M, symmetric

struct GroupDiagnostics {
  std::string group;                            // name prefix; "" for the whole model
  int64_t elements = 0;                         // merged elements in the group
  int64_t tensors = 0;                          // merged tensors in the group
  std::vector<double> mask_active_ratio;        // M
  std::vector<double> active_count_fraction;    // M + 1
  double selfish_ratio = 0;
  std::vector<double> task_vector_norm;         // M
  Matrix task_vector_cosine;                    // M x M
  Matrix expert_distance;                       // M x M
  double merged_norm = 0;
};

struct MergeDiagnostics {
  std::string level = "full";       // DiagnosticsLevelName; "none": nothing below is measured
  std::vector<std::string> tasks;   // the experts, in merge order (their sources)
  std::string mask_source;          // "method" or "diagnostic"
  double mask_lambda = 0;           // λ of the masks: the method's when mask_source is "method"
                                    // (0 for masks without one: emr)
  int group_depth = 0;
  GroupDiagnostics total;           // the whole merged model
  std::vector<GroupDiagnostics> groups;  // in first-seen parameter order
};

// Per group: elements, selfish ratio, active ratio and ‖τ‖ per task, and the
// mean pairwise expert distance and task-vector cosine; then the whole
// model's pairwise matrices.
std::string DiagnosticsText(const MergeDiagnostics& diagnostics);
nlohmann::json DiagnosticsJson(const MergeDiagnostics& diagnostics);
// The inverse of DiagnosticsJson (a merged artifact's record); an error names
// the missing or mistyped field.
Result<MergeDiagnostics> DiagnosticsFromJson(const nlohmann::json& json);

}  // namespace gauntlet::merging
