#include "reports/text_table.h"

#include <gtest/gtest.h>

namespace gauntlet::reports {
namespace {

TEST(TextTableTest, PadsColumnsAndAlignsNumbersRight) {
  TextTable table({{"task", TextTable::Align::kLeft}, {"n", TextTable::Align::kRight}});
  table.AddRow({"open_drawer", "50"});
  table.AddRow({"é", "7"});  // two bytes, one character
  table.AddRule();
  table.AddRow({"total", "57"});
  EXPECT_EQ(table.Render(),
            "task          n\n"
            "-----------  --\n"
            "open_drawer  50\n"
            "é             7\n"
            "-----------  --\n"
            "total        57\n");
}

TEST(TextTableTest, TruncateMiddleKeepsBothEnds) {
  EXPECT_EQ(TruncateMiddle("short", 10), "short");
  EXPECT_EQ(TruncateMiddle("abcdefghij", 10), "abcdefghij");
  EXPECT_EQ(TruncateMiddle("abcdefghijk", 10), "abcde\u2026hijk");
  // Never splits a multi-byte character.
  EXPECT_EQ(TruncateMiddle("ééééé", 4), "éé\u2026é");
}

}  // namespace
}  // namespace gauntlet::reports
