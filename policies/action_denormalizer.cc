#include "policies/action_denormalizer.h"

#include <fstream>

#include "harness/run_metadata.h"
#include "harness/text_join.h"

namespace gauntlet::policies {

namespace {

Result<std::vector<double>> Numbers(const nlohmann::json& stats, const std::string& key, const std::string& where) {
  const auto& value = stats.at(key);
  if (!value.is_array()) return Error{where + ": '" + key + "' is not a list of numbers"};
  std::vector<double> out;
  for (const auto& v : value) {
    if (!v.is_number()) return Error{where + ": '" + key + "' holds a non-number"};
    out.push_back(v.get<double>());
  }
  return out;
}

}  // namespace

Result<ActionDenormalizer> ActionDenormalizer::Load(const std::string& argument, int dim) {
  const auto at = argument.rfind('@');
  ActionDenormalizer d;
  d.path_ = argument.substr(0, at);
  std::string mode = at == std::string::npos ? "" : argument.substr(at + 1);
  if (d.path_.empty()) return Error{"--adapt denorm=FILE: no statistics file given"};
  std::ifstream in(d.path_);
  if (!in) return Error{"--adapt denorm: " + d.path_ + ": cannot open"};
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    return Error{"--adapt denorm: " + d.path_ + ": not JSON: " + e.what()};
  }
  const nlohmann::json* stats = nullptr;
  std::string where = d.path_;
  if (root.contains("action") && root["action"].is_object()) {
    stats = &root["action"];
    where += ": action";
  } else if (root.contains("norm_stats") && root["norm_stats"].contains("actions")) {
    stats = &root["norm_stats"]["actions"];
    where += ": norm_stats.actions";
  } else {
    return Error{"--adapt denorm: " + d.path_ + ": expected an \"action\" object (or openpi's norm_stats.actions)"};
  }
  const std::vector<std::pair<std::string, std::pair<std::string, std::string>>> modes = {
      {"minmax", {"min", "max"}}, {"quantile", {"q01", "q99"}}, {"zscore", {"mean", "std"}}};
  std::vector<std::string> present;
  for (const auto& [name, keys] : modes) {
    if (stats->contains(keys.first) && stats->contains(keys.second)) present.push_back(name);
  }
  if (mode.empty()) {
    if (present.size() != 1) {
      return Error{"--adapt denorm: " + where + ": " +
                   (present.empty() ? "holds none of min/max, q01/q99, mean/std"
                                    : "holds several statistics (" + JoinText(present, ", ") + "): pick one with " +
                                          d.path_ + "@MODE")};
    }
    mode = present[0];
  }
  auto chosen = std::find_if(modes.begin(), modes.end(), [&](const auto& m) { return m.first == mode; });
  if (chosen == modes.end()) return Error{"--adapt denorm: unknown mode '" + mode + "' (minmax, quantile, zscore)"};
  if (std::find(present.begin(), present.end(), mode) == present.end()) {
    return Error{"--adapt denorm: " + where + ": no " + chosen->second.first + "/" + chosen->second.second + " for mode " + mode};
  }
  auto a = Numbers(*stats, chosen->second.first, where);
  if (!a.ok()) return a.error();
  auto b = Numbers(*stats, chosen->second.second, where);
  if (!b.ok()) return b.error();
  if (a.value().size() != b.value().size() || static_cast<int>(a.value().size()) < dim) {
    return Error{"--adapt denorm: " + where + ": statistics of length " + std::to_string(a.value().size()) + "/" +
                 std::to_string(b.value().size()) + " for actions of width " + std::to_string(dim)};
  }
  if (static_cast<int>(a.value().size()) > dim) d.cut_from_ = static_cast<int>(a.value().size());
  d.mode_ = mode;
  for (int i = 0; i < dim; ++i) {
    const double lo = a.value()[i], hi = b.value()[i];
    if (mode == "zscore") {
      d.scale_.push_back(hi);
      d.offset_.push_back(lo);
    } else {
      d.scale_.push_back((hi - lo) / 2);
      d.offset_.push_back((hi + lo) / 2);
    }
  }
  d.mask_.assign(dim, true);
  const nlohmann::json& mask_holder = root.contains("mask") ? root : *stats;
  if (mask_holder.contains("mask")) {
    const auto& mask = mask_holder["mask"];
    if (!mask.is_array() || static_cast<int>(mask.size()) < dim) {
      return Error{"--adapt denorm: " + d.path_ + ": 'mask' must list at least " + std::to_string(dim) + " booleans"};
    }
    for (int i = 0; i < dim; ++i) {
      if (!mask[i].is_boolean()) return Error{"--adapt denorm: " + d.path_ + ": 'mask' holds a non-boolean"};
      d.mask_[i] = mask[i].get<bool>();
    }
  }
  auto sha = Sha256File(d.path_);
  if (!sha.ok()) return sha.error();
  d.sha256_ = sha.value();
  return d;
}

void ActionDenormalizer::Apply(Action& action) const {
  for (size_t i = 0; i < action.size() && i < scale_.size(); ++i) {
    if (mask_[i]) action[i] = action[i] * scale_[i] + offset_[i];
  }
}

nlohmann::json ActionDenormalizer::Describe() const {
  nlohmann::json out = {{"file", path_}, {"sha256", sha256_}, {"mode", mode_}, {"mask", mask_}};
  if (cut_from_ > 0) out["cut_from"] = cut_from_;
  return out;
}

}  // namespace gauntlet::policies
