#include "policies/remote/observation_keys.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "harness/text_join.h"

namespace gauntlet::policies::remote {

namespace {

// openpi's example observations for each robot (libero_policy.py,
// droid_policy.py, aloha_policy.py): libero and droid mapped onto what the
// tabletop family offers, aloha onto the dual-arm family (14 joint values,
// grippers included; RoboTwin has no low camera, which openpi's ALOHA
// inputs allow).
const std::map<std::string, const char*>& PresetTexts() {
  static const std::map<std::string, const char*> presets = {
      {"libero", R"({"observation/image": "image:agentview",
                    "observation/wrist_image": "image:wrist",
                    "observation/state": "state:eef_pos+eef_axis_angle+gripper_qpos",
                    "prompt": "instruction"})"},
      {"droid", R"({"observation/exterior_image_1_left": "image:agentview",
                   "observation/wrist_image_left": "image:wrist",
                   "observation/joint_position": "state:joint_pos",
                   "observation/gripper_position": "state:gripper_qpos[0]",
                   "prompt": "instruction"})"},
      {"aloha", R"({"state": "state:joint_pos",
                   "images": {"cam_high": "image_chw:head", "cam_left_wrist": "image_chw:left_wrist",
                              "cam_right_wrist": "image_chw:right_wrist"},
                   "prompt": "instruction"})"},
  };
  return presets;
}

void AddOnce(std::vector<std::string>& list, const std::string& item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

bool IsName(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

}  // namespace

const std::vector<std::string>& ObservationKeyMap::PresetNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& [name, text] : PresetTexts()) n.push_back(name);
    return n;
  }();
  return names;
}

Result<ObservationKeyMap> ObservationKeyMap::Preset(const std::string& name) {
  auto it = PresetTexts().find(name);
  if (it == PresetTexts().end()) {
    return Error{"unknown preset '" + name + "' (known: " + JoinText(PresetNames(), ", ") + "; or keymap=FILE.json)"};
  }
  return FromJson(nlohmann::ordered_json::parse(it->second), "preset " + name);
}

Result<ObservationKeyMap> ObservationKeyMap::LoadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{"keymap " + path + ": cannot read the file"};
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::ordered_json json;
  try {
    json = nlohmann::ordered_json::parse(text.str());
  } catch (const nlohmann::json::parse_error& e) {
    return Error{"keymap " + path + ": not JSON: " + e.what()};
  }
  return FromJson(json, "keymap " + path);
}

Result<ObservationKeyMap> ObservationKeyMap::FromJson(const nlohmann::ordered_json& json, const std::string& where) {
  ObservationKeyMap map;
  auto entries = ParseEntries(json, where, "", map);
  if (!entries.ok()) return entries.error();
  if (entries.value().empty()) return Error{where + ": the key map is empty"};
  map.entries_ = std::move(entries).value();
  map.json_ = json;
  return map;
}

Result<std::vector<ObservationKeyMap::Entry>> ObservationKeyMap::ParseEntries(const nlohmann::ordered_json& json,
                                                                              const std::string& where,
                                                                              const std::string& prefix,
                                                                              ObservationKeyMap& map) {
  if (!json.is_object()) {
    return Error{where + (prefix.empty() ? "" : ": '" + prefix + "'") +
                 ": expected an object mapping wire keys to sources"};
  }
  std::vector<Entry> entries;
  for (const auto& [key, value] : json.items()) {
    const std::string path = prefix.empty() ? key : prefix + "." + key;
    Entry entry;
    entry.key = key;
    if (value.is_object()) {
      auto children = ParseEntries(value, where, path, map);
      if (!children.ok()) return children.error();
      if (children.value().empty()) return Error{where + ": '" + path + "' is an empty map"};
      entry.children = std::move(children).value();
      entries.push_back(std::move(entry));
      continue;
    }
    const std::string bad = where + ": '" + path + "': ";
    if (!value.is_string()) return Error{bad + "expected a source string or a nested object"};
    const std::string text = value.get<std::string>();
    const auto colon = text.find(':');
    const std::string kind = text.substr(0, colon);
    const std::string arg = colon == std::string::npos ? "" : text.substr(colon + 1);
    Source& source = entry.source;
    if (text == "instruction") {
      source.kind = Source::Kind::kInstruction;
      map.instruction_ = true;
    } else if ((kind == "image" || kind == "image_chw") && colon != std::string::npos) {
      if (!IsName(arg)) return Error{bad + "'" + text + "': expected image:CAMERA"};
      source.kind = kind == "image" ? Source::Kind::kImageHwc : Source::Kind::kImageChw;
      source.camera = arg;
      AddOnce(map.cameras_, arg);
    } else if (kind == "state" && colon != std::string::npos) {
      source.kind = Source::Kind::kState;
      std::stringstream parts(arg);
      std::string part;
      while (std::getline(parts, part, '+')) {
        Source::Part p;
        p.key = part;
        const auto open = part.find('[');
        if (open != std::string::npos) {
          const std::string index = part.substr(open + 1, part.size() - open - 2);
          if (part.back() != ']' || index.empty() || index.size() > 4 ||
              !std::all_of(index.begin(), index.end(), ::isdigit)) {
            return Error{bad + "'" + part + "': expected KEY or KEY[INDEX]"};
          }
          p.key = part.substr(0, open);
          p.index = std::stoi(index);
        }
        if (!IsName(p.key)) return Error{bad + "'" + text + "': expected state:KEY+KEY[INDEX]+..."};
        AddOnce(map.state_keys_, p.key);
        source.parts.push_back(p);
      }
      if (source.parts.empty() || arg.back() == '+') return Error{bad + "'" + text + "': expected state:KEY+KEY[INDEX]+..."};
    } else {
      return Error{bad + "unknown source '" + text + "' (image:CAMERA, image_chw:CAMERA, state:KEY+KEY[INDEX], instruction)"};
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

Status ObservationKeyMap::Pack(const Observation& observation, Packer& packer,
                               const std::vector<std::pair<std::string, std::string>>& extra) const {
  return PackEntries(entries_, observation, packer, "", extra);
}

Status ObservationKeyMap::PackEntries(const std::vector<Entry>& entries, const Observation& obs, Packer& packer,
                                      const std::string& prefix,
                                      const std::vector<std::pair<std::string, std::string>>& extra) {
  packer.pack_map(static_cast<std::uint32_t>(entries.size() + extra.size()));
  for (const Entry& e : entries) {
    const std::string path = prefix.empty() ? e.key : prefix + "." + e.key;
    PackKey(packer, e.key);
    if (!e.children.empty()) {
      if (Status s = PackEntries(e.children, obs, packer, path); !s.ok()) return s;
      continue;
    }
    const Source& s = e.source;
    switch (s.kind) {
      case Source::Kind::kInstruction:
        PackString(packer, obs.instruction);
        break;
      case Source::Kind::kImageHwc:
      case Source::Kind::kImageChw: {
        auto it = obs.images.find(s.camera);
        if (it == obs.images.end()) return Error{"wire key '" + path + "': no '" + s.camera + "' image"};
        const Image& image = it->second;
        const std::size_t pixels = static_cast<std::size_t>(image.width) * image.height;
        if (image.rgb.size() != 3 * pixels) {
          return Error{"wire key '" + path + "': image '" + s.camera + "' holds " + std::to_string(image.rgb.size()) +
                       " bytes, not " + std::to_string(image.height) + "x" + std::to_string(image.width) + "x3"};
        }
        if (s.kind == Source::Kind::kImageHwc) {
          PackNdArray(packer, "|u1", {image.height, image.width, 3}, image.rgb.data(), image.rgb.size());
        } else {
          std::vector<std::uint8_t> chw(image.rgb.size());
          for (std::size_t p = 0; p < pixels; ++p) {
            for (int c = 0; c < 3; ++c) chw[c * pixels + p] = image.rgb[3 * p + c];
          }
          PackNdArray(packer, "|u1", {3, image.height, image.width}, chw.data(), chw.size());
        }
        break;
      }
      case Source::Kind::kState: {
        std::vector<double> values;
        for (const Source::Part& part : s.parts) {
          auto it = obs.state.find(part.key);
          if (it == obs.state.end()) return Error{"wire key '" + path + "': no state '" + part.key + "'"};
          if (part.index < 0) {
            values.insert(values.end(), it->second.begin(), it->second.end());
          } else if (part.index < static_cast<int>(it->second.size())) {
            values.push_back(it->second[part.index]);
          } else {
            return Error{"wire key '" + path + "': state '" + part.key + "' has " + std::to_string(it->second.size()) +
                         " values, no index " + std::to_string(part.index)};
          }
        }
        PackNdArray(packer, "<f8", {static_cast<std::int64_t>(values.size())}, values.data(),
                    values.size() * sizeof(double));
        break;
      }
    }
  }
  for (const auto& [key, value] : extra) {
    PackKey(packer, key);
    PackString(packer, value);
  }
  return Status::Ok();
}

}  // namespace gauntlet::policies::remote
