// Which observation goes under which key on the wire: an openpi server reads a
// flat (or nested) map whose keys its input transforms know, so the client
// writes the harness's Observation under those keys.
//
// A key map is a JSON object from wire key to source; an object value is a
// nested map. Sources:
//   "image:CAMERA"       the camera's image, uint8 (H, W, 3), row 0 at the top
//                        (as delivered, i.e. after the run's --adapt adapters)
//   "image_chw:CAMERA"   the same, channels first: uint8 (3, H, W)
//   "state:K1+K2+..."    the state vectors concatenated, float64 (n,); "K[i]"
//                        takes element i only (tabletop keys: README.md)
//   "instruction"        the task's instruction, str
// Presets (option preset):
//   libero  {"observation/image": "image:agentview", "observation/wrist_image": "image:wrist",
//            "observation/state": "state:eef_pos+eef_axis_angle+gripper_qpos",
//            "prompt": "instruction"}
//   droid   {"observation/exterior_image_1_left": "image:agentview",
//            "observation/wrist_image_left": "image:wrist",
//            "observation/joint_position": "state:joint_pos",
//            "observation/gripper_position": "state:gripper_qpos[0]", "prompt": "instruction"}
//            (the gripper position is the first finger's opening in metres,
//            not DROID's normalised [0, 1])
//   aloha   {"state": "state:joint_pos",
//            "images": {"cam_high": "image_chw:head", "cam_left_wrist": "image_chw:left_wrist",
//                       "cam_right_wrist": "image_chw:right_wrist"},
//            "prompt": "instruction"}
//            (the dual-arm family: joint_pos is ALOHA's 14 values, both
//            grippers included; no cam_low, as RoboTwin has none)
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/observation.h"
#include "harness/result.h"
#include "policies/remote/msgpack_numpy.h"

namespace gauntlet::policies::remote {

// Copyable value; immutable once built.
class ObservationKeyMap {
 public:
  static Result<ObservationKeyMap> Preset(const std::string& name);  // libero, droid, aloha
  static Result<ObservationKeyMap> LoadFile(const std::string& path);
  // `where` names the origin in error messages (a file, a preset).
  static Result<ObservationKeyMap> FromJson(const nlohmann::ordered_json& json, const std::string& where);
  static const std::vector<std::string>& PresetNames();

  // What the map reads, in first-use order: the policy's declared needs.
  const std::vector<std::string>& cameras() const { return cameras_; }
  const std::vector<std::string>& state_keys() const { return state_keys_; }
  bool instruction() const { return instruction_; }
  // The map as given (recorded with the policy's settings).
  const nlohmann::ordered_json& json() const { return json_; }

  // Writes the observation as one msgpack map. Errors name the wire key and
  // what is missing (a camera, a state key, an index past the end).
  // `extra` adds top-level string entries after the map's own (the episode
  // id of episode_messages.h).
  Status Pack(const Observation& observation, Packer& packer,
              const std::vector<std::pair<std::string, std::string>>& extra = {}) const;

 private:
  struct Source {
    enum class Kind { kImageHwc, kImageChw, kState, kInstruction } kind = Kind::kInstruction;
    std::string camera;
    struct Part {
      std::string key;
      int index = -1;  // -1: the whole vector
    };
    std::vector<Part> parts;
  };
  struct Entry {
    std::string key;
    Source source;
    std::vector<Entry> children;  // non-empty: a nested map instead of a source
  };

  static Result<std::vector<Entry>> ParseEntries(const nlohmann::ordered_json& json, const std::string& where,
                                                 const std::string& prefix, ObservationKeyMap& map);
  static Status PackEntries(const std::vector<Entry>& entries, const Observation& observation, Packer& packer,
                            const std::string& prefix,
                            const std::vector<std::pair<std::string, std::string>>& extra = {});

  std::vector<Entry> entries_;
  std::vector<std::string> cameras_;
  std::vector<std::string> state_keys_;
  bool instruction_ = false;
  nlohmann::ordered_json json_;
};

}  // namespace gauntlet::policies::remote
