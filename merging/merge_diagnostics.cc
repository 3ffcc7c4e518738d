#include "merging/merge_diagnostics.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace gauntlet::merging {

namespace {

std::string Fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string Scientific(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.3e", value);
  return buffer;
}

// Mean of the off-diagonal entries (0 with fewer than two experts).
double MeanPairwise(const Matrix& matrix) {
  double sum = 0;
  size_t pairs = 0;
  for (size_t a = 0; a < matrix.size(); ++a) {
    for (size_t b = a + 1; b < matrix.size(); ++b, ++pairs) sum += matrix[a][b];
  }
  return pairs ? sum / static_cast<double>(pairs) : 0.0;
}

// Left-aligned columns separated by two spaces.
std::string Table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  std::ostringstream out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(widths[c] - row[c].size() + 2, ' ');
    }
    out << line << "\n";
  }
  return out.str();
}

std::string MatrixTable(const std::string& title, const Matrix& matrix) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {title};
  for (size_t b = 0; b < matrix.size(); ++b) header.push_back("[" + std::to_string(b) + "]");
  rows.push_back(header);
  for (size_t a = 0; a < matrix.size(); ++a) {
    std::vector<std::string> row = {"[" + std::to_string(a) + "]"};
    for (double value : matrix[a]) row.push_back(Fixed(value, 4));
    rows.push_back(row);
  }
  return Table(rows);
}

nlohmann::json GroupJson(const GroupDiagnostics& group) {
  return {{"group", group.group},
          {"elements", group.elements},
          {"tensors", group.tensors},
          {"selfish_ratio", group.selfish_ratio},
          {"mask_active_ratio", group.mask_active_ratio},
          {"active_count_fraction", group.active_count_fraction},
          {"task_vector_norm", group.task_vector_norm},
          {"task_vector_cosine", group.task_vector_cosine},
          {"expert_distance", group.expert_distance},
          {"merged_norm", group.merged_norm}};
}

GroupDiagnostics GroupFromJson(const nlohmann::json& j) {
  GroupDiagnostics group;
  group.group = j.at("group").get<std::string>();
  group.elements = j.at("elements").get<int64_t>();
  group.tensors = j.at("tensors").get<int64_t>();
  group.selfish_ratio = j.at("selfish_ratio").get<double>();
  group.mask_active_ratio = j.at("mask_active_ratio").get<std::vector<double>>();
  group.active_count_fraction = j.at("active_count_fraction").get<std::vector<double>>();
  group.task_vector_norm = j.at("task_vector_norm").get<std::vector<double>>();
  group.task_vector_cosine = j.at("task_vector_cosine").get<Matrix>();
  group.expert_distance = j.at("expert_distance").get<Matrix>();
  group.merged_norm = j.at("merged_norm").get<double>();
  return group;
}

}  // namespace

Result<DiagnosticsLevel> ParseDiagnosticsLevel(const std::string& text) {
  if (text == "none") return DiagnosticsLevel::kNone;
  if (text == "basic") return DiagnosticsLevel::kBasic;
  if (text == "full") return DiagnosticsLevel::kFull;
  return Error{"diagnostics level '" + text + "': expected none, basic or full"};
}

std::string DiagnosticsLevelName(DiagnosticsLevel level) {
  switch (level) {
    case DiagnosticsLevel::kNone:
      return "none";
    case DiagnosticsLevel::kBasic:
      return "basic";
    case DiagnosticsLevel::kFull:
      return "full";
  }
  return "?";
}

std::string DiagnosticsText(const MergeDiagnostics& diagnostics) {
  if (diagnostics.level == "none") return "diagnostics: none (--diagnostics basic or full measures them)\n";
  const size_t m = diagnostics.tasks.size();
  std::ostringstream out;
  if (diagnostics.level == "basic") {
    out << "diagnostics: basic (tensors of " << kSampledTensorElements << "+ elements sampled, " << kSampleBlock
        << " elements in every " << kSampleStride * kSampleBlock
        << ": estimates; --diagnostics full for exact figures)\n";
  }
  out << "experts:\n";
  for (size_t a = 0; a < m; ++a) out << "  [" << a << "] " << diagnostics.tasks[a] << "\n";
  out << "task masks: " << diagnostics.mask_source << ", lambda " << Fixed(diagnostics.mask_lambda, 3)
      << "; groups: first " << diagnostics.group_depth << " name components\n\n";

  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"group", "elements", "selfish"};
  for (size_t a = 0; a < m; ++a) header.push_back("active[" + std::to_string(a) + "]");
  for (size_t a = 0; a < m; ++a) header.push_back("|tau[" + std::to_string(a) + "]|");
  header.insert(header.end(), {"mean dist", "mean cos", "|tau_merge|"});
  rows.push_back(header);
  auto add_row = [&](const GroupDiagnostics& group, const std::string& label) {
    std::vector<std::string> row = {label, std::to_string(group.elements), Fixed(group.selfish_ratio, 4)};
    for (double ratio : group.mask_active_ratio) row.push_back(Fixed(ratio, 4));
    for (double norm : group.task_vector_norm) row.push_back(Scientific(norm));
    row.push_back(Fixed(MeanPairwise(group.expert_distance), 4));
    row.push_back(Fixed(MeanPairwise(group.task_vector_cosine), 4));
    row.push_back(Scientific(group.merged_norm));
    rows.push_back(row);
  };
  for (const auto& group : diagnostics.groups) add_row(group, group.group);
  add_row(diagnostics.total, "(all)");
  out << Table(rows) << "\n";
  out << MatrixTable("cosine(tau)", diagnostics.total.task_vector_cosine) << "\n";
  out << MatrixTable("rel. L2 dist", diagnostics.total.expert_distance);
  return out.str();
}

nlohmann::json DiagnosticsJson(const MergeDiagnostics& diagnostics) {
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& group : diagnostics.groups) groups.push_back(GroupJson(group));
  if (diagnostics.level == "none") return {{"level", "none"}};
  return {{"level", diagnostics.level},
          {"tasks", diagnostics.tasks},
          {"mask_source", diagnostics.mask_source},
          {"mask_lambda", diagnostics.mask_lambda},
          {"group_depth", diagnostics.group_depth},
          {"total", GroupJson(diagnostics.total)},
          {"groups", groups}};
}

Result<MergeDiagnostics> DiagnosticsFromJson(const nlohmann::json& json) {
  try {
    MergeDiagnostics d;
    // Records written before levels existed measured every element.
    d.level = json.value("level", std::string("full"));
    if (d.level == "none") return d;
    d.tasks = json.at("tasks").get<std::vector<std::string>>();
    d.mask_source = json.at("mask_source").get<std::string>();
    d.mask_lambda = json.at("mask_lambda").get<double>();
    d.group_depth = json.at("group_depth").get<int>();
    d.total = GroupFromJson(json.at("total"));
    for (const auto& group : json.at("groups")) d.groups.push_back(GroupFromJson(group));
    return d;
  } catch (const nlohmann::json::exception& e) {
    return Error{std::string("diagnostics: ") + e.what()};
  }
}

}  // namespace gauntlet::merging
