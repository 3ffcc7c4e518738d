// How the hand takes a block and how a held block sits in it.
//
// A block on the table or in the drawer is taken from above, across a
// horizontal side no wider than the open hand takes, at its centre. A block
// on the shelf behind the sliding door is under the cabinet's roof: the hand
// leans forward so its wrist stays in front of the cabinet while the fingers
// reach in low over the shelf and take the block's front half: by
// kShelfLean where the palm (19 cm across) fits in the shelf's free span,
// then the palm goes in with the fingers; by kShelfLeanFar where it reaches
// the door or past the opening's ends, then the palm stays in front. Leaning
// further brings the forearm down toward the blocks on the table.
#pragma once

#include <array>
#include <functional>

#include "harness/observation.h"
#include "policies/scripted/playtable/desk_view.h"
#include "policies/scripted/playtable/waypoint_script.h"

namespace gauntlet::policies::scripted::playtable {

inline constexpr double kShelfLean = 0.87;     // rad (50 degrees)
inline constexpr double kShelfLeanFar = 1.13;  // rad (65 degrees)
// The lean for a hand at `x` over the shelf.
double ShelfLean(const PrivilegedState& s, double x);
// How far in front of a shelf block's centre (at depth `block_y`) the TCP
// of a hand at `x`, turned to `yaw`, stays: as deep as the palm (19 cm
// across, 5 cm thick, 8.5 to 13.5 cm behind the TCP) may go, in front of
// the door's panel where its span reaches the door and in front of the
// cabinet where it reaches past the opening's ends.
double ShelfInset(const PrivilegedState& s, double x, double yaw, double block_y, double lean);

struct BlockGrasp {
  HandGoal at;        // the TCP where the fingers close (open here)
  HandGoal approach;  // where the hand comes in from, in line with `at`
};

// `preferred_yaw`: of the grasp yaws that fit, the one nearest this.
// A shelf grasp keeps the palm within the shelf's free span (FreeShelfSpan):
// the TCP moves along the block's narrow side as far as its fingers allow.
// A top-down grasp also to set the block down at `set_down` (x, y), when
// given: the fingers must clear the other blocks (and the button) there too.
using SetDown = std::array<double, 2>;
BlockGrasp PlanBlockGrasp(const PrivilegedState& s, const BlockView& b, double preferred_yaw,
                          const SetDown* set_down = nullptr);
// Whether some top-down grasp takes `b` and sets it down at `to` with the
// open fingers clear of everything else.
bool RoomToSetDown(const PrivilegedState& s, const BlockView& b, const SetDown& to);

// A held block in the hand's frame, to carry it with the hand turned
// differently than when it was measured.
struct HeldBlock {
  int index = -1;
  Vec3 centre{};     // block centre in the hand frame (from the TCP)
  Mat3 rotation{};   // block to hand
  Vec3 half{};       // block half sizes
};
// Measured now from the state (the hand's measured pose).
HeldBlock MeasureHeldBlock(const PrivilegedState& s, int block);
// True once the block's lowest point is within `height` of `surface_z`: a
// held block sags in the hand and the hand under its load, so a set-down
// watches the block itself.
std::function<bool(const PrivilegedState&)> BlockBelow(int block, double surface_z, double height);
// The hand position that puts the block's centre at `centre` with the hand at `e`.
Vec3 HandForBlockCentre(const HeldBlock& h, const Vec3& centre, const Euler& e);
// How far the block then reaches below its centre.
double BlockDepthBelowCentre(const HeldBlock& h, const Euler& e);

}  // namespace gauntlet::policies::scripted::playtable
