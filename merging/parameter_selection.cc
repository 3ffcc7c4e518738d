#include "merging/parameter_selection.h"

#include <algorithm>

namespace gauntlet::merging {

bool GlobMatches(const std::string& pattern, const std::string& name) {
  // Iterative matching with one backtrack point (the last `*`): linear in
  // practice, and never exponential.
  size_t p = 0, n = 0;
  size_t star = std::string::npos, star_n = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
      ++p;
      ++n;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_n = n;
    } else if (star != std::string::npos) {
      p = star + 1;
      n = ++star_n;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool ParameterSelection::Pattern::Matches(const std::string& name) const {
  return is_regex ? std::regex_match(name, regex) : GlobMatches(text, name);
}

Result<ParameterSelection::Pattern> ParameterSelection::Compile(const std::string& text) {
  Pattern pattern;
  pattern.text = text;
  if (text.rfind("re:", 0) != 0) return pattern;
  pattern.is_regex = true;
  try {
    pattern.regex = std::regex(text.substr(3), std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return Error{"parameter pattern '" + text + "' is not a valid regular expression (" + e.what() +
                 "); write a glob without the 're:' prefix, or fix the expression"};
  }
  return pattern;
}

Result<ParameterSelection> ParameterSelection::Create(std::vector<std::string> include,
                                                      std::vector<std::string> exclude) {
  ParameterSelection selection;
  for (const auto& text : include) {
    auto pattern = Compile(text);
    if (!pattern.ok()) return pattern.error();
    selection.include_.push_back(std::move(pattern).value());
  }
  for (const auto& text : exclude) {
    auto pattern = Compile(text);
    if (!pattern.ok()) return pattern.error();
    selection.exclude_.push_back(std::move(pattern).value());
  }
  selection.include_text_ = std::move(include);
  selection.exclude_text_ = std::move(exclude);
  return selection;
}

bool ParameterSelection::Selects(const std::string& name) const {
  auto matches = [&](const Pattern& p) { return p.Matches(name); };
  if (!include_.empty() && std::none_of(include_.begin(), include_.end(), matches)) return false;
  return std::none_of(exclude_.begin(), exclude_.end(), matches);
}

std::vector<std::string> ParameterSelection::UnmatchedPatterns(const std::vector<std::string>& names) const {
  std::vector<std::string> unmatched;
  for (const auto* patterns : {&include_, &exclude_}) {
    for (const auto& pattern : *patterns) {
      auto matches = [&](const std::string& name) { return pattern.Matches(name); };
      if (std::none_of(names.begin(), names.end(), matches)) unmatched.push_back(pattern.text);
    }
  }
  return unmatched;
}

}  // namespace gauntlet::merging
