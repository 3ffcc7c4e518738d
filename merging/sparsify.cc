#include "merging/sparsify.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <cstring>
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

uint32_t MagnitudeBits(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits & 0x7fffffffu;
}

float FloatOfBits(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

constexpr size_t kBuckets = 1u << 16;
constexpr uint32_t kInfinityBits = 0x7f800000u;  // above it: NaN

}  // namespace

TopCutFinder::TopCutFinder(int64_t keep) : keep_(keep), coarse_(kBuckets, 0) {}

void TopCutFinder::AddCoarse(const at::Tensor& values) {
  GAUNTLET_CHECK(values.scalar_type() == at::kFloat, "TopCutFinder takes float32 values");
  const at::Tensor flat = values.contiguous();
  const float* data = flat.data_ptr<float>();
  const int64_t n = flat.numel();
  int64_t* counts = coarse_.data();
  int64_t nans = 0;
  for (int64_t i = 0; i < n; ++i) {
    const uint32_t bits = MagnitudeBits(data[i]);
    ++counts[bits >> 16];
    nans += bits > kInfinityBits;
  }
  nans_ += nans;
  total_ += n;
}

bool TopCutFinder::NeedsFine() {
  if (keep_ <= 0 || keep_ >= total_) return false;
  if (!located_) {
    // The bucket where the count from the top reaches keep.
    int64_t above = 0;
    size_t b = kBuckets;
    while (b-- > 0 && above + coarse_[b] < keep_) above += coarse_[b];
    bucket_ = static_cast<uint32_t>(b);
    above_ = above;
    located_ = true;
    fine_.assign(kBuckets, 0);
  }
  return true;
}

void TopCutFinder::AddFine(const at::Tensor& values) {
  GAUNTLET_CHECK(located_, "TopCutFinder::AddFine before NeedsFine");
  const at::Tensor flat = values.contiguous();
  const float* data = flat.data_ptr<float>();
  const int64_t n = flat.numel();
  int64_t* counts = fine_.data();
  for (int64_t i = 0; i < n; ++i) {
    const uint32_t bits = MagnitudeBits(data[i]);
    if ((bits >> 16) == bucket_) ++counts[bits & 0xffffu];
  }
}

TopCut TopCutFinder::Cut() {
  const auto options = at::TensorOptions().dtype(at::kFloat);
  TopCut cut;
  if (keep_ <= 0) {
    cut.threshold = at::scalar_tensor(std::numeric_limits<double>::infinity(), options);
    return cut;
  }
  if (keep_ >= total_) {
    cut.threshold = at::scalar_tensor(-1.0, options);  // below every magnitude
    return cut;
  }
  GAUNTLET_CHECK(NeedsFine() && located_, "TopCutFinder::Cut before the fine pass");
  int64_t above = above_;
  size_t b = kBuckets;
  while (b-- > 0 && above + fine_[b] < keep_) above += fine_[b];
  const uint32_t threshold = (bucket_ << 16) | static_cast<uint32_t>(b);
  cut.threshold = at::scalar_tensor(FloatOfBits(threshold), options);
  // As FindTopCut: ties_left = keep − #(x > threshold) by float comparison,
  // which counts no NaN (a NaN threshold: nothing compares above it).
  cut.ties_left = keep_ - (threshold > kInfinityBits ? 0 : above - nans_);
  return cut;
}

TopCut FindTopCut(const at::Tensor& magnitudes, int64_t keep) {
  if (magnitudes.scalar_type() == at::kFloat) {
    TopCutFinder finder(keep);
    finder.AddCoarse(magnitudes);
    if (finder.NeedsFine()) finder.AddFine(magnitudes);
    return finder.Cut();
  }
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
    if (flat.scalar_type() == at::kDouble) {
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
