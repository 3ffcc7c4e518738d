#include "merging/diagnostics_accumulator.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

#include "harness/check.h"

namespace gauntlet::merging {

std::string GroupOfName(const std::string& name, int depth) {
  size_t end = std::string::npos;  // the dot after the last component kept
  for (int i = 0; i < depth; ++i) {
    const size_t dot = name.find('.', end == std::string::npos ? 0 : end + 1);
    if (dot == std::string::npos) break;
    end = dot;
  }
  return end == std::string::npos ? name : name.substr(0, end);
}

DiagnosticsAccumulator::Sums DiagnosticsAccumulator::EmptySums(std::string group) const {
  const size_t m = tasks_.size();
  Sums sums;
  sums.group = std::move(group);
  sums.active.assign(m, 0);
  sums.active_count.assign(m + 1, 0);
  sums.expert_sq_norm.assign(m, 0.0);
  sums.task_dot.assign(m, std::vector<double>(m, 0.0));
  return sums;
}

DiagnosticsAccumulator::DiagnosticsAccumulator(std::vector<std::string> tasks, const DiagnosticsOptions& options,
                                               bool method_masks, double method_lambda)
    : tasks_(std::move(tasks)),
      options_(options),
      method_masks_(method_masks),
      lambda_(method_masks ? method_lambda : options.mask_lambda),
      total_(EmptySums("")) {
  GAUNTLET_CHECK(options_.group_depth >= 1, "group_depth must be at least 1");
}

DiagnosticsAccumulator::Sums& DiagnosticsAccumulator::GroupOf(const std::string& name) {
  const std::string group = GroupOfName(name, options_.group_depth);
  // Parameters of one group are usually adjacent: search from the back.
  for (auto it = groups_.rbegin(); it != groups_.rend(); ++it) {
    if (it->group == group) return *it;
  }
  groups_.push_back(EmptySums(group));
  return groups_.back();
}

void DiagnosticsAccumulator::Add(const std::string& name, const at::Tensor& base,
                                 const std::vector<at::Tensor>& task_vectors, const at::Tensor& merged_task_vector,
                                 const std::vector<at::Tensor>& task_masks) {
  const size_t m = tasks_.size();
  GAUNTLET_CHECK(task_vectors.size() == m, "diagnostics: one task vector per expert");
  GAUNTLET_CHECK(task_masks.empty() || task_masks.size() == m, "diagnostics: one mask per expert");

  // Sums in float64 whatever the compute dtype: a model has billions of terms.
  // Rows θ₀, τ_merge, τ_1..τ_M of one float64 matrix, so that every inner
  // product this tensor contributes comes from one Gram matrix (one BLAS pass
  // instead of M(M + 1)/2 + M + 2 separate dot products over the tensor).
  const int64_t n = base.numel();
  at::Tensor rows = at::empty({static_cast<int64_t>(m) + 2, n}, at::kDouble);
  rows[0].copy_(base.reshape({-1}));
  rows[1].copy_(merged_task_vector.reshape({-1}));
  for (size_t a = 0; a < m; ++a) rows[2 + a].copy_(task_vectors[a].reshape({-1}));
  const at::Tensor gram = at::matmul(rows, rows.t()).contiguous();
  const double* g = gram.data_ptr<double>();
  const auto dot = [&](size_t i, size_t j) { return g[i * (m + 2) + j]; };
  const double base_sq_norm = dot(0, 0);

  // The diagnostic masks test the tensors the method merged, in its compute
  // dtype, as tall_mask's own masks do.
  at::Tensor count = at::zeros({n}, at::kLong);
  std::vector<int64_t> active(m);
  const at::Tensor merged_flat = merged_task_vector.reshape({-1});
  for (size_t a = 0; a < m; ++a) {
    const at::Tensor tau_a = task_vectors[a].reshape({-1});
    const at::Tensor mask = task_masks.empty() ? tau_a.abs() > lambda_ * (merged_flat - tau_a).abs()
                                               : task_masks[a].reshape({-1});
    count += mask;
    active[a] = mask.sum().item<int64_t>();
  }
  const at::Tensor histogram = at::bincount(count, {}, static_cast<int64_t>(m + 1));

  Sums& group = GroupOf(name);
  for (Sums* sums : {&total_, &group}) {
    sums->elements += base.numel();
    sums->tensors += 1;
    sums->merged_sq_norm += dot(1, 1);
    for (size_t c = 0; c <= m; ++c) sums->active_count[c] += histogram[c].item<int64_t>();
    for (size_t a = 0; a < m; ++a) {
      sums->active[a] += active[a];
    }
  }
  for (size_t a = 0; a < m; ++a) {
    // ‖θ_a‖² = ‖θ₀‖² + 2⟨θ₀, τ_a⟩ + ‖τ_a‖², without materialising θ_a.
    const double theta_sq_norm = base_sq_norm + 2 * dot(0, 2 + a) + dot(2 + a, 2 + a);
    for (Sums* sums : {&total_, &group}) sums->expert_sq_norm[a] += std::max(0.0, theta_sq_norm);
  }
  for (size_t a = 0; a < m; ++a) {
    for (size_t b = a; b < m; ++b) {
      const double ab = dot(2 + a, 2 + b);
      for (Sums* sums : {&total_, &group}) {
        sums->task_dot[a][b] += ab;
        if (b != a) sums->task_dot[b][a] += ab;
      }
    }
  }
}

GroupDiagnostics DiagnosticsAccumulator::Summarise(const Sums& sums) const {
  const size_t m = tasks_.size();
  const double n = static_cast<double>(std::max<int64_t>(sums.elements, 1));
  GroupDiagnostics out;
  out.group = sums.group;
  out.elements = sums.elements;
  out.tensors = sums.tensors;
  out.merged_norm = std::sqrt(sums.merged_sq_norm);
  for (size_t a = 0; a < m; ++a) {
    out.mask_active_ratio.push_back(static_cast<double>(sums.active[a]) / n);
    out.task_vector_norm.push_back(std::sqrt(sums.task_dot[a][a]));
  }
  for (size_t c = 0; c <= m; ++c) out.active_count_fraction.push_back(static_cast<double>(sums.active_count[c]) / n);
  out.selfish_ratio = m >= 1 ? out.active_count_fraction[1] : 0.0;
  out.task_vector_cosine.assign(m, std::vector<double>(m, 0.0));
  out.expert_distance.assign(m, std::vector<double>(m, 0.0));
  for (size_t a = 0; a < m; ++a) {
    for (size_t b = 0; b < m; ++b) {
      const double norms = out.task_vector_norm[a] * out.task_vector_norm[b];
      out.task_vector_cosine[a][b] = norms > 0 ? sums.task_dot[a][b] / norms : 0.0;
      // ‖θ_a − θ_b‖² = ‖τ_a − τ_b‖² (the base cancels).
      const double sq_distance =
          std::max(0.0, sums.task_dot[a][a] + sums.task_dot[b][b] - 2 * sums.task_dot[a][b]);
      const double scale = 0.5 * (std::sqrt(sums.expert_sq_norm[a]) + std::sqrt(sums.expert_sq_norm[b]));
      out.expert_distance[a][b] = scale > 0 ? std::sqrt(sq_distance) / scale : 0.0;
    }
  }
  return out;
}

MergeDiagnostics DiagnosticsAccumulator::Finish() const {
  MergeDiagnostics out;
  out.tasks = tasks_;
  out.mask_source = method_masks_ ? "method" : "diagnostic";
  out.mask_lambda = lambda_;
  out.group_depth = options_.group_depth;
  out.total = Summarise(total_);
  for (const auto& group : groups_) out.groups.push_back(Summarise(group));
  return out;
}

}  // namespace gauntlet::merging
