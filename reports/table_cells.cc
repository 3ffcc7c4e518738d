#include "reports/table_cells.h"

#include <cstdio>
#include <vector>

namespace gauntlet::reports {

void EpisodeCounts::Add(const std::string& suite, const std::string& task, int init_state, bool success) {
  ClusterCounts& cluster = clusters[{suite, task, init_state}];
  ++cluster.episodes;
  ++episodes;
  if (!success) return;
  ++cluster.successes;
  ++successes;
}

void EpisodeCounts::Add(const EpisodeCounts& other) {
  episodes += other.episodes;
  successes += other.successes;
  for (const auto& [key, counts] : other.clusters) {
    ClusterCounts& cluster = clusters[key];
    cluster.episodes += counts.episodes;
    cluster.successes += counts.successes;
  }
}

Result<IntervalMethod> ParseIntervalMethod(const std::string& name) {
  if (name == "wilson") return IntervalMethod::kWilson;
  if (name == "cluster-bootstrap") return IntervalMethod::kClusterBootstrap;
  return Error{"unknown interval method '" + name + "' (known: wilson, cluster-bootstrap)"};
}

std::string IntervalMethodName(IntervalMethod method) {
  return method == IntervalMethod::kWilson ? "wilson" : "cluster-bootstrap";
}

std::string IntervalDescription(const IntervalOptions& options) {
  if (options.method == IntervalMethod::kWilson) return "Wilson 95% interval";
  return "95% cluster-bootstrap interval (percentiles of " + std::to_string(options.bootstrap_samples) +
         " resamples of the cell's (task, initial state) clusters, each cluster's episodes drawn together; seed " +
         std::to_string(options.seed) + ")";
}

Figures FromCounts(int successes, int episodes) {
  Figures f;
  f.episodes = episodes;
  f.successes = successes;
  f.rate = episodes > 0 ? static_cast<double>(successes) / episodes : 0;
  if (episodes > 0) {
    f.interval = Wilson95(successes, episodes);
    f.interval_method = IntervalMethodName(IntervalMethod::kWilson);
  }
  return f;
}

Figures FiguresOf(const EpisodeCounts& counts, const IntervalOptions& options) {
  Figures f = FromCounts(counts.successes, counts.episodes);
  if (options.method == IntervalMethod::kWilson || counts.episodes == 0) return f;
  std::vector<ClusterCounts> clusters;
  clusters.reserve(counts.clusters.size());
  for (const auto& [key, cluster] : counts.clusters) clusters.push_back(cluster);
  f.interval = ClusterBootstrap95(clusters, options.bootstrap_samples, options.seed);
  f.interval_method = IntervalMethodName(options.method);
  return f;
}

std::string Percent(double fraction) {
  char text[16];
  std::snprintf(text, sizeof text, "%.1f", 100 * fraction);
  return text;
}

std::string CellText(const std::optional<Figures>& f, const std::string& few_mark) {
  if (!f) return "-";
  std::string text = Percent(f->rate);
  if (f->interval) text += " [" + Percent(f->interval->lower) + ", " + Percent(f->interval->upper) + "]";
  if (f->episodes && *f->episodes < kFewEpisodes) text += few_mark;
  return text;
}

std::string LatexCell(const std::optional<Figures>& f) {
  if (!f) return "--";
  std::string text = Percent(f->rate);
  if (f->interval) {
    text += " {\\scriptsize [" + Percent(f->interval->lower) + ", " + Percent(f->interval->upper) + "]}";
  }
  if (f->episodes && *f->episodes < kFewEpisodes) text += "$^\\dagger$";
  return text;
}

std::string MarkdownEscape(const std::string& s) {
  // The characters that would end a cell or start emphasis, code or markup
  // (merged parts read "vlm.*,expert.*"); `_` only acts at word boundaries,
  // so names like expert_a stay readable.
  std::string out;
  for (char c : s) {
    if (c == '|' || c == '*' || c == '`' || c == '<' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string LatexEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '_': case '&': case '%': case '$': case '#': case '{': case '}': out += std::string("\\") + c; break;
      case '~': out += "\\textasciitilde{}"; break;
      case '^': out += "\\textasciicircum{}"; break;
      case '\\': out += "\\textbackslash{}"; break;
      default: out += c;
    }
  }
  return out;
}

std::string EscapeHtml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string CsvQuote(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string CsvField(const nlohmann::json& v) {
  if (v.is_null()) return std::string();
  if (v.is_number_float()) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6f", v.get<double>());
    return std::string(text);
  }
  if (v.is_string()) return CsvQuote(v.get<std::string>());
  return v.dump();
}

void AddFigures(nlohmann::json& r, const Figures& f) {
  r["rate"] = f.rate;
  r["n"] = f.episodes ? nlohmann::json(*f.episodes) : nlohmann::json(nullptr);
  r["successes"] = f.successes ? nlohmann::json(*f.successes) : nlohmann::json(nullptr);
  r["ci_low"] = f.interval ? nlohmann::json(f.interval->lower) : nlohmann::json(nullptr);
  r["ci_high"] = f.interval ? nlohmann::json(f.interval->upper) : nlohmann::json(nullptr);
  r["ci_method"] = f.interval ? nlohmann::json(f.interval_method) : nlohmann::json(nullptr);
}

}  // namespace gauntlet::reports
