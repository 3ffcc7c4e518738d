// The spec a plug-in policy declares about itself as text key/values (a
// TorchScript module's metadata()), each overridable by `--policy-opt` of the
// same name. Free of LibTorch: the same keys suit any policy that describes
// itself in strings.
//
//   key          default                              meaning
//   action_kind  eef_delta                            ActionKind name
//   action_dim   7                                    floats per action (>= 1)
//   gripper      -1open/+1close                       GripperConvention name
//   rotation     axis_angle                           RotationFormat name
//   chunk        0                                    actions per query, 0: not fixed
//   normalized   false                                true/false/1/0
//   cameras      agentview,wrist                      comma list, "" = state-only
//   image_size   0                                    square side in pixels, 0: any
//   orientation  upright                              upright or rotated180
//   state_keys   eef_pos,eef_axis_angle,gripper_qpos  comma list
//   task_id      false                                true/false/1/0
//
// The defaults are the tabletop family's interface (LIBERO's 7-d action, both
// cameras, the hand's state).
#pragma once

#include <map>
#include <string>

#include "harness/policy.h"
#include "policies/policy_options.h"

namespace gauntlet::policies {

struct DeclaredSpec {
  ActionSpec action;  // low/high stay empty: a self-described policy declares no bounds
  ObservationNeeds needs;
};

// Each key's value comes from `options` when given there, else from
// `declared` (what the policy says; `declared_by` names it in errors, e.g.
// "metadata()"), else the default above; the value in force is recorded in
// options.resolved(). Keys of `declared` not listed above are ignored (they
// are the policy's own information). An invalid value is an error naming the
// key, the value and where it came from; the caller adds the policy's file.
Result<DeclaredSpec> ResolveDeclaredSpec(const std::map<std::string, std::string>& declared,
                                         const std::string& declared_by, PolicyOptions& options);

}  // namespace gauntlet::policies
