// TIES-Merging (trim, elect sign, disjoint merge) and DARE-TIES (DARE's
// random drop first, then TIES). Formulas and defaults: merge_methods.h.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "harness/check.h"
#include "merging/sparsify.h"
#include "merging/tensor_merger.h"

namespace gauntlet::merging {

namespace {

struct TiesSettings {
  double density = 0.2;
  bool mean = false;               // agg=mean: divide by the agreeing count
  bool model_granularity = true;   // trim over the whole merged model, else per tensor
  double alpha = 0.3;
  TaskVectorTransform transform;   // applied to each τ_m before the trim (DARE); may be empty
};

// Elements per piece of rows when Prepare reads task vectors.
constexpr int64_t kPrepareElements = int64_t{1} << 16;

class TiesMerger : public TensorMerger {
 public:
  explicit TiesMerger(TiesSettings settings) : s_(std::move(settings)) {}

  // At model granularity the trim keeps the ⌊density·N⌋ largest |τ_m| of the
  // N merged elements of the whole model, per task. For a float32 compute
  // dtype the cut is found by radix selection (TopCutFinder): two passes over
  // the task vectors, tensor by tensor, and no model-sized buffer; the
  // transform (DARE) then runs three times per tensor (the same draws: its
  // seeds are derived per tensor). A float64 model gathers every |τ_m| in
  // one buffer of N values, one task at a time. Ties at the cut go to the
  // earliest tensor in merge order, then the earliest position (sparsify.h).
  void Prepare(const MergeInputs& inputs) override {
    names_ = inputs.names;
    if (!s_.model_granularity) return;
    int64_t total = 0;
    bool any_double = false;
    for (const auto& name : names_) {
      total += inputs.base.at(name).numel();
      any_double = any_double || inputs.base.at(name).scalar_type() == at::kDouble;
    }
    const int64_t keep = KeepCount(s_.density, total);
    const size_t tasks = inputs.experts.size();
    const auto task_vector = [&](size_t m, const std::string& name) {
      at::Tensor tau = Transformed(name, m, inputs.TaskVector(m, name));
      if (inputs.release_pages) inputs.experts[m]->ReleasePages(name);
      return tau;
    };
    // Every τ_m of `name` to `use`: whole with a transform (DARE draws per
    // tensor), else a piece of rows at a time, as the merge reads them, so
    // that finding the cut holds no whole task vector either.
    const auto each_task_vector = [&](const std::string& name, const std::function<void(size_t, const at::Tensor&)>& use) {
      const at::Tensor& theta0 = inputs.base.at(name);
      if (s_.transform || theta0.dim() == 0 || theta0.numel() <= kPrepareElements) {
        for (size_t m = 0; m < tasks; ++m) use(m, task_vector(m, name));
      } else {
        const int64_t rows = theta0.size(0);
        const int64_t piece_rows = std::max<int64_t>(1, kPrepareElements / std::max<int64_t>(theta0.numel() / rows, 1));
        for (int64_t first = 0; first < rows; first += piece_rows) {
          const at::Tensor piece = theta0.narrow(0, first, std::min(piece_rows, rows - first)).to(at::kFloat);
          for (size_t m = 0; m < tasks; ++m) use(m, inputs.experts[m]->TaskVectorRows(name, piece, first));
        }
        for (size_t m = 0; m < tasks && inputs.release_pages; ++m) inputs.experts[m]->ReleasePages(name);
      }
      if (inputs.release_pages) ReleaseIfMapped(theta0);
    };
    if (!any_double) {
      std::vector<TopCutFinder> finders(tasks, TopCutFinder(keep));
      for (const auto& name : names_) {
        each_task_vector(name, [&](size_t m, const at::Tensor& tau) { finders[m].AddCoarse(tau); });
      }
      bool fine = false;
      for (auto& finder : finders) fine = finder.NeedsFine() || fine;
      if (fine) {
        for (const auto& name : names_) {
          each_task_vector(name, [&](size_t m, const at::Tensor& tau) {
            if (finders[m].NeedsFine()) finders[m].AddFine(tau);
          });
        }
      }
      for (auto& finder : finders) cuts_.push_back(finder.Cut());
      return;
    }
    at::Tensor magnitudes = at::empty({total}, at::kDouble);
    for (size_t m = 0; m < tasks; ++m) {
      int64_t offset = 0;
      for (const auto& name : names_) {
        const int64_t n = inputs.base.at(name).numel();
        magnitudes.narrow(0, offset, n).copy_(task_vector(m, name).abs().reshape({-1}));
        offset += n;
      }
      cuts_.push_back(FindTopCut(magnitudes, keep));
    }
  }

  // At model granularity the cut's ties are consumed in flat order, piece
  // after piece; DARE's draws are made per whole tensor.
  bool Elementwise() const override { return s_.model_granularity && !s_.transform; }

  MergedTensor Merge(const std::string& name, const std::vector<at::Tensor>& task_vectors) override {
    if (next_ == 0 || names_[next_ - 1] != name) {  // the first piece of a tensor
      GAUNTLET_CHECK(next_ < names_.size() && names_[next_] == name, "ties: tensors merged out of order at " + name);
      ++next_;
    }
    std::vector<at::Tensor> taus;
    bool all_float = true;
    for (size_t m = 0; m < task_vectors.size(); ++m) {
      taus.push_back(Transformed(name, m, task_vectors[m]).contiguous());
      all_float = all_float && taus.back().scalar_type() == at::kFloat;
    }
    // Trim: τ̂_m keeps the largest |τ_m| (per tensor or per the model's cut).
    std::vector<TopCut> own;
    std::vector<TopCut*> cuts;
    if (!s_.model_granularity) {
      for (const at::Tensor& tau : taus) own.push_back(FindTopCut(tau.abs(), KeepCount(s_.density, tau.numel())));
    }
    for (size_t m = 0; m < taus.size(); ++m) cuts.push_back(s_.model_granularity ? &cuts_[m] : &own[m]);
    if (all_float) return {FusedTies(taus, cuts), {}};

    std::vector<at::Tensor> trimmed;
    for (size_t m = 0; m < taus.size(); ++m) trimmed.push_back(taus[m] * ApplyTopCut(taus[m].abs(), *cuts[m]));
    // Elect: γ = sign(Σ_m τ̂_m), the sign of the larger total mass; 0 → +1.
    at::Tensor total = trimmed[0].clone();
    for (size_t m = 1; m < trimmed.size(); ++m) total += trimmed[m];
    const at::Tensor sign = (total >= 0).to(total.scalar_type()) * 2 - 1;
    // Disjoint merge: the entries that agree with γ, summed or averaged over
    // the agreeing (non-zero) entries.
    at::Tensor merged = at::zeros_like(total);
    at::Tensor agreeing = at::zeros_like(total);
    for (const auto& tau : trimmed) {
      const at::Tensor agrees = tau * sign > 0;
      merged += tau * agrees;
      agreeing += agrees;
    }
    if (s_.mean) merged /= agreeing.clamp_min(1.0);
    return {merged * s_.alpha, {}};
  }

 private:
  // The tensor form above for float32 task vectors in one pass over the
  // elements, without temporaries: the same float operations in the same
  // order (trim with the cut's ties taken in flat order, total summed over
  // tasks in order, sign, agreeing sum, mean, alpha), so the same bits.
  at::Tensor FusedTies(const std::vector<at::Tensor>& taus, const std::vector<TopCut*>& cuts) const {
    const size_t tasks = taus.size();
    const int64_t n = taus[0].numel();
    std::vector<const float*> data(tasks);
    std::vector<float> threshold(tasks);
    std::vector<int64_t> ties(tasks);
    for (size_t m = 0; m < tasks; ++m) {
      data[m] = taus[m].data_ptr<float>();
      threshold[m] = cuts[m]->threshold.item<float>();
      ties[m] = cuts[m]->ties_left;
    }
    at::Tensor out = at::empty(taus[0].sizes(), taus[0].options());
    float* merged = out.data_ptr<float>();
    const float alpha = static_cast<float>(s_.alpha);
    const auto run = [&](int64_t begin, int64_t end, int64_t* ties_left) {
      std::vector<float> kept(tasks);
      for (int64_t i = begin; i < end; ++i) {
        float total = 0;
        for (size_t m = 0; m < tasks; ++m) {
          const float tau = data[m][i];
          const float magnitude = std::abs(tau);
          bool keep = magnitude > threshold[m];
          if (!keep && magnitude == threshold[m] && ties_left[m] > 0) {
            keep = true;
            --ties_left[m];
          }
          kept[m] = keep ? tau : 0.0f;
          total = m == 0 ? kept[m] : total + kept[m];
        }
        const float sign = total >= 0 ? 1.0f : -1.0f;
        float sum = 0, agreeing = 0;
        for (size_t m = 0; m < tasks; ++m) {
          if (kept[m] * sign > 0) {
            sum += kept[m];
            agreeing += 1;
          }
        }
        if (s_.mean) sum /= std::max(agreeing, 1.0f);
        merged[i] = sum * alpha;
      }
    };
    // Ties still to take are taken in flat order: one thread. Without them
    // every element is independent: LibTorch's intra-op threads share them.
    if (std::any_of(ties.begin(), ties.end(), [](int64_t t) { return t > 0; })) {
      run(0, n, ties.data());
    } else {
      at::parallel_for(0, n, int64_t{1} << 14, [&](int64_t begin, int64_t end) {
        std::vector<int64_t> none(tasks, 0);
        run(begin, end, none.data());
      });
    }
    for (size_t m = 0; m < tasks; ++m) cuts[m]->ties_left = ties[m];
    return out;
  }

  at::Tensor Transformed(const std::string& name, size_t task, const at::Tensor& tau) const {
    return s_.transform ? s_.transform(name, task, tau) : tau;
  }

  TiesSettings s_;
  std::vector<std::string> names_;
  size_t next_ = 0;
  std::vector<TopCut> cuts_;  // per task, at model granularity
};

TiesSettings SettingsOf(const ResolvedParams& params) {
  TiesSettings settings;
  settings.density = params.number("density");
  settings.mean = params.text("agg") == "mean";
  settings.model_granularity = params.text("granularity") == "model";
  settings.alpha = params.number("alpha");
  return settings;
}

}  // namespace

std::unique_ptr<TensorMerger> MakeTies(const ResolvedParams& params) {
  return std::make_unique<TiesMerger>(SettingsOf(params));
}

std::unique_ptr<TensorMerger> MakeDareTies(const ResolvedParams& params) {
  TiesSettings settings = SettingsOf(params);
  settings.transform = DareTransform(params.number("p"), params.flag("rescale"), params.integer("seed"));
  return std::make_unique<TiesMerger>(std::move(settings));
}

}  // namespace gauntlet::merging
