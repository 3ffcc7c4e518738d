// One snapshot of the play table, as CALVIN's success rules see it (CALVIN's
// `env.get_info()`): block poses, velocities and contacts, what the robot
// touches, the desk's joint values and the two lights' logical states. The
// environment fills one from the simulator after every control step; the task
// oracle (task_oracle.h) compares two of them. Holding no simulator types keeps
// the rules testable from hand-built snapshots.
//
// Frames and units: positions in the world frame in metres, orientations as
// unit quaternions (w, x, y, z) in the world frame (MuJoCo's xquat order),
// linear velocities in m/s and angular velocities in rad/s, both in the world
// frame. Joint values are the desk joints' positions in world metres (CALVIN's
// URDF values already scaled by 0.8), with CALVIN's signs.
#pragma once

#include <array>
#include <set>

#include "envs/playtable/playtable_tasks.h"

namespace gauntlet::envs::playtable {

// The desk's parts, one per link of CALVIN's desk URDF. CALVIN's rules name
// links (the block lifted from `plank_link`, pushed into `drawer_link`), so the
// desk is one body per link and contacts carry the link.
enum class DeskLink : int { kBase, kSlide, kDrawer, kPlank, kButton, kSwitch, kLed, kLight };
inline constexpr int kDeskLinkCount = 8;

// CALVIN's link name: "base_link", "slide_link", ... ("base_link" is the desk
// top, PyBullet's link -1).
inline const char* DeskLinkName(DeskLink link) {
  static constexpr const char* kNames[kDeskLinkCount] = {
      "base_link", "slide_link", "drawer_link", "plank_link",
      "button_link", "switch_link", "led_link", "light_link"};
  return kNames[static_cast<int>(link)];
}

// Something a block or the robot touches: CALVIN's (body, link) pair of a
// PyBullet contact point. The robot is one body whatever link touches (its
// rules never look at the robot's link); a block has one link.
struct ContactRef {
  enum class Kind : int { kRobot, kDesk, kBlock };
  Kind kind = Kind::kRobot;
  int index = 0;  // DeskLink for kDesk, block id (Block) for kBlock, 0 for kRobot

  static ContactRef Robot() { return {Kind::kRobot, 0}; }
  static ContactRef OfDesk(DeskLink link) { return {Kind::kDesk, static_cast<int>(link)}; }
  static ContactRef OfBlock(int block) { return {Kind::kBlock, block}; }

  friend bool operator==(const ContactRef& a, const ContactRef& b) {
    return a.kind == b.kind && a.index == b.index;
  }
  friend bool operator!=(const ContactRef& a, const ContactRef& b) { return !(a == b); }
  friend bool operator<(const ContactRef& a, const ContactRef& b) {
    return a.kind != b.kind ? a.kind < b.kind : a.index < b.index;
  }
};
using ContactSet = std::set<ContactRef>;

struct BlockInfo {
  std::array<double, 3> position{};                       // centre, world (m)
  std::array<double, 4> orientation{1.0, 0.0, 0.0, 0.0};  // world (w, x, y, z), unit
  std::array<double, 3> linear_velocity{};                // world (m/s)
  std::array<double, 3> angular_velocity{};               // world (rad/s)
  // What the block touches; never itself. Symmetric with the other entries:
  // block A lists B iff B lists A, and lists the robot iff the robot lists A.
  ContactSet contacts;
};

struct SceneInfo {
  std::array<BlockInfo, kBlockCount> blocks;  // indexed by Block
  ContactSet robot_contacts;  // blocks and desk links the robot touches; never the robot
  double slide_position = 0.0;   // base__slide (m), + = door moves to the robot's left (-x)
  double drawer_position = 0.0;  // base__drawer (m), + = open (toward the robot)
  double button_position = 0.0;  // base__button (m), + = pressed down
  double switch_position = 0.0;  // base__switch (m), + = up its rail
  int lightbulb = 0;             // logical state, 0 off / 1 on (follows the switch)
  int led = 0;                   // logical state, 0 off / 1 on (toggled by the button)
};

}  // namespace gauntlet::envs::playtable
