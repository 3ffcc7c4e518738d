// A merge method's hyperparameters: what the user gives (MergeParams, text
// key -> text value, as a command line or a suite file spells them), what the
// method declares (ParamSpec: key, kind, default, allowed values), and the
// values in force (ResolvedParams: every declared key, canonical text).
// Resolution rejects an unknown key (naming the method's keys) and a value of
// the wrong kind or outside its range (naming the key and the value), so a
// typo is an error, never a silently ignored option. Free of LibTorch.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "harness/result.h"

namespace gauntlet::merging {

// Given hyperparameters, e.g. {{"alpha", "0.5"}, {"agg", "mean"}}.
using MergeParams = std::map<std::string, std::string>;

enum class ParamKind {
  kNumber,   // a finite real in [min, max] (max excluded when max_open)
  kInteger,  // an unsigned 64-bit integer (seeds, counts)
  kFlag,     // true / false / 1 / 0; canonical "true" / "false"
  kChoice,   // one of `choices`
};

struct ParamSpec {
  std::string key;
  ParamKind kind = ParamKind::kNumber;
  std::string default_value;  // canonical text
  std::string meaning;        // one line, for --help and listings
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool max_open = false;
  std::vector<std::string> choices;  // kChoice
};

// Every declared key with the value in force, as canonical text: numbers in
// their shortest round-trip form ("0.3"), integers in decimal, flags as
// true/false. Copy and move: a value type.
class ResolvedParams {
 public:
  ResolvedParams() = default;
  explicit ResolvedParams(std::map<std::string, std::string> values) : values_(std::move(values)) {}

  // The key must be declared with that kind (checked: a bug otherwise).
  double number(const std::string& key) const;
  uint64_t integer(const std::string& key) const;
  bool flag(const std::string& key) const;
  const std::string& text(const std::string& key) const;

  // The keys that start with `prefix`, with the prefix removed ("merge.").
  ResolvedParams WithPrefix(const std::string& prefix) const;

  const std::map<std::string, std::string>& values() const { return values_; }

 private:
  std::map<std::string, std::string> values_;
};

// Checks `given` against `specs` and fills in defaults. `method` names the
// method in errors: "ties: unknown hyperparameter 'densty'; ties takes agg,
// alpha, density, granularity".
Result<ResolvedParams> ResolveParams(const std::string& method, const std::vector<ParamSpec>& specs,
                                     const MergeParams& given);

// "0.3" for 0.3: the shortest text that reads back as the same double.
std::string FormatNumber(double value);

}  // namespace gauntlet::merging
