#include "envs/dualarm/task_objects.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "harness/check.h"

namespace gauntlet::envs::dualarm {

const char* CategoryName(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::kContainer: return "container";
    case ObjectKind::kPlate: return "plate";
    case ObjectKind::kCoaster: return "coaster";
    case ObjectKind::kCan: return "can";
    case ObjectKind::kBottle: return "bottle";
    case ObjectKind::kBlock: return "block";
    case ObjectKind::kPrimitive: return "primitive";
    case ObjectKind::kPad: return "pad";
    case ObjectKind::kMic: return "mic";
    case ObjectKind::kBell: return "bell";
    case ObjectKind::kPot: return "pot";
    case ObjectKind::kRoller: return "roller";
    case ObjectKind::kMicrowave: return "microwave";
    case ObjectKind::kCabinet: return "cabinet";
    case ObjectKind::kPlasticBox: return "plasticbox";
  }
  return "?";
}

const char* ShapeName(PrimitiveShape shape) {
  switch (shape) {
    case PrimitiveShape::kBox: return "box";
    case PrimitiveShape::kCylinder: return "cylinder";
    case PrimitiveShape::kSphere: return "sphere";
  }
  return "?";
}

bool IsFixed(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::kPlate:
    case ObjectKind::kCoaster:
    case ObjectKind::kPad:
    case ObjectKind::kBell:
    case ObjectKind::kMicrowave:
    case ObjectKind::kCabinet:
      return true;
    default:
      return false;
  }
}

const std::vector<NamedColour>& Palette() {
  static const std::vector<NamedColour> palette = {
      {"red", {0.85, 0.12, 0.10}},    {"green", {0.15, 0.70, 0.20}}, {"blue", {0.12, 0.25, 0.85}},
      {"yellow", {0.95, 0.85, 0.15}}, {"orange", {0.95, 0.50, 0.10}}, {"purple", {0.55, 0.20, 0.70}},
      {"pink", {0.95, 0.55, 0.70}},   {"white", {0.92, 0.92, 0.90}}, {"black", {0.10, 0.10, 0.10}},
      {"grey", {0.55, 0.55, 0.57}},   {"brown", {0.50, 0.32, 0.18}}, {"cyan", {0.15, 0.75, 0.80}},
  };
  return palette;
}

const NamedColour& ColourNamed(const std::string& name) {
  for (const NamedColour& c : Palette()) {
    if (name == c.name) return c;
  }
  GAUNTLET_CHECK(false, "no palette colour named '" + name + "'");
}

namespace {

// Densities (kg/m^3) per kind: light plastics and thin metal so that the
// arms' grippers hold every free object comfortably.
double DensityOf(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::kContainer: return 600;
    case ObjectKind::kCan: return 350;
    case ObjectKind::kBottle: return 250;
    case ObjectKind::kBlock: return 300;
    case ObjectKind::kPrimitive: return 300;
    case ObjectKind::kMic: return 300;
    case ObjectKind::kPot: return 800;
    case ObjectKind::kRoller: return 250;
    case ObjectKind::kPlasticBox: return 400;
    default: return 1000;  // fixed objects: their mass never enters the dynamics
  }
}

constexpr double kContainerWall = 0.004;
constexpr double kContainerFloor = 0.006;
constexpr double kPotWall = 0.005;
constexpr double kPotHandleReach = 0.04;  // handle length beyond the wall
constexpr double kRollerHandleLength = 0.08;
constexpr double kRollerHandleRadius = 0.012;
constexpr double kMicFootRadius = 0.035;
constexpr double kMicFootHeight = 0.008;
constexpr double kBoxWall = 0.005;
constexpr double kMicrowavePanel = 0.10;  // the control panel's width, right of the door
constexpr double kDoorThickness = 0.02;
constexpr double kCabinetWall = 0.012;
constexpr double kDrawerHeight = 0.07;
constexpr double kHandleStandoff = 0.03;

Rgba ColourOf(const TaskObject& o) {
  const Vec3& c = ColourNamed(o.colour).rgb;
  return {c[0], c[1], c[2], 1};
}

constexpr Rgba kMetal = {0.70, 0.70, 0.72, 1};
constexpr Rgba kDark = {0.12, 0.12, 0.12, 1};

// A ring of `n` wall boxes of thickness `t` on a circle of outer radius `r`
// from z0 to z1: the side wall of a container or a pot.
void Ring(GeomWriter& g, int n, double r, double t, double z0, double z1, const Rgba& rgba) {
  const double half_width = (r - t / 2) * std::tan(kPi / n) + 0.0005;  // neighbours meet
  for (int k = 0; k < n; ++k) {
    const double a = 2 * kPi * k / n;
    g.Add(kSolidClass, "box", {t / 2, half_width, (z1 - z0) / 2},
          {(r - t / 2) * std::cos(a), (r - t / 2) * std::sin(a), (z0 + z1) / 2}, {0, 0, a}, &rgba);
  }
}

// A box from the origin up to 2 hz: a visual box and a collision box
// starting kFootLift up, on feet.
void StandingBox(GeomWriter& g, const Vec3& half, const Rgba& rgba) {
  g.Add(kVisualClass, "box", {half[0], half[1], half[2]}, {0, 0, half[2]}, {0, 0, 0}, &rgba);
  g.Add(kCollisionClass, "box", {half[0], half[1], half[2] - kFootLift / 2}, {0, 0, half[2] + kFootLift / 2});
  g.Feet(0.9 * half[0], 0.9 * half[1]);
}

void ContainerGeoms(GeomWriter& g, const TaskObject& o) {
  const double r = o.size[0], h = o.size[1];
  const Rgba c = ColourOf(o);
  g.Upright(r, 0, kContainerFloor, kFootLift, c);
  Ring(g, 16, r, kContainerWall, kContainerFloor, h, c);
  g.Feet(0.55 * r, 0.55 * r);
  g.Point(SiteName(o, "rim_left"), {-(r - kContainerWall / 2), 0, h});
  g.Point(SiteName(o, "rim_right"), {r - kContainerWall / 2, 0, h});
  g.Point(SiteName(o, "inside"), {0, 0, kContainerFloor});
  g.Point(SiteName(o, "centre"), {0, 0, h / 2});
}

void DiskGeoms(GeomWriter& g, const TaskObject& o) {
  g.Upright(o.size[0], 0, o.size[1], 0, ColourOf(o));
  g.Point(SiteName(o, "top"), {0, 0, o.size[1]});
}

void CanGeoms(GeomWriter& g, const TaskObject& o) {
  const double r = o.size[0], h = o.size[1];
  g.Upright(r, 0, h, kFootLift, ColourOf(o));
  g.Feet(0.6 * r, 0.6 * r);
  // A metal lid so a can reads as a can from the head camera.
  g.Add(kVisualClass, "cylinder", {0.85 * r, 0.001}, {0, 0, h + 0.0005}, {0, 0, 0}, &kMetal);
  g.Point(SiteName(o, "centre"), {0, 0, h / 2});
  g.Point(SiteName(o, "top"), {0, 0, h});
}

void BottleGeoms(GeomWriter& g, const TaskObject& o) {
  const double r = o.size[0], h = o.size[1];
  const double shoulder = 0.72 * h, cap = 0.015;
  const Rgba c = ColourOf(o);
  g.Upright(r, 0, shoulder, kFootLift, c);
  g.Upright(0.45 * r, shoulder, h - cap, 0, c);
  g.Upright(0.5 * r, h - cap, h, 0, kDark);
  g.Feet(0.6 * r, 0.6 * r);
  g.Point(SiteName(o, "centre"), {0, 0, h / 2});
  g.Point(SiteName(o, "top"), {0, 0, h});
}

void BlockGeoms(GeomWriter& g, const TaskObject& o) {
  const Vec3& s = o.size;
  StandingBox(g, s, ColourOf(o));
  g.Point(SiteName(o, "centre"), {0, 0, s[2]});
  g.Point(SiteName(o, "end0"), {0, 0, 0});
  g.Point(SiteName(o, "end1"), {0, 0, 2 * s[2]});
}

void PrimitiveGeoms(GeomWriter& g, const TaskObject& o) {
  const Rgba c = ColourOf(o);
  double top = 0;
  switch (o.shape) {
    case PrimitiveShape::kBox:
      StandingBox(g, o.size, c);
      top = 2 * o.size[2];
      break;
    case PrimitiveShape::kCylinder:
      top = 2 * o.size[1];
      g.Upright(o.size[0], 0, top, kFootLift, c);
      g.Feet(0.6 * o.size[0], 0.6 * o.size[0]);
      break;
    case PrimitiveShape::kSphere:
      top = 2 * o.size[0];
      // Rolling friction keeps a ball where it is put; sphere-box contacts are analytic.
      g.Add(kSolidClass, "sphere", {o.size[0]}, {0, 0, o.size[0]}, {0, 0, 0}, &c,
            "condim=\"6\" friction=\"1 0.005 0.002\"");
      break;
  }
  g.Point(SiteName(o, "centre"), {0, 0, top / 2});
  g.Point(SiteName(o, "top"), {0, 0, top});
}

void PadGeoms(GeomWriter& g, const TaskObject& o) {
  const Vec3& s = o.size;
  const Rgba c = ColourOf(o);
  g.Add(kSolidClass, "box", {s[0], s[1], s[2]}, {0, 0, s[2]}, {0, 0, 0}, &c);
  g.Point(SiteName(o, "top"), {0, 0, 2 * s[2]});
}

void MicGeoms(GeomWriter& g, const TaskObject& o) {
  const double hr = o.size[0], hl = o.size[1], head = o.size[2];
  const double z0 = kMicFootHeight, z1 = kMicFootHeight + hl;
  g.Upright(kMicFootRadius, 0, kMicFootHeight, kFootLift, kDark);
  g.Feet(0.6 * kMicFootRadius, 0.6 * kMicFootRadius);
  g.Upright(hr, z0, z1, 0, ColourOf(o));
  g.Add(kSolidClass, "sphere", {head}, {0, 0, z1 + 0.8 * head}, {0, 0, 0}, &kMetal);
  g.Point(SiteName(o, "grasp"), {0, 0, z0 + 0.3 * hl});
  g.Point(SiteName(o, "handover"), {0, 0, z0 + 0.8 * hl});
  g.Point(SiteName(o, "head"), {0, 0, z1 + 0.8 * head});
}

void BellGeoms(GeomWriter& g, const TaskObject& o) {
  const double r = o.size[0], h = o.size[1], dome = o.size[2];
  const Rgba c = ColourOf(o);
  g.Upright(r, 0, h, 0, kDark);
  g.Add(kSolidClass, "sphere", {dome}, {0, 0, h}, {0, 0, 0}, &c);
  g.Point(SiteName(o, "top"), {0, 0, h + dome});
}

void PotGeoms(GeomWriter& g, const TaskObject& o) {
  const double r = o.size[0], h = o.size[1];
  const Rgba c = ColourOf(o);
  g.Upright(r, 0, kContainerFloor, kFootLift, c);
  Ring(g, 20, r, kPotWall, kContainerFloor, h, c);
  g.Feet(0.6 * r, 0.6 * r);
  // Each handle runs from inside the wall to kPotHandleReach beyond it; a
  // hand grips the middle of the part outside.
  const double inner = r - kPotWall / 2, half = (r + kPotHandleReach - inner) / 2, hz = h - 0.012;
  for (int side : {-1, 1}) {
    g.Add(kSolidClass, "box", {half, 0.025, 0.008}, {side * (inner + half), 0, hz}, {0, 0, 0}, &kDark);
  }
  const double grip = r + kPotHandleReach / 2;
  g.Point(SiteName(o, "handle_left"), {-grip, 0, hz});
  g.Point(SiteName(o, "handle_right"), {grip, 0, hz});
  g.Point(SiteName(o, "centre"), {0, 0, h / 2});
}

void RollerGeoms(GeomWriter& g, const TaskObject& o) {
  const double r = o.size[0], half = o.size[1] / 2;
  const double z = r + kFootLift;
  g.AlongX(r, half, {0, 0, z}, ColourOf(o));
  for (int side : {-1, 1}) {
    g.AlongX(kRollerHandleRadius, kRollerHandleLength / 2, {side * (half + kRollerHandleLength / 2), 0, z}, kDark);
  }
  // Two runners under the barrel instead of four corner feet.
  g.Runner(-0.9 * half, 0.9 * half, -0.4 * r);
  g.Runner(-0.9 * half, 0.9 * half, 0.4 * r);
  const double grip = half + kRollerHandleLength / 2;
  g.Point(SiteName(o, "handle_left"), {-grip, 0, z});
  g.Point(SiteName(o, "handle_right"), {grip, 0, z});
  g.Point(SiteName(o, "centre"), {0, 0, z});
}

// Static shell of a box open at its front (-y): floor, roof, sides, back.
void Shell(GeomWriter& g, double w, double d, double h, double t, const Rgba& c) {
  g.Add(kSolidClass, "box", {w / 2, d / 2, t / 2}, {0, 0, t / 2}, {0, 0, 0}, &c);
  g.Add(kSolidClass, "box", {w / 2, d / 2, t / 2}, {0, 0, h - t / 2}, {0, 0, 0}, &c);
  g.Add(kSolidClass, "box", {t / 2, d / 2, h / 2}, {-w / 2 + t / 2, 0, h / 2}, {0, 0, 0}, &c);
  g.Add(kSolidClass, "box", {t / 2, d / 2, h / 2}, {w / 2 - t / 2, 0, h / 2}, {0, 0, 0}, &c);
  g.Add(kSolidClass, "box", {w / 2, t / 2, h / 2}, {0, d / 2 - t / 2, h / 2}, {0, 0, 0}, &c);
}

// A bar handle kHandleStandoff in front (-y) of a face at y = 0, centred at
// (x, z), vertical or horizontal, with its two posts.
void BarHandle(GeomWriter& g, double x, double z, double half_length, bool vertical) {
  const Vec3 half = vertical ? Vec3{0.006, 0.006, half_length} : Vec3{half_length, 0.006, 0.006};
  g.Add(kSolidClass, "box", {half[0], half[1], half[2]}, {x, -kHandleStandoff, z}, {0, 0, 0}, &kMetal);
  for (int end : {-1, 1}) {
    const Vec3 post = vertical ? Vec3{x, -kHandleStandoff / 2, z + end * 0.8 * half_length}
                               : Vec3{x + end * 0.8 * half_length, -kHandleStandoff / 2, z};
    g.Add(kSolidClass, "box", {0.005, kHandleStandoff / 2, 0.005}, post, {0, 0, 0}, &kMetal);
  }
}

void MicrowaveGeoms(GeomWriter& g, const TaskObject& o) {
  const double w = o.size[0], d = o.size[1], h = o.size[2], t = 0.015;
  const Rgba c = ColourOf(o);
  Shell(g, w, d, h, t, c);
  // The control panel fills the front right of the box; the door covers the rest.
  g.Add(kSolidClass, "box", {kMicrowavePanel / 2, d / 2 - t, h / 2 - t}, {w / 2 - kMicrowavePanel / 2, -t, h / 2},
        {0, 0, 0}, &kDark);
  g.Point(SiteName(o, "inside"), {-kMicrowavePanel / 2, 0, t});
  const double door_w = w - kMicrowavePanel, door_h = h - 0.01;
  std::ostringstream open;
  open.precision(kMjcfDigits);
  // Hinge on the door's left edge; q > 0 swings its free end toward the robot.
  open << "<body name=\"" << o.name << "_door_leaf\" pos=\"" << -w / 2 << " " << -d / 2 - kDoorThickness / 2 - 0.001
       << " 0\">\n"
       << "<joint name=\"" << DoorJointName(o) << "\" type=\"hinge\" axis=\"0 0 -1\" range=\"0 "
       << kMicrowaveDoorUpper << "\" damping=\"0.3\" frictionloss=\"0.02\" armature=\"0.01\"/>\n";
  g.Raw(open.str());
  g.Add(kSolidClass, "box", {door_w / 2, kDoorThickness / 2, door_h / 2}, {door_w / 2, 0, h / 2}, {0, 0, 0}, &kDark);
  g.Raw("<body name=\"" + o.name + "_door_handle\" pos=\"0 " + std::to_string(-kDoorThickness / 2) + " 0\">\n");
  BarHandle(g, door_w - 0.035, h / 2, 0.30 * door_h, true);
  g.Point(SiteName(o, "handle"), {door_w - 0.035, -kHandleStandoff, h / 2});
  g.Raw("</body>\n</body>\n");
}

void CabinetGeoms(GeomWriter& g, const TaskObject& o) {
  const double w = o.size[0], d = o.size[1], h = o.size[2], t = kCabinetWall;
  const Rgba c = ColourOf(o);
  Shell(g, w, d, h, t, c);
  // The drawer's bay is the top of the box; a shelf closes it below and a
  // front panel covers the lower part.
  const double bay_floor = h - t - kDrawerHeight - 0.01;
  g.Add(kSolidClass, "box", {w / 2 - t, d / 2 - t, t / 2}, {0, 0, bay_floor - t / 2}, {0, 0, 0}, &c);
  g.Add(kSolidClass, "box", {w / 2 - t, t / 2, (bay_floor - t) / 2}, {0, -d / 2 + t / 2, (bay_floor + t) / 2},
        {0, 0, 0}, &c);
  // The drawer body's frame is at the carcass front, 2 mm above the bay
  // floor; q > 0 pulls it out toward the robot.
  const double iw = w / 2 - t - 0.003;  // the tray's half width, 3 mm clear of the sides
  const double depth = d - t - 0.01;    // the tray's depth behind its front
  const double floor_t = 0.006;
  std::ostringstream open;
  open.precision(kMjcfDigits);
  open << "<body name=\"" << o.name << "_drawer_tray\" pos=\"0 " << -d / 2 << " " << bay_floor + 0.002 << "\">\n"
       << "<joint name=\"" << DrawerJointName(o) << "\" type=\"slide\" axis=\"0 -1 0\" range=\"0 "
       << kCabinetDrawerUpper << "\" damping=\"2\" frictionloss=\"0.2\" armature=\"0.05\"/>\n";
  g.Raw(open.str());
  g.Add(kSolidClass, "box", {iw, depth / 2, floor_t / 2}, {0, depth / 2, floor_t / 2}, {0, 0, 0}, &c);
  for (int side : {-1, 1}) {
    g.Add(kSolidClass, "box", {0.004, depth / 2, kDrawerHeight / 2}, {side * (iw - 0.004), depth / 2, kDrawerHeight / 2},
          {0, 0, 0}, &c);
  }
  g.Add(kSolidClass, "box", {iw, 0.004, kDrawerHeight / 2}, {0, depth - 0.004, kDrawerHeight / 2}, {0, 0, 0}, &c);
  // The front panel covers the bay's opening.
  g.Add(kSolidClass, "box", {w / 2 - 0.002, 0.006, (kDrawerHeight + 0.01) / 2},
        {0, -0.006, (kDrawerHeight + 0.01) / 2 - 0.002}, {0, 0, 0}, &c);
  g.Raw("<body name=\"" + o.name + "_drawer_handle\" pos=\"0 -0.012 0\">\n");
  BarHandle(g, 0, kDrawerHeight / 2, 0.06, false);
  g.Point(SiteName(o, "handle"), {0, -kHandleStandoff, kDrawerHeight / 2});
  g.Raw("</body>\n");
  g.Point(SiteName(o, "drawer_point"), {0, depth / 2, floor_t});
  g.Raw("</body>\n");
}

void PlasticBoxGeoms(GeomWriter& g, const TaskObject& o) {
  const double w = o.size[0], d = o.size[1], h = o.size[2], t = kBoxWall;
  const Rgba c = ColourOf(o);
  const double z0 = kFootLift;  // every collision part clears the feet
  g.Add(kSolidClass, "box", {w / 2, d / 2, t / 2}, {0, 0, z0 + t / 2}, {0, 0, 0}, &c);
  const double wall_h = (h - z0 - t) / 2, wall_z = z0 + t + wall_h;
  for (int side : {-1, 1}) {
    g.Add(kSolidClass, "box", {t / 2, d / 2, wall_h}, {side * (w / 2 - t / 2), 0, wall_z}, {0, 0, 0}, &c);
    g.Add(kSolidClass, "box", {w / 2 - t, t / 2, wall_h}, {0, side * (d / 2 - t / 2), wall_z}, {0, 0, 0}, &c);
  }
  g.Add(kSolidClass, "box", {t / 2, d / 2 - t, wall_h}, {0, 0, wall_z}, {0, 0, 0}, &c);  // the divider
  g.Feet(0.9 * w / 2, 0.9 * d / 2);
  const double slot_x = w / 4;
  g.Point(SiteName(o, "slot0"), {-slot_x, 0, z0 + t});
  g.Point(SiteName(o, "slot1"), {slot_x, 0, z0 + t});
}

}  // namespace

double FootprintRadius(const TaskObject& o) {
  const Vec3& s = o.size;
  switch (o.kind) {
    case ObjectKind::kContainer:
    case ObjectKind::kPlate:
    case ObjectKind::kCoaster:
    case ObjectKind::kCan:
    case ObjectKind::kBottle:
      return s[0];
    case ObjectKind::kBlock:
    case ObjectKind::kPad:
      return std::hypot(s[0], s[1]);
    case ObjectKind::kPrimitive:
      return o.shape == PrimitiveShape::kBox ? std::hypot(s[0], s[1]) : s[0];
    case ObjectKind::kMic: return std::max(kMicFootRadius, s[2]);
    case ObjectKind::kBell: return std::max(s[0], s[2]);
    case ObjectKind::kPot: return s[0] + kPotHandleReach;
    case ObjectKind::kRoller: return s[1] / 2 + kRollerHandleLength;
    case ObjectKind::kMicrowave:
    case ObjectKind::kCabinet:
      return std::hypot(s[0] / 2, s[1] / 2 + kHandleStandoff + kDoorThickness);
    case ObjectKind::kPlasticBox: return std::hypot(s[0] / 2, s[1] / 2);
  }
  return 0;
}

double ObjectHeight(const TaskObject& o) {
  const Vec3& s = o.size;
  switch (o.kind) {
    case ObjectKind::kBlock:
    case ObjectKind::kPad:
      return 2 * s[2];
    case ObjectKind::kPrimitive:
      return o.shape == PrimitiveShape::kBox ? 2 * s[2] : o.shape == PrimitiveShape::kCylinder ? 2 * s[1] : 2 * s[0];
    case ObjectKind::kMic: return kMicFootHeight + s[1] + 1.8 * s[2];
    case ObjectKind::kBell: return s[1] + s[2];
    case ObjectKind::kRoller: return 2 * s[0] + kFootLift;
    case ObjectKind::kMicrowave:
    case ObjectKind::kCabinet:
    case ObjectKind::kPlasticBox:
      return s[2];
    default: return s[1];
  }
}

std::string SiteName(const TaskObject& o, const std::string& point) { return o.name + "_" + point; }
std::string FreeJointName(const TaskObject& o) { return o.name + "_joint"; }
std::string DoorJointName(const TaskObject& o) { return o.name + "_door"; }
std::string DrawerJointName(const TaskObject& o) { return o.name + "_drawer"; }

std::string ObjectNoun(const TaskObject& o) {
  switch (o.kind) {
    case ObjectKind::kContainer: return o.size[1] >= 1.3 * o.size[0] ? "cup" : "bowl";
    case ObjectKind::kPrimitive: return o.shape == PrimitiveShape::kSphere ? "ball" : ShapeName(o.shape);
    case ObjectKind::kMic: return "microphone";
    case ObjectKind::kPlasticBox: return "plastic box";
    default: return CategoryName(o.kind);
  }
}

std::string TaskObjectMjcf(const TaskObject& o, double table_top_z, bool weld) {
  GeomWriter g(DensityOf(o.kind));
  switch (o.kind) {
    case ObjectKind::kContainer: ContainerGeoms(g, o); break;
    case ObjectKind::kPlate:
    case ObjectKind::kCoaster: DiskGeoms(g, o); break;
    case ObjectKind::kCan: CanGeoms(g, o); break;
    case ObjectKind::kBottle: BottleGeoms(g, o); break;
    case ObjectKind::kBlock: BlockGeoms(g, o); break;
    case ObjectKind::kPrimitive: PrimitiveGeoms(g, o); break;
    case ObjectKind::kPad: PadGeoms(g, o); break;
    case ObjectKind::kMic: MicGeoms(g, o); break;
    case ObjectKind::kBell: BellGeoms(g, o); break;
    case ObjectKind::kPot: PotGeoms(g, o); break;
    case ObjectKind::kRoller: RollerGeoms(g, o); break;
    case ObjectKind::kMicrowave: MicrowaveGeoms(g, o); break;
    case ObjectKind::kCabinet: CabinetGeoms(g, o); break;
    case ObjectKind::kPlasticBox: PlasticBoxGeoms(g, o); break;
  }
  std::ostringstream body;
  body.precision(kMjcfDigits);
  body << "<body name=\"" << o.name << "\" pos=\"" << Text(Vec3{o.x, o.y, table_top_z}) << "\" euler=\"0 0 " << o.yaw
       << "\">\n";
  if (!IsFixed(o.kind) && !weld) body << "<freejoint name=\"" << FreeJointName(o) << "\"/>\n";
  body << g.text() << "</body>\n";
  return body.str();
}

}  // namespace gauntlet::envs::dualarm
