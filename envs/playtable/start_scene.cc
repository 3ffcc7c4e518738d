#include "envs/playtable/start_scene.h"

#include "envs/playtable/numpy_legacy_random.h"
#include "harness/check.h"

namespace gauntlet::envs::playtable {

namespace {

using Position = std::array<double, 3>;

// Block centres CALVIN places a start state's blocks at (scene D, metres).
constexpr Position kTableSpots[2] = {{0.05, -0.12, 0.45999}, {0.23, -0.12, 0.45999}};
constexpr Position kSliderRightSpot = {0.0703, 0.0924, 0.4610};
constexpr Position kSliderLeftSpot = {-0.2409, 0.0924, 0.4610};

// Yaws are drawn around pi/2, the blocks' long side facing the robot.
constexpr double kPi = 3.14159265358979323846;  // the same double as np.pi
constexpr double kYawLow = kPi / 2 - kPi / 8;
constexpr double kYawHigh = kPi / 2 + kPi / 8;

constexpr double kSliderLeftJoint = 0.28;
constexpr double kDrawerOpenJoint = 0.22;
constexpr double kSwitchOnJoint = 0.088;

}  // namespace

std::uint32_t Fnv1Hash32(std::string_view text) {
  std::uint32_t h = 0x811c9dc5u;
  for (unsigned char byte : text) {
    h *= 0x01000193u;
    h ^= byte;
  }
  return h;
}

std::uint32_t StartSceneSeed(const SymbolicState& state) { return Fnv1Hash32(DictValuesText(state)); }

StartScene BuildStartScene(const SymbolicState& state) {
  for (BlockPlace place : state.blocks) {
    GAUNTLET_CHECK(place == BlockPlace::kTable || place == BlockPlace::kSliderRight || place == BlockPlace::kSliderLeft,
                   std::string("a start scene needs every block on the table or a slider side, not ") +
                       BlockPlaceName(place));
  }
  NumpyLegacyRandom rng(StartSceneSeed(state));
  // CALVIN's draw order: shuffle the two table spots, then one yaw per block
  // in block order, drawn whether or not the block stands on the table.
  Position table[2] = {kTableSpots[0], kTableSpots[1]};
  rng.Shuffle(table, table + 2);

  StartScene scene;
  for (int b = 0; b < kBlockCount; ++b) {
    switch (state.blocks[b]) {
      case BlockPlace::kSliderRight:
        scene.block_positions[b] = kSliderRightSpot;
        break;
      case BlockPlace::kSliderLeft:
        scene.block_positions[b] = kSliderLeftSpot;
        break;
      default:
        // Red takes the first spot and pink the second; blue takes whichever
        // red leaves (at most two blocks start on the table).
        if (b == kRed) {
          scene.block_positions[b] = table[0];
        } else if (b == kBlue) {
          scene.block_positions[b] = table[state.blocks[kRed] == BlockPlace::kTable ? 1 : 0];
        } else {
          scene.block_positions[b] = table[1];
        }
        break;
    }
    scene.block_yaws[b] = rng.Uniform(kYawLow, kYawHigh);
  }

  scene.slider = state.slider == SliderSide::kLeft ? kSliderLeftJoint : 0.0;
  scene.drawer = state.drawer == DrawerState::kOpen ? kDrawerOpenJoint : 0.0;
  scene.button = 0.0;  // the LED's state is logical; the button rests up
  scene.switch_joint = state.lightbulb == 1 ? kSwitchOnJoint : 0.0;
  scene.lightbulb = state.lightbulb;
  scene.led = state.led;

  scene.tcp_position = {0.02587, -0.23131, 0.57128};
  scene.tcp_euler = {3.09045, -0.02909, 1.50014};
  scene.gripper_width = 0.08;
  scene.arm_joints = {-1.21779, 1.03988, 2.11978, -2.34205, -0.87016, 1.64119, 0.55345};
  scene.gripper_action = 1.0;
  return scene;
}

}  // namespace gauntlet::envs::playtable
