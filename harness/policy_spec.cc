#include "harness/policy_spec.h"

#include "harness/declared_policy_spec.h"
#include "harness/text_join.h"

namespace gauntlet {

const char* ToString(ImageOrientation orientation) {
  return orientation == ImageOrientation::kUpright ? "upright" : "rotated180";
}

ImageSize ObservationSpec::SizeOf(const std::string& camera) const {
  auto own = camera_sizes.find(camera);
  return own != camera_sizes.end() ? own->second : ImageSize{image_width, image_height};
}

Result<ImageOrientation> ParseImageOrientation(const std::string& text) {
  for (ImageOrientation o : {ImageOrientation::kUpright, ImageOrientation::kRotated180}) {
    if (text == ToString(o)) return o;
  }
  return Error{"unknown orientation '" + text + "' (known: upright, rotated180)"};
}

nlohmann::json DeclaredSpecJson(const PolicyInfo& info) {
  if (!info.declared_spec_json.empty()) return nlohmann::json::parse(info.declared_spec_json);
  return PrintDeclaredPolicySpec(DeclaredPolicySpec{info.action_spec, info.needs});
}

namespace {

std::string Join(const std::vector<std::string>& items) {
  return items.empty() ? "none" : JoinText(items, ", ");
}

}  // namespace

Status CheckPolicyFits(const ActionSpec& action, const ObservationSpec& offer, const PolicyInfo& policy) {
  const std::string who = "policy '" + policy.name + "' (" + policy.kind + ")";
  if (Status s = CheckCompatible(action, policy.action_spec); !s.ok()) return Error{who + ": " + s.message()};
  const ObservationNeeds& needs = policy.needs;
  for (const std::string& camera : needs.cameras) {
    bool offered = false;
    for (const auto& c : offer.cameras) offered |= c == camera;
    if (!offered) {
      return Error{who + " reads camera '" + camera + "' but the task offers " + Join(offer.cameras) +
                   " (rename cameras in the policy's key map)"};
    }
  }
  std::vector<std::string> offered_keys;
  for (const auto& [key, length] : offer.state) offered_keys.push_back(key + "[" + std::to_string(length) + "]");
  for (const std::string& key : needs.state_keys) {
    if (!offer.state.count(key)) {
      return Error{who + " reads state '" + key + "' but the task offers " + Join(offered_keys)};
    }
  }
  for (const std::string& camera : needs.image_width > 0 ? needs.cameras : std::vector<std::string>{}) {
    const ImageSize size = offer.SizeOf(camera);
    if (needs.image_width != size.width || needs.image_height != size.height) {
      return Error{who + " expects " + std::to_string(needs.image_width) + "x" + std::to_string(needs.image_height) +
                   " images but the run renders camera '" + camera + "' at " + std::to_string(size.width) + "x" +
                   std::to_string(size.height) + " (render at its size with --image-size, or add --adapt resize_pad; an openpi server: --adapt "
                   "openpi_libero, openpi_droid or openpi_aloha does what its example client does)"};
    }
  }
  if (!needs.cameras.empty() && needs.orientation != ImageOrientation::kUpright) {
    return Error{who + " expects images " + ToString(needs.orientation) +
                 " but the task renders them upright (add --adapt flip180 if it was trained on LIBERO's raw frames; "
                 "openpi's LIBERO server: --adapt openpi_libero, its example client's flip180,resize_pad)"};
  }
  return Status::Ok();
}

}  // namespace gauntlet
