#include "merging/diagnostics_accumulator.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <array>
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
  sums.active.assign(m, 0.0);
  sums.active_count.assign(m + 1, 0.0);
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

namespace {

using TensorSums = DiagnosticsAccumulator::TensorSums;

// One pass over blocks of kSampleBlock elements, one block in every
// `stride` (stride 1: every element), of flat contiguous rows: contiguous
// blocks, so that sampling also skips the memory traffic of the elements it
// skips (a lone element in every 17 would still touch every cache line).
// Every inner product of the M + 2 rows is accumulated (the upper triangle;
// float64 accumulators whatever T), and each element's masks: the method's
// (`masks`, M bool rows) or S_m = 1[|τ_m| > λ·|τ_merge − τ_m|].
// kM: the number of experts when known at compile time (the loops over
// tasks then unroll and the sums stay in registers), 0 for any.
template <class T, size_t kM>
void AccumulateTensor(const T* base, const T* merged, const std::vector<const T*>& taus,
                      const std::vector<const bool*>& masks, double lambda, int64_t offset, int64_t n,
                      int64_t stride, TensorSums& out) {
  constexpr size_t kMaxRows = kM ? kM + 2 : 1;
  const size_t m = kM ? kM : taus.size();
  const size_t rows = m + 2;
  // Fixed-size local sums for known M (no aliasing with the inputs, so they
  // stay in registers); the caller's vectors otherwise.
  std::array<double, kMaxRows * kMaxRows> fixed_gram{};
  std::array<int64_t, kMaxRows> fixed_active{}, fixed_count{};
  std::vector<double> any_gram(kM ? 0 : rows * rows, 0.0);
  std::vector<int64_t> any_active(kM ? 0 : m, 0), any_count(kM ? 0 : m + 1, 0);
  double* gram = kM ? fixed_gram.data() : any_gram.data();
  int64_t* active = kM ? fixed_active.data() : any_active.data();
  int64_t* count = kM ? fixed_count.data() : any_count.data();
  std::array<double, kMaxRows> fixed_v{};
  std::vector<double> any_v(kM ? 0 : rows);
  double* v = kM ? fixed_v.data() : any_v.data();
  const T lam = static_cast<T>(lambda);
  const bool method_masks = !masks.empty();
  // Sampled blocks start at multiples of stride·kSampleBlock of the whole
  // tensor; this piece holds its elements [offset, offset + n).
  const int64_t period = stride * kSampleBlock;
  for (int64_t block = offset / period * period; block < offset + n; block += period) {
    const int64_t start = std::max(block, offset) - offset;
    const int64_t stop = std::min(block + kSampleBlock, offset + n) - offset;
    if (stop <= start) continue;
    for (int64_t i = start; i < stop; ++i) {
      v[0] = base[i];
      v[1] = merged[i];
      for (size_t a = 0; a < m; ++a) v[2 + a] = taus[a][i];
      for (size_t p = 0; p < rows; ++p) {
        for (size_t q = p; q < rows; ++q) gram[p * rows + q] += v[p] * v[q];
      }
      size_t kept = 0;
      for (size_t a = 0; a < m; ++a) {
        // In T, as the methods' own masks are computed (tall_mask).
        const T tau = taus[a][i];
        const bool on = method_masks ? masks[a][i] : std::abs(tau) > lam * std::abs(merged[i] - tau);
        active[a] += on;
        kept += on;
      }
      ++count[kept];
    }
    out.samples += stop - start;
  }
  for (size_t i = 0; i < rows * rows; ++i) out.gram[i] += gram[i];
  for (size_t a = 0; a < m; ++a) out.active[a] += static_cast<double>(active[a]);
  for (size_t c = 0; c <= m; ++c) out.count[c] += static_cast<double>(count[c]);
}

// AccumulateTensor with M fixed for the usual expert counts.
template <class T>
void Accumulate(const T* base, const T* merged, const std::vector<const T*>& taus,
                const std::vector<const bool*>& masks, double lambda, int64_t offset, int64_t n, int64_t stride,
                TensorSums& out) {
  switch (taus.size()) {
    case 2:
      return AccumulateTensor<T, 2>(base, merged, taus, masks, lambda, offset, n, stride, out);
    case 3:
      return AccumulateTensor<T, 3>(base, merged, taus, masks, lambda, offset, n, stride, out);
    case 4:
      return AccumulateTensor<T, 4>(base, merged, taus, masks, lambda, offset, n, stride, out);
    case 5:
      return AccumulateTensor<T, 5>(base, merged, taus, masks, lambda, offset, n, stride, out);
    case 6:
      return AccumulateTensor<T, 6>(base, merged, taus, masks, lambda, offset, n, stride, out);
    default:
      return AccumulateTensor<T, 0>(base, merged, taus, masks, lambda, offset, n, stride, out);
  }
}

}  // namespace

void DiagnosticsAccumulator::Add(const std::string& name, const at::Tensor& base,
                                 const std::vector<at::Tensor>& task_vectors, const at::Tensor& merged_task_vector,
                                 const std::vector<at::Tensor>& task_masks) {
  BeginTensor(name, base.numel());
  AddPiece(0, base, task_vectors, merged_task_vector, task_masks);
  EndTensor();
}

void DiagnosticsAccumulator::BeginTensor(const std::string& name, int64_t numel) {
  if (options_.level == DiagnosticsLevel::kNone) return;
  const size_t m = tasks_.size();
  pending_name_ = name;
  pending_numel_ = numel;
  pending_stride_ = options_.level == DiagnosticsLevel::kBasic && numel >= kSampledTensorElements ? kSampleStride : 1;
  pending_.gram.assign((m + 2) * (m + 2), 0.0);
  pending_.active.assign(m, 0.0);
  pending_.count.assign(m + 1, 0.0);
  pending_.samples = 0;
}

void DiagnosticsAccumulator::AddPiece(int64_t offset, const at::Tensor& base,
                                      const std::vector<at::Tensor>& task_vectors,
                                      const at::Tensor& merged_task_vector,
                                      const std::vector<at::Tensor>& task_masks) {
  if (options_.level == DiagnosticsLevel::kNone) return;
  const size_t m = tasks_.size();
  GAUNTLET_CHECK(task_vectors.size() == m, "diagnostics: one task vector per expert");
  GAUNTLET_CHECK(task_masks.empty() || task_masks.size() == m, "diagnostics: one mask per expert");
  const int64_t n = base.numel();
  GAUNTLET_CHECK(offset >= 0 && offset + n <= pending_numel_, "diagnostics: a piece outside its tensor");
  // One dtype for the pass: the task vectors' (the compute dtype); the others
  // are converted only when they differ (contiguous() and to() are no-ops
  // otherwise).
  const at::ScalarType type = task_vectors[0].scalar_type() == at::kDouble ? at::kDouble : at::kFloat;
  const auto flat = [&](const at::Tensor& t) { return t.to(type).contiguous().reshape({-1}); };
  const at::Tensor base_flat = flat(base), merged_flat = flat(merged_task_vector);
  std::vector<at::Tensor> taus, masks;
  for (const at::Tensor& tau : task_vectors) taus.push_back(flat(tau));
  for (const at::Tensor& mask : task_masks) masks.push_back(mask.to(at::kBool).contiguous().reshape({-1}));
  std::vector<const bool*> mask_data;
  for (const at::Tensor& mask : masks) mask_data.push_back(mask.data_ptr<bool>());
  if (type == at::kDouble) {
    std::vector<const double*> tau_data;
    for (const at::Tensor& tau : taus) tau_data.push_back(tau.data_ptr<double>());
    Accumulate(base_flat.data_ptr<double>(), merged_flat.data_ptr<double>(), tau_data, mask_data, lambda_, offset, n,
               pending_stride_, pending_);
  } else {
    std::vector<const float*> tau_data;
    for (const at::Tensor& tau : taus) tau_data.push_back(tau.data_ptr<float>());
    Accumulate(base_flat.data_ptr<float>(), merged_flat.data_ptr<float>(), tau_data, mask_data, lambda_, offset, n,
               pending_stride_, pending_);
  }
}

void DiagnosticsAccumulator::EndTensor() {
  if (options_.level == DiagnosticsLevel::kNone) return;
  const size_t m = tasks_.size();
  const TensorSums& sums = pending_;
  const int64_t n = pending_numel_;
  // Each sample stands for n / samples elements.
  const double weight = sums.samples > 0 ? static_cast<double>(n) / static_cast<double>(sums.samples) : 0.0;
  const auto dot = [&](size_t i, size_t j) {
    return weight * (i <= j ? sums.gram[i * (m + 2) + j] : sums.gram[j * (m + 2) + i]);
  };
  const double base_sq_norm = dot(0, 0);

  Sums& group = GroupOf(pending_name_);
  for (Sums* s : {&total_, &group}) {
    s->elements += n;
    s->tensors += 1;
    s->merged_sq_norm += dot(1, 1);
    for (size_t c = 0; c <= m; ++c) s->active_count[c] += weight * sums.count[c];
    for (size_t a = 0; a < m; ++a) s->active[a] += weight * sums.active[a];
  }
  for (size_t a = 0; a < m; ++a) {
    // ‖θ_a‖² = ‖θ₀‖² + 2⟨θ₀, τ_a⟩ + ‖τ_a‖², without materialising θ_a.
    const double theta_sq_norm = base_sq_norm + 2 * dot(0, 2 + a) + dot(2 + a, 2 + a);
    for (Sums* s : {&total_, &group}) s->expert_sq_norm[a] += std::max(0.0, theta_sq_norm);
  }
  for (size_t a = 0; a < m; ++a) {
    for (size_t b = a; b < m; ++b) {
      const double ab = dot(2 + a, 2 + b);
      for (Sums* s : {&total_, &group}) {
        s->task_dot[a][b] += ab;
        if (b != a) s->task_dot[b][a] += ab;
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
    out.mask_active_ratio.push_back(sums.active[a] / n);
    out.task_vector_norm.push_back(std::sqrt(sums.task_dot[a][a]));
  }
  for (size_t c = 0; c <= m; ++c) out.active_count_fraction.push_back(sums.active_count[c] / n);
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
  out.level = DiagnosticsLevelName(options_.level);
  if (options_.level == DiagnosticsLevel::kNone) return out;
  out.tasks = tasks_;
  out.mask_source = method_masks_ ? "method" : "diagnostic";
  out.mask_lambda = lambda_;
  out.group_depth = options_.group_depth;
  out.total = Summarise(total_);
  for (const auto& group : groups_) out.groups.push_back(Summarise(group));
  return out;
}

}  // namespace gauntlet::merging
