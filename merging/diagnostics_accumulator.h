// Builds MergeDiagnostics (merge_diagnostics.h) one merged tensor at a time:
// it keeps sums per group (counts, squared norms, inner products), never the
// tensors, so its memory does not grow with the model. One pass over the
// tensor's elements (all, or every kSampleStride-th at level basic) reads θ₀,
// τ_merge and the τ_m and accumulates, per element, every inner product of
// those M + 2 rows in float64 and the M mask tests: no copies, no
// temporaries.
//
// Copy and move: a value type. Not thread-safe.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

#include "merging/merge_diagnostics.h"

namespace gauntlet::merging {

class DiagnosticsAccumulator {
 public:
  // `tasks` labels the experts; `method_lambda` is the λ of the method's own
  // masks when it has them (mask_source "method"), else ignored.
  DiagnosticsAccumulator(std::vector<std::string> tasks, const DiagnosticsOptions& options,
                         bool method_masks, double method_lambda);

  // One merged parameter: the base tensor, each expert's task vector and the
  // merged task vector (all in one compute dtype, float32 or float64), and
  // the method's task masks (M bool tensors) or none, then the diagnostic
  // masks are computed. Nothing at level none.
  void Add(const std::string& name, const at::Tensor& base, const std::vector<at::Tensor>& task_vectors,
           const at::Tensor& merged_task_vector, const std::vector<at::Tensor>& task_masks);
  // The same for a parameter of `numel` elements given in pieces of
  // consecutive elements (flat order): BeginTensor, AddPiece for each piece
  // in order (`offset`: the piece's first element), EndTensor. Sampling
  // (level basic) picks the same elements as Add on the whole tensor.
  void BeginTensor(const std::string& name, int64_t numel);
  void AddPiece(int64_t offset, const at::Tensor& base, const std::vector<at::Tensor>& task_vectors,
                const at::Tensor& merged_task_vector, const std::vector<at::Tensor>& task_masks);
  void EndTensor();

  // The raw sums of the tensor being added: Gram matrix of the M + 2 rows
  // (θ₀, τ_merge, τ_1..τ_M; upper triangle), mask counts, samples.
  struct TensorSums {
    std::vector<double> gram, active, count;
    int64_t samples = 0;
  };

  MergeDiagnostics Finish() const;

 private:
  struct Sums {
    std::string group;
    int64_t elements = 0, tensors = 0;
    std::vector<double> active;          // M: elements with S_m = 1 (estimated when sampled)
    std::vector<double> active_count;    // M + 1: elements kept by c masks
    std::vector<double> expert_sq_norm;  // M: ‖θ_m‖²
    Matrix task_dot;                     // M x M: ⟨τ_a, τ_b⟩ (diagonal: ‖τ_a‖²)
    double merged_sq_norm = 0;
  };
  Sums EmptySums(std::string group) const;
  Sums& GroupOf(const std::string& name);
  GroupDiagnostics Summarise(const Sums& sums) const;

  std::vector<std::string> tasks_;
  DiagnosticsOptions options_;
  bool method_masks_;
  double lambda_;
  Sums total_;
  std::vector<Sums> groups_;
  std::string pending_name_;  // between BeginTensor and EndTensor
  int64_t pending_numel_ = 0, pending_stride_ = 1;
  TensorSums pending_;
};

// The group of a parameter name (merge_diagnostics.h).
std::string GroupOfName(const std::string& name, int depth);

}  // namespace gauntlet::merging
