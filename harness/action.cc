#include "harness/action.h"

#include <cmath>
#include <sstream>

namespace gauntlet {

const char* ToString(ActionKind kind) {
  switch (kind) {
    case ActionKind::kEefDelta: return "eef_delta";
    case ActionKind::kEefAbs: return "eef_abs";
    case ActionKind::kJointPos: return "joint_pos";
    case ActionKind::kDualJointPos: return "dual_joint_pos";
  }
  return "?";
}

const char* ToString(GripperConvention convention) {
  switch (convention) {
    case GripperConvention::kNegOpenPosClose: return "-1open/+1close";
    case GripperConvention::kPosOpenNegClose: return "+1open/-1close";
    case GripperConvention::kOneOpenZeroClose: return "1open/0close";
  }
  return "?";
}

std::string ActionSpec::Describe() const {
  std::ostringstream out;
  out << ToString(kind) << "[" << dim << "] gripper=" << ToString(gripper);
  return out.str();
}

Status CheckCompatible(const ActionSpec& expected, const ActionSpec& emitted) {
  if (expected.kind != emitted.kind || expected.dim != emitted.dim ||
      expected.gripper != emitted.gripper) {
    return Error{"action spec mismatch: the task expects " + expected.Describe() +
                 " but the policy emits " + emitted.Describe() +
                 " (add an explicit adapter in policies/ if the conversion is intended)"};
  }
  return Status::Ok();
}

Action HoldStillOpen(const ActionSpec& spec) {
  Action a(spec.dim, 0.0);
  if (a.empty()) return a;
  switch (spec.gripper) {
    case GripperConvention::kNegOpenPosClose: a.back() = -1; break;
    case GripperConvention::kPosOpenNegClose: a.back() = 1; break;
    case GripperConvention::kOneOpenZeroClose: a.back() = 1; break;
  }
  return a;
}

Status ValidateAction(const ActionSpec& spec, const Action& action) {
  if (static_cast<int>(action.size()) != spec.dim) {
    return Error{"action has " + std::to_string(action.size()) + " values, expected " +
                 std::to_string(spec.dim) + " (" + spec.Describe() + ")"};
  }
  for (size_t i = 0; i < action.size(); ++i) {
    if (!std::isfinite(action[i])) {
      std::ostringstream out;
      out << "action[" << i << "] is " << action[i] << " (not finite)";
      return Error{out.str()};
    }
  }
  return Status::Ok();
}

}  // namespace gauntlet
