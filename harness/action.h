// Actions: what a family accepts (ActionSpec) and what a policy returns
// (ActionChunk). The runner checks one against the other before an episode
// starts and validates every action before it reaches the physics.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "harness/result.h"

namespace gauntlet {

enum class ActionKind { kEefDelta, kEefAbs, kJointPos, kDualJointPos };

// How the gripper dimension is read. Conventions differ between the original
// benchmarks; see ARCHITECTURE.md "Action".
enum class GripperConvention {
  kNegOpenPosClose,  // tabletop (LIBERO): -1 open, +1 close
  kPosOpenNegClose,  // playtable (CALVIN): +1 open, -1 close
  kOneOpenZeroClose, // dualarm (RoboTwin): 1 open, 0 closed
};

// How the rotation part of an action is written. Tabletop's OSC takes an
// axis-angle delta; policies trained on other conventions declare theirs and
// need the `rotation` adapter.
enum class RotationFormat {
  kNone,       // no rotation dimensions (joint-space actions)
  kAxisAngle,  // 3 values: axis * angle
  kQuatWxyz,   // 4 values
  kQuatXyzw,   // 4 values (robosuite, scipy)
  kEulerXyz,   // 3 values: roll, pitch, yaw, extrinsic x-y-z
};

const char* ToString(ActionKind kind);
const char* ToString(GripperConvention convention);
const char* ToString(RotationFormat format);
Result<ActionKind> ParseActionKind(const std::string& text);
Result<GripperConvention> ParseGripperConvention(const std::string& text);
Result<RotationFormat> ParseRotationFormat(const std::string& text);
// Values a rotation of this format takes (0, 3 or 4).
int RotationDims(RotationFormat format);

struct ActionSpec {
  ActionKind kind = ActionKind::kEefDelta;
  int dim = 0;                  // floats per action
  std::vector<double> low;      // per-dimension lower bound (dim); actions are clipped to it
  std::vector<double> high;     // per-dimension upper bound (dim)
  GripperConvention gripper = GripperConvention::kNegOpenPosClose;
  RotationFormat rotation = RotationFormat::kNone;
  // True when the values are in a normalised space (e.g. [-1, 1] from dataset
  // statistics) and need de-normalising before the physics sees them.
  bool normalized = false;
  // Actions per chunk the policy returns (0: not fixed). Families leave it 0.
  int chunk_length = 0;

  // e.g. "eef_delta[7] rotation=axis_angle gripper=-1open/+1close".
  std::string Describe() const;
};

// Whether a policy emitting `emitted` may drive a family expecting `expected`
// (kind, dimension, gripper convention, rotation format, normalisation). The
// error names both sides and the adapter that would convert, if one exists.
Status CheckCompatible(const ActionSpec& expected, const ActionSpec& emitted);

// LIBERO's interface: end-effector delta [dx dy dz drx dry drz gripper] in
// [-1, 1], axis-angle rotation, gripper -1 open / +1 close.
ActionSpec LiberoEefDeltaSpec();

// CALVIN's relative interface: [dx dy dz droll dpitch dyaw gripper] in
// [-1, 1] (scaled by the env to metres and radians), euler xyz, gripper +1
// open / -1 close.
ActionSpec CalvinEefDeltaSpec();
// CALVIN's absolute interface: [x y z roll pitch yaw gripper], the tool's
// target in the world frame (metres, euler xyz radians), gripper +1 open / -1
// close. CALVIN clips nothing; the bounds (+-2 m, +-2 pi) only keep a
// diverging policy's targets finite.
ActionSpec CalvinEefAbsSpec();

using Action = std::vector<double>;

// H x D actions, first to execute first. `metadata` carries what a policy wants
// recorded with the query (e.g. inference latency); the runner does not read it.
struct ActionChunk {
  std::vector<Action> actions;
  std::map<std::string, std::string> metadata;
};

// Zero motion with the gripper open, in the spec's gripper convention (the
// gripper is the last dimension in every family). Used to settle a world.
Action HoldStillOpen(const ActionSpec& spec);

// Rejects a wrong size or a non-finite entry; the message says which index.
Status ValidateAction(const ActionSpec& spec, const Action& action);

}  // namespace gauntlet
