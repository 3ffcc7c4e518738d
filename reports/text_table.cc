#include "reports/text_table.h"

#include <algorithm>

#include "harness/check.h"

namespace gauntlet::reports {

namespace {

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

std::size_t CharCount(const std::string& text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return !IsContinuationByte(c); }));
}

// Byte offset at which character `index` starts; text.size() past the end.
std::size_t ByteOffset(const std::string& text, std::size_t index) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!IsContinuationByte(text[i]) && seen++ == index) return i;
  }
  return text.size();
}

std::string Pad(const std::string& cell, std::size_t width, TextTable::Align align) {
  std::string padding(width - CharCount(cell), ' ');
  return align == TextTable::Align::kLeft ? cell + padding : padding + cell;
}

}  // namespace

void TextTable::AddRow(std::vector<std::string> cells) {
  GAUNTLET_CHECK(cells.size() == columns_.size(),
                 std::to_string(cells.size()) + " cells for " + std::to_string(columns_.size()) +
                     " columns");
  rows_.push_back(std::move(cells));
}

void TextTable::AddRule() { rows_.emplace_back(); }

std::string TextTable::Render() const {
  std::vector<std::size_t> widths;
  for (const Column& column : columns_) widths.push_back(CharCount(column.header));
  for (const auto& row : rows_) {
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], CharCount(row[c]));
  }

  auto render_line = [&](auto cell_text) {
    std::string line;
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      if (c > 0) line += "  ";
      line += cell_text(c);
    }
    line.erase(line.find_last_not_of(' ') + 1);
    return line + "\n";
  };
  auto rule = render_line([&](std::size_t c) { return std::string(widths[c], '-'); });

  std::string out = render_line(
      [&](std::size_t c) { return Pad(columns_[c].header, widths[c], columns_[c].align); });
  out += rule;
  for (const auto& row : rows_) {
    out += row.empty() ? rule : render_line([&](std::size_t c) {
      return Pad(row[c], widths[c], columns_[c].align);
    });
  }
  return out;
}

std::string TruncateMiddle(const std::string& text, std::size_t max_width) {
  GAUNTLET_CHECK(max_width >= 1, "no room for the ellipsis");
  std::size_t length = CharCount(text);
  if (length <= max_width) return text;
  std::size_t kept = max_width - 1;  // characters left beside the ellipsis
  std::size_t head = (kept + 1) / 2;
  std::size_t tail = kept / 2;
  return text.substr(0, ByteOffset(text, head)) + "\u2026" +
         text.substr(ByteOffset(text, length - tail));
}

}  // namespace gauntlet::reports
