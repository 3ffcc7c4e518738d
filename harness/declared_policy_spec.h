// The spec a plug-in policy declares about itself: one schema, read from every
// place a declaration comes from and printed in one form.
//
// Sources, highest precedence first (a key is taken from the first that has it):
//   --policy-opt key=value            text   (policies/declared_spec.h)
//   TorchScript metadata()            text   Dict[str, str]; other keys are the module's own information
//   a remote server's metadata frame  JSON   map; other keys are the server's own information
//   a Python policy's `spec`          JSON   (converted from the dict); a key not below is an error
//   the policy kind's own defaults    text   (remote: 224-pixel images, ...; Python: every state key)
//   the defaults below
//
//   key          type     default                              printed as         meaning
//   action_kind  choice   eef_delta                            action.kind        ActionKind name
//   action_dim   integer  7                                    action.dim         floats per action (>= 1)
//   action_low   numbers  -1                                   action.low         lower bound: one value for every
//                                                                                 dimension or one per dimension;
//                                                                                 "" (JSON []) = none declared
//   action_high  numbers  1                                    action.high        upper bound, the same way
//   gripper      choice   -1open/+1close                       action.gripper     GripperConvention name
//   rotation     choice   axis_angle                           action.rotation    RotationFormat name
//   normalized   bool     false                                action.normalized  values in a normalised space
//   chunk        integer  0                                    action.chunk_length  actions per query, 0: not fixed
//   cameras      names    agentview,wrist                      needs.cameras      "" (JSON []) = state-only
//   image_size   size     0                                    needs.image_width, needs.image_height
//                                                                                 N (square) or WxH, 0: any
//   orientation  choice   upright                              needs.orientation  upright or rotated180
//   state_keys   names    eef_pos,eef_axis_angle,gripper_qpos  needs.state_keys
//   task_id      bool     false                                needs.task_id      reset receives the task
// and, printed but never declared (the policy kind decides them):
//   instruction  bool     true                                 needs.instruction
//   privileged   bool     false                                needs.privileged
//
// Each type's text and JSON forms (JSON values are typed, text is what
// metadata() and --policy-opt carry):
//   choice   text: the name                JSON: a string
//   integer  text: decimal                 JSON: an integer
//   bool     text: true/false/1/0          JSON: true/false (or 0/1)
//   names    text: comma list, spaces around a name and empty items dropped
//            JSON: a list of strings (none containing a comma)
//   numbers  text: comma list              JSON: a number or a list of numbers
//   size     text: N or WxH                JSON: an integer or [width, height]
// The defaults are the tabletop family's interface (LIBERO's 7-d action in
// [-1, 1], both cameras, the hand's state).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/policy.h"

namespace gauntlet {

// What a policy emits and reads, as it declares them.
struct DeclaredPolicySpec {
  ActionSpec action;
  ObservationNeeds needs;
};

enum class SpecValueType { kChoice, kInteger, kBool, kNames, kNumbers, kSize };

// One row of the schema above.
struct DeclaredSpecKey {
  std::string key;
  SpecValueType type;
  std::string default_text;
  std::string section;  // of the printed form: "action" or "needs"
  std::string printed;  // field name there ("" for the size: image_width and image_height)
  bool declarable;      // false: printed only
  std::string meaning;  // one line, for help texts
};
const std::vector<DeclaredSpecKey>& DeclaredSpecKeys();

// Text values of one source, by key. `source` names it in errors ("metadata()",
// "--policy-opt", "server metadata", ...). A `fixed` layer's values are not
// overridden: a lower layer giving another value for one of its keys is an
// error (remote: the key map decides what is sent, whatever a server or
// --policy-opt says).
struct SpecLayer {
  std::string source;
  std::map<std::string, std::string> values;
  bool fixed = false;
};

// Where each key's value in force came from.
struct SpecValueInForce {
  std::string text;
  std::string source;  // a layer's, or "default"
};

struct ResolvedPolicySpec {
  DeclaredPolicySpec spec;
  std::map<std::string, SpecValueInForce> in_force;  // every declarable key
};

// Each declarable key's value from the first of `layers` that has it, else its
// default. Keys of a layer outside the schema are ignored (SpecLayerFromJson
// rejects them where a source may hold nothing else). An invalid value is an
// error naming the key, the value and its source: "action_dim='seven' (from
// metadata()): expected an integer >= 1".
Result<ResolvedPolicySpec> ResolveDeclaredPolicySpec(const std::vector<SpecLayer>& layers);

enum class UnknownSpecKeys { kIgnore, kReject };

// A JSON object's declarable keys as text values, each checked against its
// type's JSON form (the error names the key, the JSON value and `source`).
Result<SpecLayer> SpecLayerFromJson(const nlohmann::json& object, const std::string& source, UnknownSpecKeys unknown);

// `spec`'s value of `key` as text in its canonical form ("agentview,wrist",
// "256x224", "-1,-1,...") and as JSON in its type's JSON form; "" / null for
// a key outside the schema.
std::string SpecValueText(const DeclaredPolicySpec& spec, const std::string& key);
nlohmann::json SpecValueJson(const DeclaredPolicySpec& spec, const std::string& key);

// The printed form the run records (policy.spec in the run config, the
// policies row's spec_json):
//   {"action": {kind, dim, low, high, gripper, rotation, normalized, chunk_length},
//    "needs": {cameras, image_width, image_height, orientation, state_keys, instruction, task_id, privileged}}
// and back: ParsePrintedPolicySpec(PrintDeclaredPolicySpec(s)) is s. A field
// missing from the printed form takes its default.
nlohmann::json PrintDeclaredPolicySpec(const DeclaredPolicySpec& spec);
Result<DeclaredPolicySpec> ParsePrintedPolicySpec(const nlohmann::json& printed);

}  // namespace gauntlet
