#include "harness/action.h"

#include <cmath>
#include <initializer_list>
#include <sstream>

#include "harness/text_join.h"

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

const char* ToString(RotationFormat format) {
  switch (format) {
    case RotationFormat::kNone: return "none";
    case RotationFormat::kAxisAngle: return "axis_angle";
    case RotationFormat::kQuatWxyz: return "quat_wxyz";
    case RotationFormat::kQuatXyzw: return "quat_xyzw";
    case RotationFormat::kEulerXyz: return "euler_xyz";
  }
  return "?";
}

namespace {

// Parses `text` as one of the names ToString gives the enum's values.
template <typename E>
Result<E> ParseEnum(const std::string& text, std::initializer_list<E> values, const char* what) {
  std::vector<std::string> known;
  for (E v : values) {
    if (text == ToString(v)) return v;
    known.push_back(ToString(v));
  }
  return Error{"unknown " + std::string(what) + " '" + text + "' (known: " + JoinText(known, ", ") + ")"};
}

}  // namespace

Result<ActionKind> ParseActionKind(const std::string& text) {
  return ParseEnum(text, {ActionKind::kEefDelta, ActionKind::kEefAbs, ActionKind::kJointPos,
                          ActionKind::kDualJointPos}, "action kind");
}

Result<GripperConvention> ParseGripperConvention(const std::string& text) {
  return ParseEnum(text, {GripperConvention::kNegOpenPosClose, GripperConvention::kPosOpenNegClose,
                          GripperConvention::kOneOpenZeroClose}, "gripper convention");
}

Result<RotationFormat> ParseRotationFormat(const std::string& text) {
  return ParseEnum(text, {RotationFormat::kNone, RotationFormat::kAxisAngle, RotationFormat::kQuatWxyz,
                          RotationFormat::kQuatXyzw, RotationFormat::kEulerXyz}, "rotation format");
}

int RotationDims(RotationFormat format) {
  switch (format) {
    case RotationFormat::kNone: return 0;
    case RotationFormat::kAxisAngle:
    case RotationFormat::kEulerXyz: return 3;
    case RotationFormat::kQuatWxyz:
    case RotationFormat::kQuatXyzw: return 4;
  }
  return 0;
}

std::string ActionSpec::Describe() const {
  std::ostringstream out;
  out << ToString(kind) << "[" << dim << "]";
  if (rotation != RotationFormat::kNone) out << " rotation=" << ToString(rotation);
  out << " gripper=" << ToString(gripper);
  if (normalized) out << " normalized";
  if (chunk_length > 0) out << " chunk=" << chunk_length;
  return out.str();
}

Status CheckCompatible(const ActionSpec& expected, const ActionSpec& emitted) {
  std::vector<std::string> fixes;
  if (expected.gripper != emitted.gripper) fixes.push_back("gripper");
  if (expected.rotation != emitted.rotation) fixes.push_back("rotation");
  if (emitted.normalized && !expected.normalized) fixes.push_back("denorm=STATS.json");
  const bool dim_explained = expected.dim - RotationDims(expected.rotation) ==
                             emitted.dim - RotationDims(emitted.rotation);
  const bool convertible = expected.kind == emitted.kind && dim_explained &&
                           !(expected.normalized && !emitted.normalized);
  if (fixes.empty() && expected.kind == emitted.kind && expected.dim == emitted.dim &&
      expected.normalized == emitted.normalized) {
    return Status::Ok();
  }
  std::string message = "action spec mismatch: the task expects " + expected.Describe() +
                        " but the policy emits " + emitted.Describe();
  if (convertible && !fixes.empty()) {
    message += " (convert explicitly with --adapt " + JoinText(fixes, ",") + ")";
  } else {
    message += " (no adapter converts between these)";
  }
  return Error{message};
}

ActionSpec LiberoEefDeltaSpec() {
  ActionSpec spec;
  spec.kind = ActionKind::kEefDelta;
  spec.dim = 7;
  spec.low.assign(7, -1.0);
  spec.high.assign(7, 1.0);
  spec.gripper = GripperConvention::kNegOpenPosClose;
  spec.rotation = RotationFormat::kAxisAngle;
  return spec;
}

ActionSpec CalvinEefDeltaSpec() {
  ActionSpec spec = LiberoEefDeltaSpec();  // the same 7 values in [-1, 1], other conventions
  spec.gripper = GripperConvention::kPosOpenNegClose;
  spec.rotation = RotationFormat::kEulerXyz;
  return spec;
}

ActionSpec CalvinEefAbsSpec() {
  constexpr double kTwoPi = 6.283185307179586;
  ActionSpec spec;
  spec.kind = ActionKind::kEefAbs;
  spec.dim = 7;
  spec.low = {-2, -2, -2, -kTwoPi, -kTwoPi, -kTwoPi, -1};
  spec.high = {2, 2, 2, kTwoPi, kTwoPi, kTwoPi, 1};
  spec.gripper = GripperConvention::kPosOpenNegClose;
  spec.rotation = RotationFormat::kEulerXyz;
  return spec;
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
