// What a user probably meant, for the "unknown X" errors of every layer
// (suites, tasks, policies, merge methods, tables, embodiments): the known
// names with the close ones first, so that a typo's fix is the first thing
// read. Close: a few single-letter edits away (at most 3, or a quarter of
// the name), or one name containing the other.
#pragma once

#include <string>
#include <vector>

namespace gauntlet {

// Levenshtein distance: single-letter insertions, deletions and substitutions.
int EditDistance(const std::string& a, const std::string& b);

// The names of `known` close to `given`, closest first (ties in their order).
std::vector<std::string> CloseMatches(const std::string& given, const std::vector<std::string>& known);

// "did you mean 'x'? known: x, a, b" (close ones first), or "known: a, b"
// when none is close. For the tail of an error message.
std::string KnownNames(const std::string& given, const std::vector<std::string>& known);

}  // namespace gauntlet
