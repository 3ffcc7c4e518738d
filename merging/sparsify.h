// The masks that sparsifying merge methods apply to a task vector: keep the
// k largest magnitudes (TIES trim), keep a band of ranks (Model Breadcrumbs),
// keep each entry with probability 1 − p (DARE). Masks are bool tensors of
// the input's shape.
//
// Counts are exact. "Keep the top 20 %" of n entries keeps KeepCount(0.2, n)
// = ⌊0.2·n⌋ of them (mergekit's int(density·numel)), never more: magnitudes
// tied at the cut go to the earliest positions in flat (row-major) order, and
// across a whole model to the earliest tensor in the map's order.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gauntlet::merging {

// ⌊fraction·n⌋, read so that 0.29·100 is 29 (not 28 from rounding error).
int64_t KeepCount(double fraction, int64_t n);

// Where to cut a ranking of magnitudes to keep exactly `keep` entries: every
// entry above `threshold` (a 0-d tensor of the magnitudes' dtype), and the
// first `ties_left` entries equal to it.
struct TopCut {
  at::Tensor threshold;
  int64_t ties_left = 0;
};

// The cut that keeps the `keep` largest of `magnitudes` (any shape; all of
// them when keep >= numel, none when keep <= 0).
TopCut FindTopCut(const at::Tensor& magnitudes, int64_t keep);

// FindTopCut over float32 values fed in pieces (the tensors of a model, in
// merge order) without holding them: a radix selection on the bit patterns of
// |x| (non-negative floats order as their bits, NaN above +inf, as
// FindTopCut orders them). Two passes over the same pieces in the same
// order: AddCoarse counts the high 16 bits; then, only if NeedsFine(),
// AddFine counts the low 16 bits inside the one high bucket holding the cut.
// Memory: two tables of 65536 counts, whatever the model's size.
class TopCutFinder {
 public:
  explicit TopCutFinder(int64_t keep);
  // `values`: float32, any shape; only their magnitudes count.
  void AddCoarse(const at::Tensor& values);
  bool NeedsFine();
  void AddFine(const at::Tensor& values);
  // The cut, the same as FindTopCut's on all pieces concatenated.
  TopCut Cut();

 private:
  int64_t keep_;
  int64_t total_ = 0;
  int64_t nans_ = 0;
  bool located_ = false;  // bucket_ and above_ are set
  uint32_t bucket_ = 0;   // high 16 bits of the cut
  int64_t above_ = 0;     // values in higher buckets
  std::vector<int64_t> coarse_, fine_;
};

// The mask of `magnitudes` (one tensor of a ranking that `cut` was found on,
// visited in order) that `cut` keeps; consumes ties from `cut`.
at::Tensor ApplyTopCut(const at::Tensor& magnitudes, TopCut& cut);

// Keeps the `keep` largest entries of one tensor (TIES trim per tensor).
at::Tensor TopMagnitudeMask(const at::Tensor& magnitudes, int64_t keep);

// Keeps ranks [skip_top, skip_top + keep) in decreasing magnitude, ties in
// flat order (Model Breadcrumbs: the `skip_top` largest and everything past
// the band are dropped).
at::Tensor MagnitudeBandMask(const at::Tensor& magnitudes, int64_t skip_top, int64_t keep);

// Each entry kept independently with probability 1 − drop (DARE). Draws come
// from std::mt19937_64 seeded with `seed`, one draw per entry in flat order,
// u = (draw >> 11)·2⁻⁵³ ∈ [0, 1), kept when u >= drop: bit-identical on
// every machine for the same seed, and free of LibTorch's global generator.
at::Tensor BernoulliKeepMask(at::IntArrayRef sizes, double drop, uint64_t seed);

// The seed of one tensor of one task, derived from the merge's seed, the
// parameter name and the task's index (SplitMix64 mixing): draws do not depend
// on which other parameters are selected or in which order they are merged.
uint64_t DeriveSeed(uint64_t seed, const std::string& name, uint64_t task);

}  // namespace gauntlet::merging
