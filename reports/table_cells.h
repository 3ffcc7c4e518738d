// What every publication table shares: a cell's figures from counts (rate,
// Wilson interval, the few-episodes mark) and their text in Markdown, LaTeX
// and tidy CSV/JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "reports/wilson.h"

namespace gauntlet::reports {

// Cells with fewer episodes than this are marked: LIBERO reports 50 per task.
inline constexpr int kFewEpisodes = 50;

struct Figures {
  std::optional<int> episodes, successes;  // empty for an average of rates
  double rate = 0;
  std::optional<Interval> interval;
};

Figures FromCounts(int successes, int episodes);
std::string Percent(double fraction);  // "97.5"

// "97.5 [94.1, 99.0]" plus `few_mark` under kFewEpisodes; "-" for no figures.
std::string CellText(const std::optional<Figures>& f, const std::string& few_mark);
// The same for LaTeX (interval in \scriptsize, dagger); "--" for none.
std::string LatexCell(const std::optional<Figures>& f);

std::string MarkdownEscape(const std::string& s);
std::string LatexEscape(const std::string& s);
std::string CsvQuote(const std::string& s);
std::string CsvField(const nlohmann::json& v);  // numbers with 6 decimals, null empty

// A tidy record's figures: n, successes, rate, ci_low, ci_high.
void AddFigures(nlohmann::json& record, const Figures& f);

}  // namespace gauntlet::reports
