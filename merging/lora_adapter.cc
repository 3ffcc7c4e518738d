#include "merging/lora_adapter.h"

#include <ATen/ATen.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <vector>

#include "merging/safetensors_file.h"

namespace gauntlet::merging {

namespace {

namespace fs = std::filesystem;

constexpr char kConfigFile[] = "adapter_config.json";
constexpr char kWeightsFile[] = "adapter_model.safetensors";
constexpr char kSavedPrefix[] = "base_model.model.";

struct LoraConfig {
  int64_t r = 8;
  double alpha = 8;
  bool rslora = false;
  bool fan_in_fan_out = false;
  std::vector<std::pair<std::string, int64_t>> rank_pattern;  // file order
  std::vector<std::pair<std::string, double>> alpha_pattern;
};

// PEFT's get_pattern_key: the first pattern p with re.match("(.*\.)?(p)$", module).
template <class T>
std::optional<T> MatchPattern(const std::vector<std::pair<std::string, T>>& patterns, const std::string& module) {
  for (const auto& [pattern, value] : patterns) {
    if (std::regex_match(module, std::regex("(.*\\.)?(" + pattern + ")"))) return value;
  }
  return std::nullopt;
}

Result<LoraConfig> ReadConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{path + ": cannot open (a PEFT LoRA adapter folder holds " + kConfigFile + ")"};
  // ordered_json: rank and alpha patterns are tried in file order.
  const nlohmann::ordered_json j = nlohmann::ordered_json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Error{path + ": not a JSON object"};
  LoraConfig c;
  try {
    if (j.contains("peft_type") && j.at("peft_type") != "LORA") {
      return Error{path + ": peft_type " + j.at("peft_type").dump() + " is not a LoRA adapter (\"LORA\")"};
    }
    if (j.value("use_dora", false)) return Error{path + ": use_dora: DoRA adapters rescale W, not only add B·A; not supported"};
    if (j.value("lora_bias", false)) return Error{path + ": lora_bias: LoRA biases are not supported"};
    if (!j.contains("r") || !j.at("r").is_number_integer() || j.at("r").get<int64_t>() <= 0) {
      return Error{path + ": \"r\" must be a positive integer"};
    }
    c.r = j.at("r").get<int64_t>();
    if (!j.contains("lora_alpha") || !j.at("lora_alpha").is_number()) return Error{path + ": \"lora_alpha\" must be a number"};
    c.alpha = j.at("lora_alpha").get<double>();
    c.rslora = j.value("use_rslora", false);
    c.fan_in_fan_out = j.value("fan_in_fan_out", false);
    for (const char* key : {"rank_pattern", "alpha_pattern"}) {
      if (!j.contains(key) || j.at(key).is_null()) continue;
      if (!j.at(key).is_object()) return Error{path + ": \"" + key + "\" must be an object {pattern: value}"};
      for (const auto& [pattern, value] : j.at(key).items()) {
        try {
          std::regex check("(.*\\.)?(" + pattern + ")");
        } catch (const std::regex_error&) {
          return Error{path + ": " + key + " pattern '" + pattern + "' is not a regular expression"};
        }
        if (std::string(key) == "rank_pattern") {
          if (!value.is_number_integer() || value.get<int64_t>() <= 0) {
            return Error{path + ": rank_pattern['" + pattern + "'] must be a positive integer"};
          }
          c.rank_pattern.emplace_back(pattern, value.get<int64_t>());
        } else {
          if (!value.is_number()) return Error{path + ": alpha_pattern['" + pattern + "'] must be a number"};
          c.alpha_pattern.emplace_back(pattern, value.get<double>());
        }
      }
    }
  } catch (const nlohmann::json::exception& e) {
    return Error{path + ": " + e.what()};
  }
  return c;
}

enum class Layout { kLinear, kLinearTransposed, kEmbedding };

struct Update {
  std::string key_a, key_b;  // the adapter's names, for errors
  at::Tensor a, b;
  double scale = 1;
  Layout layout = Layout::kLinear;
};

std::vector<int64_t> DeltaShape(const Update& u) {
  if (u.layout == Layout::kLinear) return {u.b.size(0), u.a.size(1)};
  return {u.a.size(1), u.b.size(0)};
}

// Rows [begin, begin + count) of ΔW in `type`: scale·B·A, or its transpose.
at::Tensor Delta(const Update& u, at::ScalarType type, int64_t begin, int64_t count) {
  const at::Tensor a = u.a.to(type), b = u.b.to(type);
  const at::Tensor product = u.layout == Layout::kLinear ? at::matmul(b.narrow(0, begin, count), a)
                                                         : at::matmul(a.narrow(1, begin, count).t(), b.t());
  return product.mul_(u.scale);
}

at::Tensor Delta(const Update& u, at::ScalarType type) { return Delta(u, type, 0, DeltaShape(u)[0]); }

class LoraExpert : public ExpertModel {
 public:
  LoraExpert(std::string source, std::map<std::string, Update> updates, std::map<std::string, at::Tensor> values)
      : source_(std::move(source)), updates_(std::move(updates)), values_(std::move(values)) {}

  const std::string& source() const override { return source_; }

  Status CheckLayout(const ParameterMap& base) const override {
    for (const auto& [name, update] : updates_) {
      const at::Tensor* w = base.find(name);
      if (w == nullptr || w->sizes().vec() != DeltaShape(update) || !IsMergeable(*w)) {
        return Error{source_ + ": '" + update.key_a + "' updates '" + name + "', which base '" + base.source() +
                     "' does not hold as a floating tensor of shape " + ShapeText(at::empty(DeltaShape(update)))};
      }
    }
    for (const auto& [name, value] : values_) {
      const at::Tensor* w = base.find(name);
      if (w == nullptr || !w->sizes().equals(value.sizes())) {
        return Error{source_ + ": '" + name + "' " + ShapeText(value) + " does not fit base '" + base.source() + "'"};
      }
    }
    return Status::Ok();
  }

  at::Tensor TaskVectorRows(const std::string& name, const at::Tensor& theta0_rows, int64_t row_begin) const override {
    const at::ScalarType type = theta0_rows.scalar_type();
    if (const auto u = updates_.find(name); u != updates_.end()) {
      return Delta(u->second, type, row_begin, theta0_rows.size(0));
    }
    if (const auto v = values_.find(name); v != values_.end()) {
      const at::Tensor& value = v->second;
      const at::Tensor rows = value.dim() == 0 ? value : value.narrow(0, row_begin, theta0_rows.size(0));
      return rows.to(type) - theta0_rows;
    }
    return at::zeros(theta0_rows.sizes(), theta0_rows.options());
  }

  at::Tensor Value(const std::string& name, const at::Tensor& theta0) const override {
    const at::ScalarType type = ComputeType(theta0.scalar_type());
    if (const auto u = updates_.find(name); u != updates_.end()) {
      return (theta0.to(type) + Delta(u->second, type)).to(theta0.scalar_type());
    }
    if (const auto v = values_.find(name); v != values_.end()) return v->second.to(theta0.scalar_type());
    return theta0;
  }

  void ReleasePages(const std::string& name) const override {
    if (const auto v = values_.find(name); v != values_.end()) ReleaseIfMapped(v->second);
  }

 private:
  std::string source_;
  std::map<std::string, Update> updates_;     // base name -> factors
  std::map<std::string, at::Tensor> values_;  // base name -> whole tensor
};

bool IsDottedSuffix(const std::string& longer, const std::string& shorter) {
  return longer.size() > shorter.size() && longer.compare(longer.size() - shorter.size(), shorter.size(), shorter) == 0 &&
         longer[longer.size() - shorter.size() - 1] == '.';
}

// The base's name for `wanted` (see the header), or an error.
Result<std::string> BaseName(const ParameterMap& base, const std::string& wanted, const std::string& source,
                             const std::string& key) {
  if (base.contains(wanted)) return wanted;
  std::vector<std::string> found;
  for (const auto& [name, tensor] : base.entries()) {
    if (IsDottedSuffix(name, wanted) || IsDottedSuffix(wanted, name)) found.push_back(name);
  }
  if (found.size() == 1) return found.front();
  if (found.empty()) {
    return Error{source + ": '" + key + "' is for '" + wanted + "', which base '" + base.source() +
                 "' does not hold (nor a name ending in it): the adapter was trained on another model"};
  }
  return Error{source + ": '" + key + "' is for '" + wanted + "', which matches both '" + found[0] + "' and '" +
               found[1] + "' of base '" + base.source() + "'"};
}

}  // namespace

Result<std::unique_ptr<ExpertModel>> LoadLoraExpert(const std::string& dir, const ParameterMap& base) {
  const std::string source = kLoraPrefix + dir;
  if (!fs::is_directory(dir)) return Error{source + ": not a folder (a PEFT LoRA adapter is a folder)"};
  auto config = ReadConfig((fs::path(dir) / kConfigFile).string());
  if (!config.ok()) return config.error();
  const std::string weights_path = (fs::path(dir) / kWeightsFile).string();
  if (!fs::exists(weights_path)) {
    return Error{source + ": no " + kWeightsFile +
                 (fs::exists(fs::path(dir) / "adapter_model.bin")
                      ? " (adapter_model.bin is a pickle, not read: save the adapter with safe_serialization=True)"
                      : std::string())};
  }
  auto file = SafetensorsFile::Open(weights_path);
  if (!file.ok()) return file.error();
  const LoraConfig& c = config.value();

  static const std::regex linear(R"(^(.+)\.lora_([AB])(?:\.[^.]+)?\.weight$)");
  static const std::regex embedding(R"(^(.+)\.lora_embedding_([AB])(?:\.[^.]+)?$)");
  static const std::regex saved_whole(R"(^(.+)\.modules_to_save\.(.+)$)");
  struct Factors {
    std::optional<std::pair<std::string, at::Tensor>> a, b;
    bool embedding = false;
  };
  std::map<std::string, Factors> modules;  // module name (prefix removed) -> factors
  std::map<std::string, at::Tensor> values;
  for (const SafetensorsEntry& entry : file.value().header().entries) {
    const std::string& key = entry.name;
    std::string name = key.rfind(kSavedPrefix, 0) == 0 ? key.substr(std::strlen(kSavedPrefix)) : key;
    if (key.find("lora_magnitude_vector") != std::string::npos) {
      return Error{weights_path + ": '" + key + "' is a DoRA magnitude: DoRA adapters are not supported"};
    }
    std::smatch match;
    const bool is_linear = std::regex_match(name, match, linear);
    if (is_linear || std::regex_match(name, match, embedding)) {
      Factors& f = modules[match[1].str()];
      f.embedding = !is_linear;
      (match[2].str() == "A" ? f.a : f.b) = std::make_pair(key, file.value().Tensor(entry));
      continue;
    }
    if (name.find(".lora_") != std::string::npos) {
      return Error{weights_path + ": '" + key + "' is a LoRA tensor of a kind not supported (lora_A/lora_B .weight, "
                   "lora_embedding_A/B)"};
    }
    const at::Tensor value = file.value().Tensor(entry);
    if (std::regex_match(name, match, saved_whole)) {
      // "<module>.modules_to_save[.<adapter>].<param>"
      const std::string rest = match[2].str();
      const size_t dot = rest.find('.');
      const std::string with = match[1].str() + "." + rest;
      const std::string without = dot == std::string::npos ? with : match[1].str() + "." + rest.substr(dot + 1);
      name = base.contains(with) ? with : without;
    }
    auto target = BaseName(base, name, source, key);
    if (!target.ok()) return target.error();
    if (!values.emplace(target.value(), value).second) {
      return Error{source + ": two tensors of the adapter replace '" + target.value() + "'"};
    }
  }
  std::map<std::string, Update> updates;
  for (const auto& [module, f] : modules) {
    if (!f.a || !f.b) {
      return Error{source + ": module '" + module + "' has " + (f.a ? "lora_A" : "lora_B") + " but no " +
                   (f.a ? "lora_B" : "lora_A")};
    }
    Update u;
    u.key_a = f.a->first;
    u.key_b = f.b->first;
    u.a = f.a->second;
    u.b = f.b->second;
    u.layout = f.embedding ? Layout::kEmbedding : c.fan_in_fan_out ? Layout::kLinearTransposed : Layout::kLinear;
    if (u.a.dim() != 2 || u.b.dim() != 2 || u.a.size(0) != u.b.size(1) || !IsMergeable(u.a) || !IsMergeable(u.b)) {
      return Error{source + ": module '" + module + "': '" + u.key_a + "' " + ShapeText(u.a) + " and '" + u.key_b +
                   "' " + ShapeText(u.b) + " are not floating [r, in] and [out, r] factors of one rank"};
    }
    const int64_t rank = u.a.size(0);
    const int64_t r = MatchPattern(c.rank_pattern, module).value_or(c.r);
    if (r != rank) {
      return Error{source + ": module '" + module + "': " + kConfigFile + " gives r = " + std::to_string(r) +
                   ", its factors have rank " + std::to_string(rank)};
    }
    const double alpha = MatchPattern(c.alpha_pattern, module).value_or(c.alpha);
    u.scale = c.rslora ? alpha / std::sqrt(static_cast<double>(r)) : alpha / static_cast<double>(r);
    auto target = BaseName(base, module + ".weight", source, u.key_a);
    if (!target.ok()) return target.error();
    const at::Tensor& w = base.at(target.value());
    if (w.sizes().vec() != DeltaShape(u)) {
      return Error{source + ": module '" + module + "': B·A" + (u.layout == Layout::kLinear ? "" : "ᵀ") + " is " +
                   ShapeText(at::empty(DeltaShape(u))) + " but '" + target.value() + "' of base '" + base.source() +
                   "' is " + ShapeText(w) + ": the adapter does not match this base"};
    }
    if (values.count(target.value()) > 0 || !updates.emplace(target.value(), std::move(u)).second) {
      return Error{source + ": '" + target.value() + "' is updated twice by the adapter"};
    }
  }
  if (updates.empty() && values.empty()) return Error{weights_path + ": holds no LoRA factors"};
  return std::unique_ptr<ExpertModel>(new LoraExpert(source, std::move(updates), std::move(values)));
}

}  // namespace gauntlet::merging
