#include "reports/table_cells.h"

#include <cstdio>

namespace gauntlet::reports {

Figures FromCounts(int successes, int episodes) {
  Figures f;
  f.episodes = episodes;
  f.successes = successes;
  f.rate = episodes > 0 ? static_cast<double>(successes) / episodes : 0;
  if (episodes > 0) f.interval = Wilson95(successes, episodes);
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
  std::string out;
  for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
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
}

}  // namespace gauntlet::reports
