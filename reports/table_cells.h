// What every publication table shares: a cell's episodes (totals and the
// same episodes by cluster), its figures (rate and interval, Wilson or
// cluster bootstrap, the few-episodes mark) and their text in Markdown,
// LaTeX, HTML and tidy CSV/JSON.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <tuple>

#include "harness/result.h"
#include "reports/cluster_bootstrap_ci.h"
#include "reports/wilson.h"

namespace gauntlet::reports {

// Cells with fewer episodes than this are marked: LIBERO reports 50 per task.
inline constexpr int kFewEpisodes = 50;

// The episodes a cell counts: totals for the rate and the Wilson interval,
// and the same episodes by cluster for the bootstrap. A cluster is one
// initial state of one task of one suite: its trial seeds and perturbation
// variants share the start, so they are resampled together.
struct EpisodeCounts {
  using ClusterKey = std::tuple<std::string, std::string, int>;  // (suite, task, init_state)

  int episodes = 0;
  int successes = 0;
  std::map<ClusterKey, ClusterCounts> clusters;

  void Add(const std::string& suite, const std::string& task, int init_state, bool success);
  void Add(const EpisodeCounts& other);
};

enum class IntervalMethod { kWilson, kClusterBootstrap };

// How a table's cell intervals are computed (`--ci`, `--bootstrap-samples`, `--seed`).
struct IntervalOptions {
  IntervalMethod method = IntervalMethod::kWilson;
  int bootstrap_samples = 2000;  // cluster bootstrap only
  std::uint64_t seed = 0;        // cluster bootstrap only
};

// "wilson" or "cluster-bootstrap"; anything else is an error listing them.
Result<IntervalMethod> ParseIntervalMethod(const std::string& name);
// The name ParseIntervalMethod takes; what csv and json record as ci_method.
std::string IntervalMethodName(IntervalMethod method);
// The intervals as a caption says them: "Wilson 95% interval", or the
// bootstrap with its clusters, resamples and seed.
std::string IntervalDescription(const IntervalOptions& options);

struct Figures {
  std::optional<int> episodes, successes;  // empty for an average of rates
  double rate = 0;
  std::optional<Interval> interval;
  std::string interval_method;  // IntervalMethodName of the interval; "" without one
};

// Rate and Wilson interval of `successes` out of `episodes`.
Figures FromCounts(int successes, int episodes);
// Rate and interval of a cell's episodes by the chosen method; no interval
// for a cell without episodes.
Figures FiguresOf(const EpisodeCounts& counts, const IntervalOptions& options);
std::string Percent(double fraction);  // "97.5"

// "97.5 [94.1, 99.0]" plus `few_mark` under kFewEpisodes; "-" for no figures.
std::string CellText(const std::optional<Figures>& f, const std::string& few_mark);
// The same for LaTeX (interval in \scriptsize, dagger); "--" for none.
std::string LatexCell(const std::optional<Figures>& f);

std::string MarkdownEscape(const std::string& s);  // a backslash before each of | * ` < and the backslash itself
std::string LatexEscape(const std::string& s);
// `&`, `<`, `>`, `"` and `'` as character references: safe in text and in
// quoted attribute values.
std::string EscapeHtml(const std::string& text);
std::string CsvQuote(const std::string& s);
std::string CsvField(const nlohmann::json& v);  // numbers with 6 decimals, null empty

// A tidy record's figures: n, successes, rate, ci_low, ci_high, ci_method.
void AddFigures(nlohmann::json& record, const Figures& f);

}  // namespace gauntlet::reports
