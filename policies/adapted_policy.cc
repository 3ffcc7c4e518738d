#include "policies/adapted_policy.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <map>
#include <optional>
#include <set>

#include "harness/policy_spec.h"
#include "harness/text_join.h"
#include "policies/action_denormalizer.h"
#include "policies/image_transforms.h"
#include "harness/rotation_conversions.h"

namespace gauntlet::policies {

namespace {

// A gripper command as "how closed", 0 open .. 1 closed, and back. Every
// convention is linear in it, so intermediate commands map too.
double Closedness(GripperConvention c, double g) {
  switch (c) {
    case GripperConvention::kNegOpenPosClose: return (g + 1) / 2;
    case GripperConvention::kPosOpenNegClose: return (1 - g) / 2;
    case GripperConvention::kOneOpenZeroClose: return 1 - g;
  }
  return 0;
}

double FromClosedness(GripperConvention c, double k) {
  switch (c) {
    case GripperConvention::kNegOpenPosClose: return 2 * k - 1;
    case GripperConvention::kPosOpenNegClose: return 1 - 2 * k;
    case GripperConvention::kOneOpenZeroClose: return 1 - k;
  }
  return 0;
}

// End-effector actions are laid out position (3), rotation, gripper (last).
constexpr int kRotationStart = 3;

class AdaptedPolicy : public Policy {
 public:
  explicit AdaptedPolicy(std::unique_ptr<Policy> inner) : inner_(std::move(inner)), inner_info_(inner_->info()) {}
  PolicyInfo info() const override { return outer_; }
  void reset(const EpisodeContext& context) override { inner_->reset(context); }
  void on_event(EventSink& sink, const EpisodeKey& key) override { inner_->on_event(sink, key); }

  ActionChunk act(const Observation& observation) override {
    ActionChunk chunk = (flip_ || resize_) ? inner_->act(ConvertImages(observation)) : inner_->act(observation);
    for (Action& a : chunk.actions) Convert(a);
    return chunk;
  }

  // Batching passes through: each observation and each answer is adapted
  // as act adapts them.
  bool batches() const override { return inner_->batches(); }
  int concurrency() const override { return inner_->concurrency(); }
  int max_batch() const override { return inner_->max_batch(); }
  std::shared_ptr<PolicySession> open_session() override { return inner_->open_session(); }
  std::vector<PolicyAnswer> act_batch(const std::vector<PolicyQuery>& queries) override {
    std::vector<PolicyQuery> inner_queries = queries;
    if (flip_ || resize_) {
      for (PolicyQuery& q : inner_queries) q.observation = std::make_shared<Observation>(ConvertImages(*q.observation));
    }
    std::vector<PolicyAnswer> answers = inner_->act_batch(inner_queries);
    for (PolicyAnswer& answer : answers) {
      if (answer.error) continue;
      try {
        for (Action& a : answer.chunk.actions) Convert(a);
      } catch (...) {
        answer.error = std::current_exception();
      }
    }
    return answers;
  }

  PolicyInfo outer_;  // the family side
  bool flip_ = false, resize_ = false;
  std::optional<GripperConvention> gripper_from_, gripper_to_;
  std::optional<RotationFormat> rotation_from_;
  std::optional<ActionDenormalizer> denorm_;

 private:
  Observation ConvertImages(const Observation& observation) const {
    Observation converted = observation;
    for (auto& [name, image] : converted.images) {
      if (flip_) image = Rotate180(image);
      if (resize_) image = ResizeWithPad(image, inner_info_.needs.image_width, inner_info_.needs.image_height);
    }
    return converted;
  }

  void Convert(Action& a) const {
    if (static_cast<int>(a.size()) != inner_info_.action_spec.dim) {
      throw PolicyError("adapters: the policy returned " + std::to_string(a.size()) + " values per action, it declares " +
                        std::to_string(inner_info_.action_spec.dim));
    }
    if (denorm_) denorm_->Apply(a);
    if (rotation_from_) {
      const double* r = a.data() + kRotationStart;
      std::array<double, 3> aa{};
      switch (*rotation_from_) {
        case RotationFormat::kQuatWxyz: aa = QuatWxyzToAxisAngle({r[0], r[1], r[2], r[3]}); break;
        case RotationFormat::kQuatXyzw: aa = QuatWxyzToAxisAngle({r[3], r[0], r[1], r[2]}); break;
        case RotationFormat::kEulerXyz: aa = EulerXyzToAxisAngle(r[0], r[1], r[2]); break;
        default: break;
      }
      const int n = RotationDims(*rotation_from_);
      a.erase(a.begin() + kRotationStart, a.begin() + kRotationStart + n);
      a.insert(a.begin() + kRotationStart, aa.begin(), aa.end());
    }
    if (gripper_from_) a.back() = FromClosedness(*gripper_to_, Closedness(*gripper_from_, a.back()));
  }

  std::unique_ptr<Policy> inner_;
  PolicyInfo inner_info_;
};

std::string Size(int w, int h) { return std::to_string(w) + "x" + std::to_string(h); }

}  // namespace

Result<std::vector<AdapterRequest>> ParseAdapters(const std::vector<std::string>& items) {
  static const std::set<std::string> kKnown = {"gripper", "rotation", "flip180", "resize_pad", "denorm"};
  static const std::map<std::string, std::string> kBundles = {
      {"openpi_libero", "flip180,resize_pad"}, {"openpi_droid", "resize_pad"}, {"openpi_aloha", "resize_pad"}};
  std::vector<AdapterRequest> out;
  std::set<std::string> seen;
  for (const std::string& given : items) {
    std::string raw;  // with bundles expanded
    for (size_t start = 0; start <= given.size();) {
      const size_t comma = std::min(given.find(',', start), given.size());
      const std::string item = given.substr(start, comma - start);
      auto bundle = kBundles.find(item);
      raw += (raw.empty() ? "" : ",") + (bundle == kBundles.end() ? item : bundle->second);
      start = comma + 1;
    }
    std::string rest = raw;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      std::string item = rest.substr(0, comma);
      rest = comma == std::string::npos ? "" : rest.substr(comma + 1);
      if (item.empty()) continue;
      const auto eq = item.find('=');
      AdapterRequest r{item.substr(0, eq), eq == std::string::npos ? "" : item.substr(eq + 1)};
      if (!kKnown.count(r.name)) {
        return Error{"--adapt " + r.name + ": unknown adapter (known: gripper, rotation, flip180, resize_pad, "
                     "denorm=FILE; client bundles: openpi_libero, openpi_droid, openpi_aloha)"};
      }
      if (!seen.insert(r.name).second) return Error{"--adapt " + r.name + ": given twice"};
      if ((r.name == "denorm") == r.arg.empty()) {
        return Error{"--adapt " + item + (r.name == "denorm" ? ": needs a statistics file (denorm=FILE)" : ": takes no argument")};
      }
      out.push_back(std::move(r));
    }
  }
  return out;
}

Result<std::unique_ptr<Policy>> Adapt(std::unique_ptr<Policy> inner, const std::vector<AdapterRequest>& adapters,
                                      const ActionSpec& action, const ObservationSpec& offer) {
  const PolicyInfo in = inner->info();
  PolicyInfo out = in;
  auto adapted = std::make_unique<AdaptedPolicy>(std::move(inner));
  const std::string who = "policy '" + in.name + "'";
  nlohmann::json record = nlohmann::json::array();
  auto has = [&](const std::string& name) {
    return std::any_of(adapters.begin(), adapters.end(), [&](const AdapterRequest& r) { return r.name == name; });
  };
  auto arg = [&](const std::string& name) {
    for (const auto& r : adapters) {
      if (r.name == name) return r.arg;
    }
    return std::string();
  };
  // Applied in this order whatever the order given: images flipped then
  // resized (as openpi's client does); actions de-normalised, then rotation,
  // then gripper.
  if (has("flip180")) {
    if (in.needs.orientation != ImageOrientation::kRotated180) {
      return Error{"--adapt flip180: " + who + " expects upright images; turning them would feed it upside-down frames"};
    }
    adapted->flip_ = true;
    out.needs.orientation = ImageOrientation::kUpright;
    record.push_back({{"name", "flip180"}, {"from", "upright"}, {"to", "rotated180"}});
  }
  if (has("resize_pad")) {
    if (in.needs.image_width <= 0 || in.needs.image_height <= 0 || in.needs.cameras.empty()) {
      return Error{"--adapt resize_pad: " + who + " declares no camera and image size to resize to"};
    }
    // What the run renders for the cameras the policy reads (cameras may
    // have sizes of their own).
    std::vector<std::string> rendered;
    std::set<std::string> sizes;
    bool all_fit = true;
    for (const std::string& camera : in.needs.cameras) {
      const ImageSize size = offer.SizeOf(camera);
      rendered.push_back(camera + " " + Size(size.width, size.height));
      sizes.insert(Size(size.width, size.height));
      all_fit = all_fit && size.width == in.needs.image_width && size.height == in.needs.image_height;
    }
    if (sizes.size() == 1) rendered = {*sizes.begin()};
    if (all_fit) {
      return Error{"--adapt resize_pad: the run already renders " + JoinText(rendered, ", ") + ", the size " + who +
                   " expects"};
    }
    adapted->resize_ = true;
    out.needs.image_width = out.needs.image_height = 0;
    record.push_back({{"name", "resize_pad"},
                      {"from", JoinText(rendered, ", ")},
                      {"to", Size(in.needs.image_width, in.needs.image_height)},
                      {"method", "keep aspect, zero pad; bilinear up, area down (OpenCV)"}});
  }
  if (has("denorm")) {
    if (!in.action_spec.normalized) {
      return Error{"--adapt denorm: " + who + " does not declare normalised actions (normalized=true in its spec)"};
    }
    auto d = ActionDenormalizer::Load(arg("denorm"), in.action_spec.dim);
    if (!d.ok()) return d.error();
    nlohmann::json entry = d.value().Describe();
    entry["name"] = "denorm";
    record.push_back(entry);
    adapted->denorm_ = std::move(d).value();
    out.action_spec.normalized = false;
  }
  if (has("rotation")) {
    if (in.action_spec.rotation == action.rotation) {
      return Error{"--adapt rotation: " + who + " already emits " + ToString(action.rotation) + " rotations"};
    }
    if (in.action_spec.rotation == RotationFormat::kNone || action.rotation != RotationFormat::kAxisAngle ||
        (in.action_spec.kind != ActionKind::kEefDelta && in.action_spec.kind != ActionKind::kEefAbs)) {
      return Error{"--adapt rotation: converts an end-effector action's rotation to axis-angle; " + who + " emits " +
                   in.action_spec.Describe() + ", the task expects " + action.Describe()};
    }
    if (in.action_spec.dim < kRotationStart + RotationDims(in.action_spec.rotation) + 1) {
      return Error{"--adapt rotation: " + who + "'s actions (" + std::to_string(in.action_spec.dim) +
                   " values) cannot hold position, rotation and gripper"};
    }
    adapted->rotation_from_ = in.action_spec.rotation;
    out.action_spec.rotation = RotationFormat::kAxisAngle;
    out.action_spec.dim = in.action_spec.dim - RotationDims(in.action_spec.rotation) + 3;
    record.push_back({{"name", "rotation"},
                      {"from", ToString(in.action_spec.rotation)},
                      {"to", ToString(RotationFormat::kAxisAngle)},
                      {"antipodes", "w >= 0 (angle <= pi)"}});
  }
  if (has("gripper")) {
    if (in.action_spec.gripper == action.gripper) {
      return Error{"--adapt gripper: " + who + " already uses the task's convention " + ToString(action.gripper)};
    }
    adapted->gripper_from_ = in.action_spec.gripper;
    adapted->gripper_to_ = action.gripper;
    out.action_spec.gripper = action.gripper;
    record.push_back({{"name", "gripper"}, {"from", ToString(in.action_spec.gripper)}, {"to", ToString(action.gripper)}});
  }
  if (out.action_spec.dim == action.dim) {
    out.action_spec.low = action.low;
    out.action_spec.high = action.high;
  }
  nlohmann::json inner_record = nlohmann::json::parse(in.adapters_json);
  for (auto& entry : record) inner_record.push_back(entry);
  out.adapters_json = inner_record.dump();
  out.declared_spec_json = DeclaredSpecJson(in).dump();
  adapted->outer_ = std::move(out);
  return std::unique_ptr<Policy>(std::move(adapted));
}

}  // namespace gauntlet::policies
