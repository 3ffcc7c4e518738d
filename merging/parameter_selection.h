// Which parameters a merge touches, by name patterns. Free of LibTorch.
//
// A name is selected when it matches at least one include pattern (every
// name, when there are none) and no exclude pattern. A pattern is either
//   a glob (the default): `*` matches any run of characters, dots included,
//     `?` exactly one character, everything else itself
//     ("vlm.*.lora_*", "action_head.blocks.?.*");
//   a regular expression, written `re:` + ECMAScript syntax, matched against
//     the whole name ("re:layers\.(1[0-9])\..*").
// Unselected parameters keep the base model's values (merge_methods.h).
//
// Copy and move: a value type.
#pragma once

#include <regex>
#include <string>
#include <vector>

#include "harness/result.h"

namespace gauntlet::merging {

// Whether `name` matches the glob `pattern` (syntax above), in full.
bool GlobMatches(const std::string& pattern, const std::string& name);

class ParameterSelection {
 public:
  // Selects every name.
  ParameterSelection() = default;

  // An invalid regular expression is an error naming the pattern.
  static Result<ParameterSelection> Create(std::vector<std::string> include,
                                           std::vector<std::string> exclude);

  bool Selects(const std::string& name) const;

  // The patterns (include and exclude, as written) that match none of
  // `names`: almost always a typo, so merging treats them as an error.
  std::vector<std::string> UnmatchedPatterns(const std::vector<std::string>& names) const;

  const std::vector<std::string>& include() const { return include_text_; }
  const std::vector<std::string>& exclude() const { return exclude_text_; }

 private:
  struct Pattern {
    std::string text;
    bool is_regex = false;
    std::regex regex;  // when is_regex
    bool Matches(const std::string& name) const;
  };
  static Result<Pattern> Compile(const std::string& text);

  std::vector<std::string> include_text_, exclude_text_;
  std::vector<Pattern> include_, exclude_;
};

}  // namespace gauntlet::merging
