#include "envs/tabletop/sexpr.h"

#include <cctype>
#include <utility>

namespace gauntlet::envs::tabletop {
namespace {

enum class TokenKind { kOpen, kClose, kSymbol };

struct Token {
  TokenKind kind = TokenKind::kSymbol;
  std::string text;  // symbol text; empty for parentheses
  int line = 0;
  int column = 0;          // 0-based byte column
  int line_indent = 0;     // column of the first token on this token's line
  bool starts_line = false;
};

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool EndsSymbol(char c) { return IsSpace(c) || c == '(' || c == ')' || c == ';'; }

std::vector<Token> Tokenize(const std::string& text) {
  std::vector<Token> tokens;
  int line = 1;
  size_t line_start = 0;
  int line_indent = -1;  // -1 until the line's first token is seen
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      line_start = ++i;
      line_indent = -1;
    } else if (c == ';') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (IsSpace(c)) {
      ++i;
    } else {
      Token token;
      token.line = line;
      token.column = static_cast<int>(i - line_start);
      token.starts_line = line_indent < 0;
      if (token.starts_line) line_indent = token.column;
      token.line_indent = line_indent;
      if (c == '(' || c == ')') {
        token.kind = c == '(' ? TokenKind::kOpen : TokenKind::kClose;
        ++i;
      } else {
        const size_t start = i;
        while (i < text.size() && !EndsSymbol(text[i])) ++i;
        token.text = text.substr(start, i - start);
      }
      tokens.push_back(std::move(token));
    }
  }
  return tokens;
}

Error ErrorAt(const std::string& source, int line, const std::string& what) {
  return Error{source + ":" + std::to_string(line) + ": " + what};
}

}  // namespace

Result<Sexpr> ReadSexpr(const std::string& text, const std::string& source) {
  struct OpenList {
    Sexpr node;
    int indent;  // indentation of the line the '(' is on
  };
  std::vector<OpenList> open;
  Sexpr form;
  bool have_form = false;
  int form_end_line = 0;
  // The first line whose indentation says that the innermost open list should
  // already have been closed; only consulted when a '(' turns out unclosed.
  int suspect_open_line = 0;
  int suspect_line = 0;

  for (Token& token : Tokenize(text)) {
    if (have_form && token.kind == TokenKind::kClose) {
      return ErrorAt(source, token.line, "unbalanced parentheses: ')' without a matching '('");
    }
    if (have_form) {
      return ErrorAt(source, form_end_line,
                     "unbalanced parentheses: the form that began at line " +
                         std::to_string(form.line) + " ends on this line, but more text follows on line " +
                         std::to_string(token.line) + " (an extra ')' on or before this line?)");
    }
    // The outermost list is exempt: files that do not indent its contents would
    // otherwise always point at line 1, which the fallback below says anyway.
    if (token.starts_line && token.kind != TokenKind::kClose && open.size() >= 2 &&
        suspect_line == 0 && token.column <= open.back().indent) {
      suspect_open_line = open.back().node.line;
      suspect_line = token.line;
    }
    Sexpr node;
    node.line = token.line;
    switch (token.kind) {
      case TokenKind::kOpen:
        node.is_list = true;
        open.push_back({std::move(node), token.line_indent});
        continue;
      case TokenKind::kClose:
        if (open.empty()) {
          return ErrorAt(source, token.line, "unbalanced parentheses: ')' without a matching '('");
        }
        node = std::move(open.back().node);
        open.pop_back();
        break;
      case TokenKind::kSymbol:
        node.symbol = std::move(token.text);
        break;
    }
    if (open.empty()) {
      form = std::move(node);
      have_form = true;
      form_end_line = token.line;
    } else {
      open.back().node.items.push_back(std::move(node));
    }
  }

  if (!open.empty()) {
    if (suspect_line != 0) {
      return ErrorAt(source, suspect_open_line,
                     "unbalanced parentheses: a '(' on this line is not closed before line " +
                         std::to_string(suspect_line) + ", which is indented at or left of it");
    }
    return ErrorAt(source, open.front().node.line,
                   "unbalanced parentheses: the '(' on this line is never closed");
  }
  if (!have_form) return ErrorAt(source, 1, "empty input: expected one s-expression");
  return form;
}

}  // namespace gauntlet::envs::tabletop
