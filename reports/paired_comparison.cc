#include "reports/paired_comparison.h"

#include <cstdio>
#include <map>

#include "reports/paired_statistics.h"
#include "reports/text_table.h"
#include "results/run_reader.h"

namespace gauntlet::reports {

namespace {

std::string Format(const char* fmt, double v) {
  char text[32];
  std::snprintf(text, sizeof text, fmt, v);
  return text;
}

std::string Points(double difference) { return Format("%+.1f", 100 * difference); }

}  // namespace

Result<Comparison> CompareRuns(const std::string& db_path, const CompareOptions& options) {
  auto reader = results::RunReader::Open(db_path);
  if (!reader.ok()) return reader.error();
  auto base_id = reader.value().FindRun(options.baseline);
  if (!base_id.ok()) return base_id.error();
  auto cand_id = reader.value().FindRun(options.candidate);
  if (!cand_id.ok()) return cand_id.error();
  auto base = reader.value().Episodes(base_id.value());
  if (!base.ok()) return base.error();
  auto cand = reader.value().Episodes(cand_id.value());
  if (!cand.ok()) return cand.error();
  auto order = reader.value().CountByTask(base_id.value());  // the baseline's task order
  if (!order.ok()) return order.error();

  std::map<EpisodeKey, bool> candidate;
  for (const auto& e : cand.value()) candidate[e.key] = e.status == "success";
  Comparison out;
  out.options = options;
  std::map<std::string, TaskComparison> by_task;
  std::map<std::pair<std::string, int>, PairedCluster> clusters;
  std::map<EpisodeKey, bool> paired;
  for (const auto& e : base.value()) {
    auto it = candidate.find(e.key);
    if (it == candidate.end()) {
      ++out.unpaired_baseline;
      continue;
    }
    paired[e.key] = true;
    const bool b = e.status == "success", c = it->second;
    TaskComparison& t = by_task[e.key.task];
    t.task = e.key.task;
    ++t.pairs;
    t.baseline_successes += b;
    t.candidate_successes += c;
    t.baseline_only += b && !c;
    t.candidate_only += c && !b;
    PairedCluster& cluster = clusters[{e.key.task, e.key.init_state}];
    ++cluster.pairs;
    cluster.baseline_successes += b;
    cluster.candidate_successes += c;
  }
  out.unpaired_candidate = static_cast<int>(cand.value().size() - paired.size());
  if (paired.empty()) {
    // A gate that compared nothing must not pass silently.
    return Error{db_path + ": runs '" + options.baseline + "' (" + std::to_string(base.value().size()) +
                 " episodes) and '" + options.candidate + "' (" + std::to_string(cand.value().size()) +
                 " episodes) share no episode key (suite, task, variant, initial state, seed); "
                 "nothing to compare"};
  }

  std::vector<double> p_values;
  for (const auto& counts : order.value()) {
    auto it = by_task.find(counts.task);
    if (it == by_task.end()) continue;
    TaskComparison& t = it->second;
    t.difference = static_cast<double>(t.candidate_successes - t.baseline_successes) / t.pairs;
    t.p_value = ExactMcNemarP(t.baseline_only, t.candidate_only);
    p_values.push_back(t.p_value);
    out.tasks.push_back(t);
    out.pairs += t.pairs;
    out.baseline_successes += t.baseline_successes;
    out.candidate_successes += t.candidate_successes;
  }
  const std::vector<double> q = BenjaminiHochberg(p_values);
  int baseline_only = 0, candidate_only = 0;
  for (size_t i = 0; i < out.tasks.size(); ++i) {
    TaskComparison& t = out.tasks[i];
    t.q_value = q[i];
    t.regressed = t.q_value < options.alpha && t.difference < -options.margin;
    baseline_only += t.baseline_only;
    candidate_only += t.candidate_only;
    out.regression |= t.regressed;
  }
  const int discordant = baseline_only + candidate_only;
  out.p_value = ExactMcNemarP(baseline_only, candidate_only);
  std::vector<PairedCluster> cluster_list;
  for (const auto& [key, c] : clusters) cluster_list.push_back(c);
  const BootstrapResult boot =
      PairedClusterBootstrap(cluster_list, options.bootstrap_iterations, options.seed, options.alpha);
  out.difference = boot.difference;
  out.lower = boot.lower;
  out.upper = boot.upper;
  out.minimum_detectable_effect =
      MinimumDetectableEffect(out.pairs, out.pairs ? static_cast<double>(discordant) / out.pairs : 0,
                              options.alpha, 0.8);
  out.regression |= out.pairs > 0 && out.upper < -options.margin && out.p_value < options.alpha;
  return out;
}

std::string FormatComparison(const Comparison& c) {
  using Align = TextTable::Align;
  TextTable table({{"task", Align::kLeft},
                   {"pairs", Align::kRight},
                   {"baseline", Align::kRight},
                   {"candidate", Align::kRight},
                   {"diff (pts)", Align::kRight},
                   {"b/c", Align::kRight},
                   {"McNemar p", Align::kRight},
                   {"BH q", Align::kRight},
                   {"", Align::kLeft}});
  for (const auto& t : c.tasks) {
    table.AddRow({TruncateMiddle(t.task, 50), std::to_string(t.pairs),
                  std::to_string(t.baseline_successes), std::to_string(t.candidate_successes),
                  Points(t.difference),
                  std::to_string(t.baseline_only) + "/" + std::to_string(t.candidate_only),
                  Format("%.4f", t.p_value), Format("%.4f", t.q_value),
                  t.regressed ? "REGRESSED" : ""});
  }
  table.AddRule();
  table.AddRow({"total", std::to_string(c.pairs), std::to_string(c.baseline_successes),
                std::to_string(c.candidate_successes), Points(c.difference), "", "", "", ""});
  std::string out = "compare: candidate '" + c.options.candidate + "' against baseline '" +
                    c.options.baseline + "' on " + std::to_string(c.pairs) + " paired episodes\n";
  out += table.Render();
  out += "overall difference " + Points(c.difference) + " points, " +
         Format("%.0f", 100 * (1 - c.options.alpha)) + "% paired cluster-bootstrap interval [" +
         Points(c.lower) + ", " + Points(c.upper) + "] (" +
         std::to_string(c.options.bootstrap_iterations) + " resamples of task x initial state); " +
         "exact McNemar on all pairs p = " + Format("%.4g", c.p_value) + "\n";
  out += "minimum detectable effect at this size (80% power): " +
         Format("%.1f", 100 * c.minimum_detectable_effect) + " points\n";
  if (c.unpaired_baseline || c.unpaired_candidate) {
    out += "unpaired episodes (not compared): " + std::to_string(c.unpaired_baseline) +
           " only in the baseline, " + std::to_string(c.unpaired_candidate) + " only in the candidate\n";
  }
  out += std::string("verdict: ") +
         (c.regression ? "REGRESSION" : "no significant regression") + " (alpha " +
         Format("%.3g", c.options.alpha) + ", margin " + Format("%.1f", 100 * c.options.margin) +
         " points)\n";
  return out;
}

}  // namespace gauntlet::reports
