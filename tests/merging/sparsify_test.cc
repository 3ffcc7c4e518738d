// The masks of the sparsifying methods: exact top-k counts with ties broken
// by position (within a tensor and across a model), the Breadcrumbs band,
// DARE's seeded Bernoulli draws.
#include "merging/sparsify.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace gauntlet::merging {
namespace {

at::Tensor Values(std::vector<double> values) { return at::tensor(values, at::kDouble); }

std::vector<int> Bits(const at::Tensor& mask) {
  const at::Tensor flat = mask.reshape({-1}).to(at::kInt).contiguous();
  return std::vector<int>(flat.data_ptr<int>(), flat.data_ptr<int>() + flat.numel());
}

TEST(KeepCount, FloorsButForgivesRoundingError) {
  EXPECT_EQ(KeepCount(0.2, 5), 1);
  EXPECT_EQ(KeepCount(0.2, 4), 0);   // ⌊0.8⌋
  EXPECT_EQ(KeepCount(0.29, 100), 29);  // 0.29·100 = 28.999999999999996 in binary
  EXPECT_EQ(KeepCount(0.7, 10), 7);
  EXPECT_EQ(KeepCount(1.0, 12), 12);
  EXPECT_EQ(KeepCount(0.0, 12), 0);
}

TEST(TopMagnitudeMask, KeepsExactlyKWithTiesToTheEarliest) {
  // |.| = [2, 1, 1, 1, 0]: keep 3 → 2 and the first two 1s.
  EXPECT_EQ(Bits(TopMagnitudeMask(Values({2, 1, 1, 1, 0}), 3)), (std::vector<int>{1, 1, 1, 0, 0}));
  EXPECT_EQ(Bits(TopMagnitudeMask(Values({1, 1, 1, 1}), 2)), (std::vector<int>{1, 1, 0, 0}));
  EXPECT_EQ(Bits(TopMagnitudeMask(Values({3, 5, 4}), 0)), (std::vector<int>{0, 0, 0}));
  EXPECT_EQ(Bits(TopMagnitudeMask(Values({3, 5, 4}), 3)), (std::vector<int>{1, 1, 1}));
  EXPECT_EQ(Bits(TopMagnitudeMask(Values({3, 5, 4}), 1)), (std::vector<int>{0, 1, 0}));
  // Shape is kept; flat order is row-major.
  const at::Tensor mask = TopMagnitudeMask(Values({1, 9, 8, 1}).reshape({2, 2}), 2);
  EXPECT_EQ(mask.sizes(), at::IntArrayRef({2, 2}));
  EXPECT_EQ(Bits(mask), (std::vector<int>{0, 1, 1, 0}));
}

TEST(TopCut, AcrossTensorsTiesGoToTheEarliestTensor) {
  // Two tensors ranked together: [5, 1] and [1, 1, 0]; keep 3 → 5 and the
  // first two 1s in visiting order: the first tensor's, then the second's first.
  const at::Tensor a = Values({5, 1}), b = Values({1, 1, 0});
  TopCut cut = FindTopCut(at::cat({a, b}), 3);
  EXPECT_EQ(Bits(ApplyTopCut(a, cut)), (std::vector<int>{1, 1}));
  EXPECT_EQ(Bits(ApplyTopCut(b, cut)), (std::vector<int>{1, 0, 0}));
  EXPECT_EQ(cut.ties_left, 0);
}

// The radix selection on float32 against a sort: values with many ties (a
// few hundred distinct magnitudes), both signs, zeros of both signs, +inf
// and NaN (ordered above everything), fed as three pieces.
TEST(TopCutFinder, FindsTheSortsCutAcrossPieces) {
  at::Generator g = at::detail::createCPUGenerator(3);
  at::Tensor values = (at::randint(-300, 300, {5000}, g).to(at::kFloat) / 64).contiguous();
  float* v = values.data_ptr<float>();
  v[7] = -0.0f;
  v[11] = std::numeric_limits<float>::infinity();
  v[13] = -std::numeric_limits<float>::quiet_NaN();
  v[17] = 1e-40f;  // subnormal
  std::vector<double> sorted;
  for (int64_t i = 0; i < values.numel(); ++i) {
    sorted.push_back(std::isnan(v[i]) ? std::numeric_limits<double>::max() : std::abs(static_cast<double>(v[i])));
  }
  std::sort(sorted.begin(), sorted.end(), std::greater<double>());
  const std::vector<at::Tensor> pieces = {values.narrow(0, 0, 1000), values.narrow(0, 1000, 3000).reshape({60, 50}),
                                          values.narrow(0, 4000, 1000)};
  // (keep 1 or 2 would put the cut at the NaN or the inf, which no
  // comparison keeps, in FindTopCut as in the float64 path.)
  for (int64_t keep : {-1, 0, 3, 77, 1000, 2500, 4999, 5000, 6000}) {
    TopCutFinder finder(keep);
    for (const at::Tensor& piece : pieces) finder.AddCoarse(piece);
    if (finder.NeedsFine()) {
      for (const at::Tensor& piece : pieces) finder.AddFine(piece);
    }
    TopCut cut = finder.Cut();
    int64_t kept = 0;
    for (const at::Tensor& piece : pieces) kept += ApplyTopCut(piece.abs(), cut).sum().item<int64_t>();
    EXPECT_EQ(kept, std::clamp<int64_t>(keep, 0, 4999)) << keep;  // the NaN is never kept
    if (keep >= 3 && keep < 5000) {
      // Above the NaN and the inf: the threshold is the keep-th largest magnitude.
      EXPECT_EQ(cut.threshold.item<double>(), sorted[keep - 1]) << keep;
      EXPECT_EQ(cut.ties_left, 0) << "every tie was taken";
    }
  }
  // One tensor: FindTopCut takes the same path for float32 and agrees with float64.
  for (int64_t keep : {1, 100, 4000}) {
    const TopCut f = FindTopCut(values.abs(), keep), d = FindTopCut(values.abs().to(at::kDouble), keep);
    const double ft = f.threshold.item<double>(), dt = d.threshold.item<double>();
    EXPECT_TRUE(ft == dt || (std::isnan(ft) && std::isnan(dt))) << keep << ": " << ft << " vs " << dt;
    EXPECT_EQ(f.ties_left, d.ties_left) << keep;
  }
}

TEST(MagnitudeBandMask, DropsTheTopAndKeepsTheNextBand) {
  // Ranks by magnitude: 10 (pos 0), 9, 8, ..., 1 (pos 1): skip 1, keep 6 → 9..4.
  EXPECT_EQ(Bits(MagnitudeBandMask(Values({10, 1, 2, 3, 4, 5, 6, 7, 8, 9}), 1, 6)),
            (std::vector<int>{0, 0, 0, 0, 1, 1, 1, 1, 1, 1}));
  // Equal magnitudes keep flat order (a stable ranking).
  EXPECT_EQ(Bits(MagnitudeBandMask(Values({1, 1, 1, 1}), 1, 2)), (std::vector<int>{0, 1, 1, 0}));
}

TEST(BernoulliKeepMask, SameSeedSameBitsOtherSeedOtherBits) {
  const at::Tensor a = BernoulliKeepMask({1000}, 0.5, 7);
  const at::Tensor b = BernoulliKeepMask({1000}, 0.5, 7);
  const at::Tensor c = BernoulliKeepMask({1000}, 0.5, 8);
  EXPECT_TRUE(at::equal(a, b));
  EXPECT_FALSE(at::equal(a, c));
  EXPECT_TRUE(BernoulliKeepMask({50}, 0.0, 1).all().item<bool>());
  const double kept = BernoulliKeepMask({100000}, 0.3, 3).to(at::kDouble).mean().item<double>();
  EXPECT_NEAR(kept, 0.7, 0.01);
}

TEST(DeriveSeed, DependsOnSeedNameAndTask) {
  const uint64_t s = DeriveSeed(1, "fc.weight", 0);
  EXPECT_EQ(s, DeriveSeed(1, "fc.weight", 0));
  EXPECT_NE(s, DeriveSeed(2, "fc.weight", 0));
  EXPECT_NE(s, DeriveSeed(1, "fc.bias", 0));
  EXPECT_NE(s, DeriveSeed(1, "fc.weight", 1));
  // Values of the code before the hashes were shared (harness/hashing.h):
  // stored merges depend on them.
  EXPECT_EQ(DeriveSeed(0, "layer.0.weight", 1), 0x841bd470e3b460f6ull);
  EXPECT_EQ(DeriveSeed(12345, "w", 0), 0xf87315131a0b9852ull);
}

}  // namespace
}  // namespace gauntlet::merging
