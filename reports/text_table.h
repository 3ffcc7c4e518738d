// Plain-text tables for terminal reports.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace gauntlet::reports {

// Columns are padded to their widest cell (measured in UTF-8 characters) and
// separated by two spaces; a dashed rule follows the header.
class TextTable {
 public:
  enum class Align { kLeft, kRight };
  struct Column {
    std::string header;
    Align align = Align::kLeft;
  };

  explicit TextTable(std::vector<Column> columns) : columns_(std::move(columns)) {}

  // One cell per column.
  void AddRow(std::vector<std::string> cells);
  // A dashed rule, e.g. to set a total row apart.
  void AddRule();
  // Lines end in '\n' and carry no trailing spaces.
  std::string Render() const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;  // an empty row is a rule
};

// `text` if it has at most `max_width` characters, otherwise its start and end
// joined by "…" to exactly `max_width`: long task names differ at both ends.
std::string TruncateMiddle(const std::string& text, std::size_t max_width);

}  // namespace gauntlet::reports
