#include "policies/noop_policy.h"

namespace gauntlet::policies {

PolicyInfo NoopPolicy::info() const {
  PolicyInfo info;
  info.name = "noop";
  info.kind = "noop";
  info.action_spec = spec_;
  return info;
}

ActionChunk NoopPolicy::act(const Observation&) {
  Action action(spec_.dim, 0.0);
  // The gripper dimension is last in every family; "open" differs by convention.
  if (spec_.gripper == GripperConvention::kNegOpenPosClose) action.back() = -1;
  if (spec_.gripper == GripperConvention::kPosOpenNegClose) action.back() = 1;
  if (spec_.gripper == GripperConvention::kOneOpenZeroClose) action.back() = 1;
  return ActionChunk{{action}, {}};
}

}  // namespace gauntlet::policies
