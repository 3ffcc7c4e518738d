// The physical start scene of a symbolic start state, as CALVIN's evaluation
// builds it (evaluation/utils.py, get_env_state_for_initial_condition): fixed
// spots for the blocks, block yaws drawn from numpy seeded by a hash of the
// state's text, the articulated joints at their symbolic positions and one
// fixed robot configuration. Plain numbers in CALVIN's world frame and
// units (metres, radians); the environment turns them into MuJoCo state.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "envs/playtable/symbolic_state.h"

namespace gauntlet::envs::playtable {

struct StartScene {
  // CALVIN's scene_obs, by meaning.
  std::array<std::array<double, 3>, kBlockCount> block_positions{};  // block centres, world xyz (m), by Block
  std::array<double, kBlockCount> block_yaws{};  // rotation about world z (rad); roll and pitch are 0
  double slider = 0;       // sliding door joint (m): 0 right, 0.28 left
  double drawer = 0;       // drawer joint (m): 0 closed, 0.22 open
  double button = 0;       // button joint (m): always 0, even with the LED on
  double switch_joint = 0; // light switch joint (m): 0.088 with the bulb on
  int lightbulb = 0;       // logical light states (0/1)
  int led = 0;

  // CALVIN's robot_obs: the same for every start state.
  std::array<double, 3> tcp_position{};  // world xyz (m)
  std::array<double, 3> tcp_euler{};     // extrinsic xyz (rad)
  double gripper_width = 0;              // finger opening (m)
  std::array<double, 7> arm_joints{};    // Panda joints 1..7 (rad)
  double gripper_action = 0;             // last gripper command: +1 open
};

// FNV-1, 32 bits (not the FNV-1a of harness/hashing.h): per byte, multiply by
// the prime, then xor. CALVIN seeds its start scenes with pyhash's fnv1_32;
// nothing else in gauntlet uses this variant.
std::uint32_t Fnv1Hash32(std::string_view text);

// The numpy seed of `state`'s scene: Fnv1Hash32(DictValuesText(state)).
std::uint32_t StartSceneSeed(const SymbolicState& state);

// Precondition: a start state (every block on the table or a slider side).
StartScene BuildStartScene(const SymbolicState& state);

}  // namespace gauntlet::envs::playtable
