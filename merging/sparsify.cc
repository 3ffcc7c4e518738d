#include "merging/sparsify.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "harness/check.h"
#include "harness/hashing.h"

namespace gauntlet::merging {

int64_t KeepCount(double fraction, int64_t n) {
  const double exact = fraction * static_cast<double>(n);
  const double nearest = std::round(exact);
  // A product within rounding error of an integer is that integer.
  if (std::abs(exact - nearest) <= 1e-9 * std::max(1.0, exact)) return static_cast<int64_t>(nearest);
  return static_cast<int64_t>(std::floor(exact));
}

namespace {

// The k-th smallest value (1-based) of a contiguous floating tensor, NaN
// ordered above everything. A copy of the values and std::nth_element:
// at::kthvalue would also copy its input and allocate an int64 index as long,
// three times the memory on a model-sized buffer (TIES at model granularity).
template <class T>
double KthSmallest(const at::Tensor& flat, int64_t k) {
  const T* data = flat.data_ptr<T>();
  std::vector<T> values(data, data + flat.numel());
  std::nth_element(values.begin(), values.begin() + (k - 1), values.end(), [](T a, T b) {
    return a < b || (std::isnan(b) && !std::isnan(a));
  });
  return static_cast<double>(values[k - 1]);
}

}  // namespace

TopCut FindTopCut(const at::Tensor& magnitudes, int64_t keep) {
  const int64_t n = magnitudes.numel();
  const auto options = magnitudes.options();
  TopCut cut;
  if (keep <= 0) {
    cut.threshold = at::scalar_tensor(std::numeric_limits<double>::infinity(), options);
  } else if (keep >= n) {
    cut.threshold = at::scalar_tensor(-1.0, options);  // below every magnitude
  } else {
    const at::Tensor flat = magnitudes.reshape({-1}).contiguous();
    // The keep-th largest is the (n − keep + 1)-th smallest.
    const int64_t k = n - keep + 1;
    if (flat.scalar_type() == at::kFloat) {
      cut.threshold = at::scalar_tensor(KthSmallest<float>(flat, k), options);
    } else if (flat.scalar_type() == at::kDouble) {
      cut.threshold = at::scalar_tensor(KthSmallest<double>(flat, k), options);
    } else {
      cut.threshold = std::get<0>(at::kthvalue(flat, k));
    }
    cut.ties_left = keep - (flat > cut.threshold).sum().item<int64_t>();
  }
  return cut;
}

at::Tensor ApplyTopCut(const at::Tensor& magnitudes, TopCut& cut) {
  at::Tensor mask = (magnitudes > cut.threshold).contiguous();
  if (cut.ties_left > 0) {
    const at::Tensor ties = (magnitudes == cut.threshold).reshape({-1}).nonzero().reshape({-1});
    const int64_t take = std::min<int64_t>(cut.ties_left, ties.numel());
    mask.view({-1}).index_fill_(0, ties.slice(0, 0, take), true);
    cut.ties_left -= take;
  }
  return mask;
}

at::Tensor TopMagnitudeMask(const at::Tensor& magnitudes, int64_t keep) {
  TopCut cut = FindTopCut(magnitudes, keep);
  return ApplyTopCut(magnitudes, cut);
}

at::Tensor MagnitudeBandMask(const at::Tensor& magnitudes, int64_t skip_top, int64_t keep) {
  const int64_t n = magnitudes.numel();
  const int64_t begin = std::clamp<int64_t>(skip_top, 0, n);
  const int64_t end = std::clamp<int64_t>(begin + keep, begin, n);
  const at::Tensor order =
      std::get<1>(at::sort(magnitudes.reshape({-1}), /*stable=*/true, /*dim=*/0, /*descending=*/true));
  at::Tensor mask = at::zeros({n}, magnitudes.options().dtype(at::kBool));
  mask.index_fill_(0, order.slice(0, begin, end), true);
  return mask.view(magnitudes.sizes());
}

at::Tensor BernoulliKeepMask(at::IntArrayRef sizes, double drop, uint64_t seed) {
  at::Tensor mask = at::empty(sizes, at::TensorOptions().dtype(at::kBool));
  bool* data = mask.data_ptr<bool>();
  std::mt19937_64 generator(seed);
  const int64_t n = mask.numel();
  for (int64_t i = 0; i < n; ++i) {
    const double u = static_cast<double>(generator() >> 11) * 0x1.0p-53;
    data[i] = u >= drop;
  }
  return mask;
}

uint64_t DeriveSeed(uint64_t seed, const std::string& name, uint64_t task) {
  return SplitMix64(SplitMix64(SplitMix64(seed) ^ Fnv1a64(name)) ^ task);
}

}  // namespace gauntlet::merging
