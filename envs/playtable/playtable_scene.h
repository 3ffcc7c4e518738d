// The play table's world as MJCF: a desk whose parts are separate bodies, as
// CALVIN's links are (so a contact names the part it touches), three blocks,
// a Franka-like arm on a pedestal where CALVIN mounts it, and CALVIN's two
// cameras. Built from a DeskLayout (scenes A-D); the dimensions common to the
// four desks are chosen here so that CALVIN's fixed positions (the blocks'
// table and shelf spots, the joint origins) fall where they do in CALVIN.
//
// Desk parts and their joints (CALVIN's names; + as CALVIN's joint axes):
//   desk    base_link: table top, lower body, the cabinet behind the top
//   slide   the sliding door, joint base__slide, + = toward -x (robot's left)
//   drawer  joint base__drawer, + = toward -y (out, toward the robot)
//   plank   the shelf behind the sliding door (fixed)
//   button  joint base__button, + = pressed (down); springs back
//   switch  joint base__switch, + = up and back along (0, 0.5, 0.866)
//   led, light: the LED and the light bulb on the cabinet's roof (fixed)
#pragma once

#include <array>
#include <string>

#include "envs/playtable/desk_layout.h"

namespace gauntlet::envs::playtable {

// Physics: CALVIN steps 240 Hz physics 8 times per 30 Hz action; here the
// OSC arm runs at 480 Hz, 16 substeps per action (the same 30 Hz control).
inline constexpr double kTimestep = 1.0 / 480.0;
inline constexpr int kSubsteps = 16;

// A contact counts when the surfaces are within this distance (PyBullet's
// contact manifold reports points up to about a millimetre apart). Every geom
// gets it as its margin, with an equal gap, so such contacts are reported
// but exert no force.
inline constexpr double kContactTolerance = 0.001;

// Heights and fixed spots, world metres.
inline constexpr double kTableTopZ = 0.44;       // the desk's top surface
inline constexpr double kShelfTopZ = 0.441;      // the plank's top surface
inline constexpr double kCabinetTopZ = 0.648;    // the roof the lights stand on
inline constexpr double kDeskFrontY = -0.18;     // the table top's front edge
inline constexpr double kCabinetFrontY = 0.03;   // where the table top meets the cabinet
inline constexpr std::array<double, 3> kRobotBase = {-0.34, -0.46, 0.24};
inline constexpr double kPedestalRadius = 0.13;
// CALVIN's arm has longer fingers than the standard hand: its tool centre
// point at the start joints lies 3.66 cm further along the tool axis than
// ours would (CALVIN's start tcp z 0.5713 against 0.6078), with the same
// orientation. The fingers and the point grow by that much.
inline constexpr double kFingerExtension = 0.0366;

// Body, joint and camera names in the compiled model.
inline constexpr const char* kDeskBody = "desk";
inline constexpr const char* kSlideBody = "slide";
inline constexpr const char* kDrawerBody = "drawer";
inline constexpr const char* kPlankBody = "plank";
inline constexpr const char* kButtonBody = "button";
inline constexpr const char* kSwitchBody = "switch";
inline constexpr const char* kLedBody = "led";
inline constexpr const char* kLightBody = "light";
inline constexpr const char* kSlideJoint = "base__slide";
inline constexpr const char* kDrawerJoint = "base__drawer";
inline constexpr const char* kButtonJoint = "base__button";
inline constexpr const char* kSwitchJoint = "base__switch";
inline constexpr const char* kLedGeom = "led_lamp";
inline constexpr const char* kBulbGeom = "light_bulb";
// Sites: where a hand works each part, and the places blocks are put.
inline constexpr const char* kSlideHandleSite = "slide_handle";
inline constexpr const char* kDrawerHandleSite = "drawer_handle";
inline constexpr const char* kButtonTopSite = "button_top";
inline constexpr const char* kSwitchHandleSite = "switch_handle";
inline constexpr const char* kDrawerInsideSite = "drawer_inside";
inline constexpr const char* kShelfLeftSite = "shelf_left";
inline constexpr const char* kShelfRightSite = "shelf_right";
inline constexpr const char* kStaticCamera = "static";
inline constexpr const char* kGripperCamera = "gripper";
std::string BlockBodyName(int block);  // "block_red", ...

// Joint travel, world metres.
inline constexpr double kDrawerRange = 0.22;
inline constexpr double kSwitchRange = 0.088;
inline constexpr double kButtonRange = 0.02;

struct PlaytableSceneOptions {
  int offscreen_width = 200;   // the largest image any camera renders
  int offscreen_height = 200;
  bool shadows = false;
};

// The scene's MJCF text.
std::string PlaytableMjcf(const DeskLayout& layout, const PlaytableSceneOptions& options);

}  // namespace gauntlet::envs::playtable
