// The one printer of every table: each format from one layout, with row
// groups, column groups, marks for small cells and names escaped.
#include "reports/table_layout.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace gauntlet::reports {
namespace {

// Two groups of rows; two columns under one heading, one on its own.
TableLayout Sample(const std::string& name) {
  TableLayout t;
  t.caption = "Rates of " + name + ".";
  t.columns = {{"Policy", false, ""}, {"Method", false, ""}, {"a", true, "panda"}, {"b", true, "panda"},
               {"All", true, ""}};
  t.rows.push_back({"References", {LayoutCell::Text(name), LayoutCell::Text("-"), LayoutCell::Rate(FromCounts(40, 50)),
                                   LayoutCell::Rate(std::nullopt), LayoutCell::Rate(FromCounts(9, 10))}});
  t.rows.push_back({"Merged", {LayoutCell::Text("m"), LayoutCell::Text("ties"), LayoutCell::Rate(FromCounts(25, 50)),
                               LayoutCell::Rate(FromCounts(50, 50)), LayoutCell::Rate(FromCounts(75, 100))}});
  return t;
}

std::string Format(const TableLayout& t, TableFormat f) { return FormatTable({t}, nlohmann::json::array(), {}, f); }

TEST(TableLayout, MarkdownHasGroupHeadingsColumnGroupsAndMarks) {
  const std::string md = Format(Sample("x|y"), TableFormat::kMarkdown);
  EXPECT_EQ(md.rfind("Rates of x\\|y. Marked: fewer than 50 episodes. (\u2020)\n\n", 0), 0u) << md;
  EXPECT_NE(md.find("| Policy | Method | panda: a | panda: b | All |\n|---|---|---:|---:|---:|\n"), std::string::npos) << md;
  EXPECT_NE(md.find("| **References** |||||\n| x\\|y | - | 80.0 [67.0, 88.8] | - | 90.0 [59.6, 98.2] \u2020 |\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| **Merged** |"), std::string::npos) << md;
}

TEST(TableLayout, LatexIsBooktabsWithMulticolumnGroups) {
  const std::string tex = Format(Sample("a & b_c"), TableFormat::kLatex);
  for (const char* part : {"\\begin{tabular}{llrrr}", "\\toprule\n &  & \\multicolumn{2}{c}{panda} &  \\\\\n"
                           "\\cmidrule(lr){3-4}\nPolicy & Method & a & b & All \\\\\n\\midrule\n",
                           "\\multicolumn{5}{l}{\\textit{References}} \\\\\na \\& b\\_c & - & 80.0 {\\scriptsize [67.0, 88.8]}",
                           "\\midrule\n\\multicolumn{5}{l}{\\textit{Merged}}", "$^\\dagger$", "\\bottomrule"}) {
    EXPECT_NE(tex.find(part), std::string::npos) << part << "\n" << tex;
  }
}

TEST(TableLayout, HtmlIsAPageWithEscapedNamesAndIntervals) {
  const std::string html = Format(Sample("<script>alert('x')</script>"), TableFormat::kHtml);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(html.find("<script>"), std::string::npos) << html;
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), std::string::npos) << html;
  EXPECT_NE(html.find("<th scope=\"colgroup\" colspan=\"2\">panda</th>"), std::string::npos) << html;
  EXPECT_NE(html.find("<th scope=\"col\" rowspan=\"2\">Policy</th>"), std::string::npos) << html;
  EXPECT_NE(html.find("<tr class=\"group\"><th scope=\"rowgroup\" colspan=\"5\">Merged</th></tr>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"number\" title=\"40 of 50 episodes; wilson 95% interval\">80.0 [67.0, 88.8]</td>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find(">90.0 [59.6, 98.2] \u2020</td>"), std::string::npos) << html;
  EXPECT_NE(html.find("</table>\n</body>\n</html>\n"), std::string::npos);
}

TEST(TableLayout, CsvListsTheFieldsOfEachRecordAndJsonTheRecords) {
  const nlohmann::json records = {{{"policy", "a,b"}, {"n", 3}, {"rate", 0.5}}, {{"policy", "c"}, {"ci_low", nullptr}}};
  EXPECT_EQ(FormatTable({}, records, {"policy", "n", "rate", "ci_low"}, TableFormat::kCsv),
            "policy,n,rate,ci_low\n\"a,b\",3,0.500000,\nc,,,\n");
  EXPECT_EQ(nlohmann::json::parse(FormatTable({}, records, {}, TableFormat::kJson)), records);
}

TEST(TableLayout, TablesWithoutRatesHaveNoMarkSentence) {
  TableLayout t;
  t.caption = "Counts.";
  t.columns = {{"Task", false, ""}, {"n", true, ""}};
  t.rows.push_back({"", {LayoutCell::Text("a"), LayoutCell::Text("3")}});
  EXPECT_EQ(Format(t, TableFormat::kMarkdown), "Counts.\n\n| Task | n |\n|---|---:|\n| a | 3 |\n");
}

TEST(TableLayout, FormatsParseAndUnknownOnesAreListed) {
  EXPECT_EQ(ParseTableFormat("html").value(), TableFormat::kHtml);
  auto f = ParseTableFormat("xlsx");
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.error().message.find("'xlsx'"), std::string::npos);
  EXPECT_NE(f.error().message.find("md, latex, csv, json, html"), std::string::npos);
}

}  // namespace
}  // namespace gauntlet::reports
