// The dual-arm family's object library: every object its tasks use, built
// from primitives (primitive_geoms.h), with the named "functional points"
// (RoboTwin's term) that the expert and the success rules read from mjData.
//
// Names in the compiled model, for an object named <n>:
//   body <n>; free joint <n>_joint (free objects only);
//   site <n>_<point> for each point listed under its kind below;
//   microwave door hinge <n>_door, cabinet drawer slide <n>_drawer.
//
// The size triple's meaning and the points per kind (metres, body frame,
// origin at the centre of the footprint on the table):
//   container  (outer radius, height, -)   disk floor + ring of wall boxes;
//              rim_left / rim_right (on the rim at -x / +x), inside (top of
//              the floor), centre
//   plate      (radius, thickness, -)      static thin disk; top
//   coaster    (radius, thickness, -)      static thin disk; top
//   can        (radius, height, -)         cylinder; centre, top
//   bottle     (radius, height, -)         body + neck; centre (RoboTwin's
//              functional point 0 of a bottle), top
//   block      half sizes                  box; centre, end0 (bottom face
//              centre, the long handover block's functional point 0), end1 (top)
//   primitive  box: half sizes; cylinder: (radius, half height, -);
//              sphere: (radius, -, -)      centre, top
//   pad        half sizes                  static thin box; top
//   mic        (handle radius, handle length, head radius) upright handle on
//              a foot with a ball head; grasp (low on the handle), handover
//              (high on the handle), head
//   bell       (base radius, base height, dome radius) static; top (the
//              dome's top centre)
//   pot        (radius, height, -)         open cylinder with two handles
//              along x; handle_left (-x), handle_right (+x), centre
//   roller     (radius, barrel length, -)  barrel along x with a handle at
//              each end; handle_left, handle_right, centre
//   microwave  (width, depth, height)      static box, door hinged on its
//              left edge (vertical axis, opens toward -y), bar handle on the
//              right; handle (moves with the door), inside
//   cabinet    (width, depth, height)      static box, one drawer sliding
//              out toward -y, bar handle; handle, drawer_point (drawer floor
//              centre, moves with the drawer)
//   plasticbox (width, depth, height)      open-top box split in two slots
//              along x; slot0 (-x), slot1 (+x), both on the floor
//
// Free objects stand on capsule feet; fixed ones (plate, coaster, pad, bell,
// microwave, cabinet) are welded to the table. Masses come from per-kind
// densities only, never from the scene's setting.
#pragma once

#include <string>
#include <vector>

#include "envs/dualarm/primitive_geoms.h"

namespace gauntlet::envs::dualarm {

enum class ObjectKind {
  kContainer, kPlate, kCoaster, kCan, kBottle, kBlock, kPrimitive, kPad,
  kMic, kBell, kPot, kRoller, kMicrowave, kCabinet, kPlasticBox,
};
enum class PrimitiveShape { kBox, kCylinder, kSphere };

// "container", "plate", ... (the object library's category names).
const char* CategoryName(ObjectKind kind);
const char* ShapeName(PrimitiveShape shape);  // "box", "cylinder", "sphere"
bool IsFixed(ObjectKind kind);

// The colours objects are drawn in, with the word instructions use.
struct NamedColour {
  const char* name;
  Vec3 rgb;
};
const std::vector<NamedColour>& Palette();
// The palette entry called `name` (a check fails on an unknown name).
const NamedColour& ColourNamed(const std::string& name);

// One object instance of a scene.
struct TaskObject {
  std::string name;       // instance name: prefix of its body, joint and sites
  ObjectKind kind = ObjectKind::kBlock;
  PrimitiveShape shape = PrimitiveShape::kBox;  // kPrimitive only
  Vec3 size{};            // per kind, see above (metres)
  std::string colour;     // a Palette() name
  double x = 0, y = 0;    // footprint centre on the table, world metres
  double yaw = 0;         // about z, radians
  std::string description;  // how an instruction names it: "the red bowl"
};

// Horizontal bounding radius about the origin (handles included), metres.
double FootprintRadius(const TaskObject& object);
// Height of the object's top above its origin, metres.
double ObjectHeight(const TaskObject& object);
// Names in the compiled model.
std::string SiteName(const TaskObject& object, const std::string& point);
std::string FreeJointName(const TaskObject& object);
std::string DoorJointName(const TaskObject& microwave);
std::string DrawerJointName(const TaskObject& cabinet);

// Joint travel of the articulated objects.
inline constexpr double kMicrowaveDoorUpper = 1.75;  // radians: open past 100 degrees
inline constexpr double kCabinetDrawerUpper = 0.20;  // metres out

// The object's <body> resting on a table whose top is at `table_top_z`;
// `weld` welds even a free kind to the table (clutter).
std::string TaskObjectMjcf(const TaskObject& object, double table_top_z, bool weld = false);

// The article-free word an instruction uses for the object: "bowl", "cup",
// "can", "cylinder", ...
std::string ObjectNoun(const TaskObject& object);

}  // namespace gauntlet::envs::dualarm
