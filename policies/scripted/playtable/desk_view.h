// What the play-table expert reads from privileged state: the blocks (where
// each one rests, how far it reaches, which way to grasp it), the block the
// hand holds, and the desk's fixed heights (scene D's desk; every desk
// shares them). Pure functions of the state.
#pragma once

#include <array>
#include <string>

#include "harness/observation.h"
#include "policies/scripted/playtable/hand_orientation.h"

namespace gauntlet::policies::scripted::playtable {

// The desk, world metres.
inline constexpr double kTableTopZ = 0.44;     // the table top's surface
inline constexpr double kShelfTopZ = 0.441;    // the shelf (plank) behind the sliding door
inline constexpr double kRoofBottomZ = 0.628;  // the cabinet's roof over the shelf
inline constexpr double kDeskFrontY = -0.18;   // the table top's front edge
inline constexpr double kCabinetFrontY = 0.03; // where the table top meets the cabinet
inline constexpr double kDrawerFloorZ = 0.28;  // the drawer's floor
inline constexpr double kDrawerWallTopZ = 0.36;
// Where the hand crosses the desk: above stacked blocks and the door's handle.
inline constexpr double kCruiseZ = 0.60;
// The cruise height over `x`: lower toward the desk's right end, where a
// hand pointing down at 0.6 m is at the edge of the arm's reach (there the
// controller no longer holds the target and the arm swings away).
double CruiseZ(double x);
inline constexpr double kFarRightX = 0.25;
inline constexpr double kCruiseMaxY = -0.05;   // and in front of the door's handle

inline constexpr int kBlockCount = 3;
const char* BlockBody(int block);  // "block_red", "block_blue", "block_pink"

enum class Rest { kTable, kShelf, kDrawer, kOnBlock, kOther };

struct BlockView {
  int index = -1;
  Vec3 pos{};           // centre
  Mat3 rot{};           // body to world
  Vec3 half{};          // half sizes, body frame
  Vec3 reach{};         // half extents of the world-aligned box around it
  double bottom = 0, top = 0;
  Rest rest = Rest::kOther;
};

BlockView ViewBlock(const PrivilegedState& s, int block);
const char* RestName(Rest rest);

// The block between the fingers of a closed hand, or -1.
int HeldBlockIndex(const PrivilegedState& s);
// The hand's opening and whether it is closed (see kClosedBelow).
bool HandClosed(const PrivilegedState& s);

// The hand yaw (HandDown) for a top-down grasp of `b` across one of its
// horizontal sides no wider than the open hand takes, nearest `preferred`
// (the yaw the wrist is comfortable at); the closing axis then lies along
// that side. `alternatives` (optional) receives how many sides qualified.
double GraspYaw(const BlockView& b, double preferred);
// Heading (rad) of the block's long horizontal axis; for a cube any side.
double BlockYaw(const BlockView& b);

// The shelf's opening along x, and the part of it the sliding door leaves
// free around `x` (the door's panel stands in front of the opening and
// covers half of it). Read from the shelf's and the handle's sites.
struct Span {
  double lo = 0, hi = 0;
  double width() const { return hi - lo; }
};
Span ShelfOpening(const PrivilegedState& s);
Span FreeShelfSpan(const PrivilegedState& s, double x);
// How far `x` is from the door panel's nearer end (negative behind the panel).
double DoorClearance(const PrivilegedState& s, double x);
// The palm's half length along the closing axis (19 cm across).
inline constexpr double kPalmHalfSpan = 0.097;

// The task's name from the goal ("open_drawer"), or "" when there is none.
std::string GoalTask(const PrivilegedState& s);
// The joint value of an articulation ("base__drawer"), 0 when absent.
double JointValue(const PrivilegedState& s, const std::string& joint);
Vec3 RegionPos(const PrivilegedState& s, const std::string& region);

}  // namespace gauntlet::policies::scripted::playtable
