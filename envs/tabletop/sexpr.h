// A small s-expression reader for BDDL task files: symbols and nested lists,
// each tagged with the line it starts on so that later stages can report
// "<source>:<line>: ..." errors.
//
// Syntax: '(' and ')' delimit lists; ';' starts a comment that runs to the end
// of the line; any other run of non-space characters is a symbol. There are
// no strings, quotes or escapes (BDDL has none).
#pragma once

#include <string>
#include <vector>

#include "harness/result.h"

namespace gauntlet::envs::tabletop {

// One node of the tree. A value type: copyable and movable.
struct Sexpr {
  bool is_list = false;
  std::string symbol;        // the token text when !is_list
  std::vector<Sexpr> items;  // the elements when is_list
  int line = 0;              // 1-based line of the symbol or of the list's '('

  bool is_symbol() const { return !is_list; }
};

// Reads exactly one top-level form from `text`. Errors name `source` and a line:
// an unexpected ')', a '(' never closed, or text after the form. For a '(' that
// is never closed the reader points at the list that indentation shows was
// meant to end (the first list still open when a later line starts at or left
// of its '(' column), since the unmatched '(' itself is usually the outermost.
Result<Sexpr> ReadSexpr(const std::string& text, const std::string& source);

}  // namespace gauntlet::envs::tabletop
