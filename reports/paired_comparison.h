// `gauntlet compare`: a candidate run against a baseline run on identical
// episodes (joined on the episode key), with a verdict for nightly gates.
//
//   per task:  paired counts, rates, difference, exact McNemar p, BH q-value
//   overall:   pooled difference, paired cluster-bootstrap interval (clusters =
//              task x initial state), minimum detectable effect
//   verdict:   regression when the overall interval lies entirely below
//              -margin and the exact McNemar test on all pairs has p < alpha
//              (a bootstrap over a handful of identical clusters alone is
//              overconfident), or a task's difference is below -margin with
//              q < alpha
// Errors and timeouts count as not solved; they stay in the pairs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/result.h"

namespace gauntlet::reports {

struct CompareOptions {
  std::string baseline, candidate;  // run names
  double alpha = 0.05;
  double margin = 0.0;              // tolerated drop in success rate (0.02 = 2 points)
  int bootstrap_iterations = 10000;
  std::uint64_t seed = 0;           // bootstrap generator
};

struct TaskComparison {
  std::string task;
  int pairs = 0;
  int baseline_successes = 0, candidate_successes = 0;
  int baseline_only = 0, candidate_only = 0;  // discordant pairs: b and c of McNemar
  double difference = 0;                      // candidate - baseline rate
  double p_value = 1, q_value = 1;
  bool regressed = false;
};

struct Comparison {
  CompareOptions options;
  std::vector<TaskComparison> tasks;  // in the baseline's task order
  int pairs = 0, baseline_successes = 0, candidate_successes = 0;
  double difference = 0, lower = 0, upper = 0;  // pooled difference and its interval
  double p_value = 1;                           // exact McNemar on all pairs
  double minimum_detectable_effect = 0;         // 80% power
  int unpaired_baseline = 0, unpaired_candidate = 0;  // episodes without a partner
  bool regression = false;
};

Result<Comparison> CompareRuns(const std::string& db_path, const CompareOptions& options);
std::string FormatComparison(const Comparison& comparison);

}  // namespace gauntlet::reports
