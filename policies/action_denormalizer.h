// De-normalises actions emitted in a policy's normalised space, from the
// dataset statistics it was trained with. Accepted files (JSON):
//   {"action": {"min": [..], "max": [..]}}       [-1, 1] -> [min, max]
//   {"action": {"q01": [..], "q99": [..]}}       [-1, 1] -> [q01, q99]
//   {"action": {"mean": [..], "std": [..]}}      x -> x * std + mean
// optionally with "mask": [bool, ..] (false: leave that dimension as it is),
// and openpi's norm_stats.json ({"norm_stats": {"actions": {...}}}). When a
// file holds several pairs, the argument picks one: FILE@minmax,
// FILE@quantile or FILE@zscore. Statistics longer than the action (openpi pads
// to 32) are cut to its length, on the record.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/action.h"

namespace gauntlet::policies {

class ActionDenormalizer {
 public:
  // `argument` is FILE or FILE@MODE; `dim` is the policy's action width.
  static Result<ActionDenormalizer> Load(const std::string& argument, int dim);
  void Apply(Action& action) const;
  // File, its sha256, mode, statistics used: for the run's record.
  nlohmann::json Describe() const;

 private:
  std::string path_, sha256_, mode_;
  std::vector<double> scale_, offset_;  // raw = x * scale + offset
  std::vector<bool> mask_;
  int cut_from_ = 0;                    // original statistics length when cut
};

}  // namespace gauntlet::policies
