#include "harness/close_matches.h"

#include <algorithm>

#include "harness/text_join.h"

namespace gauntlet {

int EditDistance(const std::string& a, const std::string& b) {
  std::vector<int> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    int diagonal = row[0];
    row[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const int up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::vector<std::string> CloseMatches(const std::string& given, const std::vector<std::string>& known) {
  std::vector<std::pair<int, std::size_t>> close;  // (distance, position in known)
  for (std::size_t i = 0; i < known.size(); ++i) {
    const std::string& name = known[i];
    const int d = EditDistance(given, name);
    const bool contains =
        !given.empty() && (name.find(given) != std::string::npos || given.find(name) != std::string::npos);
    if (d <= std::max<int>(3, static_cast<int>(name.size()) / 4) || contains) close.emplace_back(d, i);
  }
  std::stable_sort(close.begin(), close.end());
  std::vector<std::string> out;
  for (const auto& c : close) out.push_back(known[c.second]);
  return out;
}

std::string KnownNames(const std::string& given, const std::vector<std::string>& known) {
  std::vector<std::string> ordered = CloseMatches(given, known);
  const std::string prefix = ordered.empty() ? "" : "did you mean '" + ordered.front() + "'? ";
  for (const std::string& name : known) {
    if (std::find(ordered.begin(), ordered.end(), name) == ordered.end()) ordered.push_back(name);
  }
  return prefix + "known: " + JoinText(ordered, ", ");
}

}  // namespace gauntlet
