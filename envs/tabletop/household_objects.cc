// LIBERO-10's household items: the white cabinet and the microwave of its
// kitchens, mugs, moka pot and frying pan, the study's desk caddy and book.
//
// The reach of a top-down hand shapes the fixtures below: the Panda's hand
// body (19 cm along the finger axis, 5 cm across) sits 4.8-9.8 cm above the
// tool centre point, and the wrist (a 4.5 cm-radius cylinder) from 11.5 cm
// up. Handles are therefore vertical fins the fingers pinch from above, and
// the wrist never goes under a roof: what the hand holds reaches at most a
// few centimetres under one.
#include <cmath>
#include <sstream>

#include "envs/tabletop/object_geometry.h"

namespace gauntlet::envs::tabletop {

namespace {

// A ring of `n` wall boxes of half thickness `t` centred on radius `r`,
// from `z0` to `z1`: the wall of a bowl-like container, open at the top.
std::string WallRing(int n, double r, double t, double z0, double z1, const char* rgba) {
  std::string g;
  const double half_width = 1.04 * r * std::tan(kPi / n);  // segments overlap a little at the seams
  for (int k = 0; k < n; ++k) {
    const double a = 2 * kPi * k / n;
    g += Box("visual_collision", t, half_width, (z1 - z0) / 2, r * std::cos(a), r * std::sin(a), (z0 + z1) / 2,
             a, rgba);
  }
  return g;
}

// ---- White cabinet ----
//
// Three drawers like the wooden cabinet's, in white. The front faces local
// +x; a drawer's slide joint runs along -x, so pulling it out makes q
// negative (LIBERO: open when q < -0.14, closed when q > 0). Open, a drawer
// stands out 19 cm: its whole inside is in front of the cabinet, where a hand
// lowering a 9.6 cm bowl by its rim keeps its wrist clear of the fins above.
// Pull tabs as on the wooden cabinet: vertical fins along the top edge of
// each front, stepping out further the lower the drawer, so a top-down hand
// takes each one beyond the fins above it (8 cm higher, between its fingers
// and clear of its palm). Along the top edge, the bottom drawer's fin also
// passes over a bowl standing in front of the open drawer (LIBERO-10's
// KITCHEN_SCENE4).
constexpr double kWcDepth = 0.20, kWcWidth = 0.22, kWcHeight = 0.26, kWcWall = 0.01;
constexpr double kWcPitch = 0.08, kWcBase = 0.01;           // drawer pitch, top of the carcass's base
constexpr double kWcDrawerWall = 0.055, kWcDrawerFloor = 0.008;
constexpr double kWcPanel = 0.012, kWcPanelProud = 0.002;   // front panel thickness, proud of the carcass
constexpr double kWcFinLength[3] = {0.125, 0.08, 0.035};    // out of the front: bottom, middle, top
constexpr double kWcFinHalfThickness = 0.005, kWcFinHalfHeight = 0.012;
constexpr double kWcFinZ = kWcPitch - 0.007 - kWcFinHalfHeight;  // above the drawer's underside
// The tabs stand near one side of the fronts, so that the open bottom drawer
// takes a bowl (and the hand holding it) beside the tabs above, not under them.
constexpr double kWcFinLateral = 0.07;
std::string WhiteCabinetGeoms(const std::string& instance) {
  const char* white = "0.92 0.92 0.89 1";
  const char* front = "0.97 0.97 0.95 1";
  const char* steel = "0.55 0.57 0.6 1";
  const double hx = kWcDepth / 2, hy = kWcWidth / 2, w = kWcWall / 2;
  std::string g;
  g += Box("visual_collision", hx, hy, w, 0, 0, w, 0, white);                              // base
  g += Box("visual_collision", hx, hy, w, 0, 0, kWcHeight - w, 0, white);                  // top
  g += Box("visual_collision", hx, w, kWcHeight / 2, 0, hy - w, kWcHeight / 2, 0, white);  // sides
  g += Box("visual_collision", hx, w, kWcHeight / 2, 0, -hy + w, kWcHeight / 2, 0, white);
  g += Box("visual_collision", w, hy, kWcHeight / 2, -hx + w, 0, kWcHeight / 2, 0, white);  // back
  g += Site(instance + "_top_side", hx, hy, 0.005, 0, 0, kWcHeight - 0.005);
  const char* names[3] = {"bottom", "middle", "top"};
  for (int i = 0; i < 3; ++i) {
    const std::string drawer = instance + "_" + names[i];
    // In the drawer's frame: origin on the cabinet's axis at the drawer's
    // underside. The drawer and its front panel sit inside the carcass with
    // 2 mm to spare all round and 12 mm behind: drawers touch the carcass in
    // no position of their range (welded to the world, the carcass is not
    // their parent for MuJoCo's contact filter).
    const double back = -hx + kWcWall + 0.012, inner_front = hx + kWcPanelProud - kWcPanel;
    const double dy = hy - kWcWall - 0.002;   // half width of the drawer and its panel
    const double panel_top = kWcPitch - 0.006;  // 6 mm below the next drawer
    std::ostringstream b;
    b << "<body name=\"" << drawer << "_drawer\" pos=\"0 0 " << kWcBase + 0.002 + i * kWcPitch << "\">\n"
      << "<inertial pos=\"0 0 0.02\" mass=\"0.5\" diaginertia=\"0.003 0.003 0.003\"/>\n"
      << "<joint name=\"" << drawer
      << "_drawer_joint\" type=\"slide\" axis=\"-1 0 0\" range=\"-0.2 0.01\" damping=\"5\" "
         "armature=\"0.05\" frictionloss=\"0.5\"/>\n";
    b << Box("visual_collision", (inner_front - back) / 2, dy, kWcDrawerFloor / 2, (inner_front + back) / 2, 0,
             kWcDrawerFloor / 2, 0, white);  // floor
    b << Box("visual_collision", kWcPanel / 2, dy, panel_top / 2, inner_front + kWcPanel / 2, 0, panel_top / 2, 0,
             front);  // front panel
    b << Box("visual_collision", 0.004, dy, kWcDrawerWall / 2, back + 0.004, 0, kWcDrawerWall / 2, 0, white);
    for (double s : {-1.0, 1.0}) {
      b << Box("visual_collision", (inner_front - back) / 2, 0.004, kWcDrawerWall / 2, (inner_front + back) / 2,
               s * (dy - 0.004), kWcDrawerWall / 2, 0, white);
    }
    const double fin_root = hx + kWcPanelProud, fin_length = kWcFinLength[i];
    b << Box("visual_collision", fin_length / 2, kWcFinHalfThickness, kWcFinHalfHeight, fin_root + fin_length / 2,
             kWcFinLateral, kWcFinZ, 0, steel);
    b << HandleSite(drawer + "_handle", fin_length - 0.012, fin_root + fin_length - 0.012, kWcFinLateral, kWcFinZ, 0);
    const double rx = (inner_front - back) / 2 - 0.008, ry = dy - 0.012;
    b << Site(drawer + "_region", rx, ry, (kWcDrawerWall - kWcDrawerFloor) / 2, (inner_front + back) / 2, 0,
              (kWcDrawerWall + kWcDrawerFloor) / 2);
    b << "</body>\n";
    g += b.str();
  }
  return g;
}

// ---- Microwave ----
//
// A box with a cavity open at the front (local +x), the control panel on its
// +y side and a door hinged on the front's -y edge; opening swings the door
// outwards, q negative (LIBERO: open when q < -1.3, closed when q > -0.005).
// A fin stands on the door's top edge near its free end for the fingers to
// pinch. The cavity is 19 cm tall: room for the hand's body over a held mug.
// The wrist cannot follow under the roof (see the note at the top), so a mug
// set down at the mouth is slid in with the end of the hand body, which
// reaches 9.5 cm from the wrist at the height of the mug.
constexpr double kMwDepth = 0.30, kMwWidth = 0.40, kMwHeight = 0.222, kMwWall = 0.012;
// The cavity's floor is the table (a visual plate only): a top-down hand
// cannot reach under the roof (its wrist would hit it), so the expert stands
// a mug at the mouth and the closing door pushes it in; a raised floor would
// leave it a step to climb.
constexpr double kMwFloor = 0.0;                              // cavity floor above the origin
constexpr double kMwPanel = 0.09;                             // width of the control panel
constexpr double kMwDoorLength = kMwWidth - kMwPanel, kMwDoorThickness = 0.02;
constexpr double kMwFinHalf[3] = {0.005, 0.015, 0.015};       // across, along the door, tall
std::string MicrowaveGeoms(const std::string& instance) {
  const char* shell = "0.86 0.86 0.88 1";
  const char* dark = "0.12 0.12 0.14 1";
  const char* steel = "0.55 0.57 0.6 1";
  const double hx = kMwDepth / 2, hy = kMwWidth / 2, w = kMwWall / 2;
  const double cavity_top = kMwHeight - kMwWall;
  const double panel_y = hy - kMwPanel / 2;  // centre of the control panel block
  std::string g;
  g += Box("visual", hx, hy, 0.0005, 0, 0, 0.0005, 0, shell);                                     // floor
  g += Box("visual_collision", hx, hy, w, 0, 0, kMwHeight - w, 0, shell);                         // roof
  g += Box("visual_collision", w, hy, (cavity_top - kMwFloor) / 2, -hx + w, 0,
           (cavity_top + kMwFloor) / 2, 0, shell);                                                 // back
  g += Box("visual_collision", hx, w, (cavity_top - kMwFloor) / 2, 0, -hy + w,
           (cavity_top + kMwFloor) / 2, 0, shell);                                                 // hinge side
  g += Box("visual_collision", hx, kMwPanel / 2, (cavity_top - kMwFloor) / 2, 0, panel_y,
           (cavity_top + kMwFloor) / 2, 0, shell);                                                 // panel block
  g += Box("visual", 0.001, 0.03, 0.012, hx + 0.001, panel_y, cavity_top - 0.035, 0, dark);       // display
  for (int k = 0; k < 3; ++k) {
    g += Box("visual", 0.002, 0.012, 0.008, hx + 0.002, panel_y, cavity_top - 0.08 - 0.03 * k, 0, steel);
  }
  // The cavity, up to 16 cm above its floor (LIBERO's region height).
  const double cx = w, cy = (-hy + kMwWall + hy - kMwPanel) / 2, region_half_z = 0.08;
  g += Site(instance + "_heating_region", hx - w, (kMwWidth - kMwPanel - kMwWall) / 2, region_half_z, cx, cy,
            kMwFloor + region_half_z);
  g += Site(instance + "_top_side", hx, hy, 0.005, 0, 0, kMwHeight - 0.005);
  // The door, in a frame at the hinge: it runs along +y from there, 1 mm in
  // front of the carcass (which, welded to the world, is not its parent for
  // MuJoCo's contact filter): closed, it touches nothing.
  const double door_bottom = 0.003;  // clear of the table while it swings
  const double door_half_z = (kMwHeight - door_bottom) / 2;
  const double fin_y = kMwDoorLength - 0.035, fin_z = kMwHeight + kMwFinHalf[2];
  std::ostringstream d;
  d << "<body name=\"" << instance << "_door\" pos=\"" << hx + 0.001 << " " << -hy << " 0\">\n"
    << "<inertial pos=\"0.01 " << kMwDoorLength / 2 << " " << kMwHeight / 2
    << "\" mass=\"0.5\" diaginertia=\"0.006 0.002 0.004\"/>\n"
    << "<joint name=\"" << instance
    << "_door_joint\" type=\"hinge\" axis=\"0 0 1\" range=\"-1.6 0\" damping=\"0.3\" armature=\"0.01\" "
       "frictionloss=\"0.05\"/>\n";
  d << Box("visual_collision", kMwDoorThickness / 2, kMwDoorLength / 2, door_half_z, kMwDoorThickness / 2,
           kMwDoorLength / 2, door_bottom + door_half_z, 0, dark);
  d << Box("visual", 0.0006, kMwDoorLength / 2 - 0.035, door_half_z - 0.035, kMwDoorThickness, kMwDoorLength / 2,
           door_bottom + door_half_z, 0, "0.28 0.33 0.36 1");  // window
  d << Box("visual_collision", kMwFinHalf[0], kMwFinHalf[1], kMwFinHalf[2], kMwDoorThickness / 2, fin_y, fin_z,
           0, steel);
  d << HandleSite(instance + "_door_handle", kMwFinHalf[1], kMwDoorThickness / 2, fin_y, fin_z, kPi / 2);
  d << "</body>\n";
  return g + d.str();
}

// ---- Mugs ----
//
// 8 cm across and 8.5 cm tall: too wide to close the hand across, so they are
// held like a bowl, by the wall at the rim (a ring of thin wall boxes on a
// base slab, lifted off the support like the bowl's). The handle is visual.
constexpr double kMugWallRadius = 0.0375, kMugWallHalfThickness = 0.0025, kMugHeight = 0.085;
constexpr double kMugWallLift = 0.003, kMugBase = 0.004;
constexpr double kMugHandleOut = 0.022, kMugHandleRadius = 0.005;  // beyond the wall's outer face
struct Mug {
  const char* body_rgba;
  const char* inside_rgba;
  const char* accent_rgba;  // rim band and handle
};
std::string MugGeoms(const Mug& mug) {
  const double outer = kMugWallRadius + kMugWallHalfThickness;
  std::string g = Inertial(0.25, 0.035, 3.3e-4) + Feet(0.022, 0.022);
  g += Box("collision", 0.028, 0.028, kMugBase / 2, 0, 0, kFootLift + kMugBase / 2, 0, nullptr);
  g += WallRing(12, kMugWallRadius, kMugWallHalfThickness, kMugWallLift, kMugHeight, mug.body_rgba);
  g += Cylinder(outer - 0.001, kMugWallLift / 2 + 0.001, kMugWallLift / 2 + 0.001, mug.body_rgba);  // foot
  g += Cylinder(kMugWallRadius - kMugWallHalfThickness, 0.0008, kFootLift + kMugBase + 0.0008, mug.inside_rgba);
  for (int k = 0; k < 12; ++k) {  // a band round the rim
    const double a = k * kPi / 6, r = outer + 0.0006;
    g += Box("visual", 0.0006, 1.04 * kMugWallRadius * std::tan(kPi / 12) + 0.0003, 0.011, r * std::cos(a),
             r * std::sin(a), kMugHeight - 0.011, a, mug.accent_rgba);
  }
  const double x0 = outer - 0.002, x1 = outer + kMugHandleOut, zl = 0.022, zh = 0.066;
  g += Capsule("visual", kMugHandleRadius, x0, 0, zh, x1, 0, zh - 0.004, mug.accent_rgba);
  g += Capsule("visual", kMugHandleRadius, x1, 0, zh - 0.004, x1, 0, zl + 0.004, mug.accent_rgba);
  g += Capsule("visual", kMugHandleRadius, x1, 0, zl + 0.004, x0, 0, zl, mug.accent_rgba);
  return g;
}
const Mug kPorcelainMug{"0.95 0.95 0.93 1", "0.86 0.86 0.84 1", "0.95 0.95 0.93 1"};
const Mug kRedCoffeeMug{"0.72 0.08 0.07 1", "0.35 0.05 0.04 1", "0.72 0.08 0.07 1"};
const Mug kWhiteYellowMug{"0.95 0.95 0.93 1", "0.98 0.8 0.15 1", "0.98 0.8 0.15 1"};

// ---- Moka pot ----
//
// A three-cup pot, 16 cm tall on a 9 cm boiler. The hand closes across the
// upper chamber, 6.5 cm across its corners, above the boiler and below the
// lid: the tool centre point 12 cm up puts the fingers on 11-16 cm and the
// hand's body over the lid's knob.
constexpr double kMokaBoilerRadius = 0.045, kMokaBoilerTop = 0.065;
constexpr double kMokaWaistRadius = 0.03, kMokaWaistTop = 0.08;
constexpr double kMokaChamberRadius = 0.0325, kMokaLidTop = 0.15, kMokaHeight = 0.16;
constexpr double kMokaGraspHeight = 0.12, kMokaHandleReach = 0.078;
// Octagon() sizes by the flats; the corners stand out by 1 / cos(22.5 deg).
constexpr double kCornerToFlat = 0.9238795325112867;
std::string MokaPotGeoms(const std::string&) {
  const char* alu = "0.74 0.74 0.77 1";
  const char* black = "0.08 0.08 0.08 1";
  const double boiler = kCornerToFlat * kMokaBoilerRadius;
  std::string g = BoxInertial(0.35, 0.035, 0.035, 0.065) + Feet(0.7 * boiler, 0.7 * boiler);
  g += Octagon(boiler, (kMokaBoilerTop - kFootLift) / 2, kFootLift);
  g += Octagon(kCornerToFlat * kMokaWaistRadius, (kMokaWaistTop - kMokaBoilerTop) / 2, kMokaBoilerTop);
  g += Octagon(kCornerToFlat * kMokaChamberRadius, (kMokaLidTop - kMokaWaistTop) / 2, kMokaWaistTop);
  // Visual: the faceted aluminium body, the lid's knob, the handle and spout.
  for (int k = 0; k < 4; ++k) {
    g += Box("visual", boiler, boiler * std::tan(kPi / 8), kMokaBoilerTop / 2, 0, 0, kMokaBoilerTop / 2,
             k * kPi / 4, alu);
    g += Box("visual", kCornerToFlat * kMokaChamberRadius, kCornerToFlat * kMokaChamberRadius * std::tan(kPi / 8),
             (kMokaLidTop - kMokaWaistTop) / 2, 0, 0, (kMokaLidTop + kMokaWaistTop) / 2, k * kPi / 4, alu);
  }
  g += Cylinder(kMokaWaistRadius, (kMokaWaistTop - kMokaBoilerTop) / 2, (kMokaWaistTop + kMokaBoilerTop) / 2,
                "0.5 0.5 0.53 1");
  g += Cylinder(0.009, (kMokaHeight - kMokaLidTop) / 2, (kMokaHeight + kMokaLidTop) / 2, black);
  g += Box("visual", (kMokaHandleReach - kMokaChamberRadius) / 2, 0.006, 0.005,
           (kMokaHandleReach + kMokaChamberRadius) / 2, 0, 0.14, 0, black);
  g += Box("visual", 0.006, 0.006, 0.03, kMokaHandleReach - 0.006, 0, 0.11, 0, black);
  g += Box("visual", 0.012, 0.007, 0.012, -kMokaChamberRadius - 0.006, 0, 0.138, 0, alu);  // spout
  return g;
}

// ---- Frying pan ----
//
// An 8-inch pan: a 19 cm wall ring on a flat base and a 16 cm handle level
// with the rim, wide enough (2.4 cm) to close the hand across. Held by the
// wall at the rim like a bowl, or by the handle.
constexpr double kPanWallRadius = 0.095, kPanWallHalfThickness = 0.003, kPanHeight = 0.045;
constexpr double kPanWallLift = 0.003;
constexpr double kPanHandleHalf[3] = {0.08, 0.012, 0.007};
constexpr double kPanHandleZ = 0.036;
std::string FryingPanGeoms(const std::string&) {
  const char* coat = "0.16 0.16 0.17 1";
  const double outer = kPanWallRadius + kPanWallHalfThickness;
  std::string g = "<inertial pos=\"0.03 0 0.02\" mass=\"0.5\" diaginertia=\"0.0015 0.006 0.007\"/>\n";
  g += Feet(0.06, 0.06);
  g += Octagon(kPanWallRadius - 0.005, 0.002, kFootLift);
  g += WallRing(16, kPanWallRadius, kPanWallHalfThickness, kPanWallLift, kPanHeight, coat);
  g += Cylinder(outer - 0.001, kPanWallLift / 2 + 0.001, kPanWallLift / 2 + 0.001, coat);
  g += Cylinder(kPanWallRadius - kPanWallHalfThickness, 0.0008, kFootLift + 0.0048, "0.27 0.27 0.29 1");
  g += Box("visual_collision", kPanHandleHalf[0], kPanHandleHalf[1], kPanHandleHalf[2], outer + kPanHandleHalf[0],
           0, kPanHandleZ, 0, "0.05 0.05 0.05 1");
  g += Box("visual", 0.012, 0.015, 0.009, outer + 0.004, 0, kPanHandleZ - 0.004, 0, "0.6 0.6 0.62 1");  // bracket
  return g;
}

// ---- Black book ----
//
// Standing on its bottom edge, 2.8 cm thick (local x), 11 cm wide and 14 cm
// tall: the hand closes across its thickness. A box on capsule feet.
constexpr double kBookHalf[3] = {0.014, 0.055, 0.07};
std::string BookGeoms(const std::string&) {
  const double hx = kBookHalf[0], hy = kBookHalf[1], hz = kBookHalf[2];
  const char* paper = "0.93 0.9 0.8 1";
  std::string g = BoxInertial(0.3, hx, hy, hz) + Feet(hx - 0.004, hy - 0.004);
  g += Box("collision", hx, hy, hz - kFootLift / 2, 0, 0, hz + kFootLift / 2, 0, nullptr);
  g += Box("visual", hx, hy, hz, 0, 0, hz, 0, "0.06 0.06 0.07 1");
  g += Box("visual", hx - 0.0025, 0.0005, hz - 0.004, 0, hy, hz, 0, paper);          // fore-edge
  g += Box("visual", hx - 0.0025, hy - 0.004, 0.0005, 0, 0.0015, 2 * hz, 0, paper);  // top edge
  for (double s : {-1.0, 1.0}) {
    g += Box("visual", 0.0005, 0.035, 0.012, s * hx, 0, 1.45 * hz, 0, "0.85 0.68 0.25 1");  // title
  }
  return g;
}

// ---- Desk caddy ----
//
// An organiser open at the top, in LIBERO's layout: a compartment at each end
// (right: local -y, left: +y) and the middle split into back (+x) and front
// (-x). Its walls collide as horizontal capsule rails behind visual panels:
// a book leaning on a wall then never meets MuJoCo 2.2.2's box-box test
// (object_geometry.h). The back slot is 7.1 cm wide: a 2.8 cm book and the
// two fingers holding it (1.2 cm each) fit with 0.9 cm to spare on each side.
constexpr double kCaddyHalf[2] = {0.08, 0.21};
constexpr double kCaddyFloor = 0.01;   // top of the base plate
constexpr double kCaddyWall = 0.003;   // half thickness of walls and dividers
constexpr double kCaddyDivider = 0.07;  // |y| of the dividers round the middle
constexpr double kCaddyBackHeight = 0.12, kCaddyFrontHeight = 0.07, kCaddyWallHeight = 0.09;
constexpr double kCaddyMiddleHeight = 0.08;
constexpr double kCaddyRegionTop = 0.09;
std::string CaddyGeoms(const std::string& instance) {
  const char* plastic = "0.2 0.45 0.6 1";
  const double hx = kCaddyHalf[0], hy = kCaddyHalf[1], t = kCaddyWall;
  std::string g = Box("visual_collision", hx, hy, kCaddyFloor / 2, 0, 0, kCaddyFloor / 2, 0, plastic);
  // A straight wall from (x0, y0) to (x1, y1) on the base plate, `top` high.
  auto wall = [&](double x0, double y0, double x1, double y1, double top) {
    const double len = std::hypot(x1 - x0, y1 - y0) / 2, yaw = std::atan2(y1 - y0, x1 - x0);
    std::string w = Box("visual", len, t, (top - kCaddyFloor) / 2, (x0 + x1) / 2, (y0 + y1) / 2,
                        (top + kCaddyFloor) / 2, yaw, plastic);
    for (double z = kCaddyFloor + t + 0.002; z < top - t; z += 0.015) {
      w += Capsule("collision", t, x0, y0, z, x1, y1, z, nullptr);
    }
    return w + Capsule("collision", t, x0, y0, top - t, x1, y1, top - t, nullptr);
  };
  const double ex = hx - t, ey = hy - t;  // outer walls' centre lines
  g += wall(ex, -ey, ex, ey, kCaddyBackHeight);
  g += wall(-ex, -ey, -ex, ey, kCaddyFrontHeight);
  for (double s : {-1.0, 1.0}) {
    g += wall(-ex, s * ey, ex, s * ey, kCaddyWallHeight);
    g += wall(-ex, s * kCaddyDivider, ex, s * kCaddyDivider, kCaddyWallHeight);
  }
  g += wall(0, -kCaddyDivider, 0, kCaddyDivider, kCaddyMiddleHeight);
  // Compartments, from the base plate up to the side walls' height.
  const double hz = (kCaddyRegionTop - kCaddyFloor) / 2, z = kCaddyFloor + hz;
  const double slot_x = (ex - t - t) / 2, slot_y = kCaddyDivider - t;
  for (double s : {-1.0, 1.0}) {
    g += Site(instance + (s > 0 ? "_back" : "_front") + "_contain_region", slot_x, slot_y, hz,
              s * (t + slot_x), 0, z);
    const double end_y = (ey - t - kCaddyDivider - t) / 2;
    g += Site(instance + (s > 0 ? "_left" : "_right") + "_contain_region", ex - t, end_y, hz, 0,
              s * (kCaddyDivider + t + end_y), z);
  }
  return g;
}

}  // namespace

std::vector<ObjectEntry> HouseholdObjects() {
  std::vector<ObjectEntry> out;
  {
    ObjectModel m;
    m.category = "white_cabinet";
    m.radius = std::hypot(kWcDepth / 2 + kWcPanelProud + kWcFinLength[0], kWcWidth / 2);
    m.height = kWcHeight;
    m.support_height = kWcHeight;
    m.half_extent = {kWcDepth / 2, kWcWidth / 2, kWcHeight / 2};
    MakeDrawerCabinet(&m, -0.19);
    out.push_back({m, WhiteCabinetGeoms});
  }
  {
    ObjectModel m;
    m.category = "microwave";
    m.fixture = true;
    m.radius = std::hypot(kMwDepth / 2 + kMwDoorThickness, kMwWidth / 2);
    m.height = kMwHeight + 2 * kMwFinHalf[2];
    m.support_height = kMwHeight;
    m.half_extent = {kMwDepth / 2, kMwWidth / 2, kMwHeight / 2};
    m.regions = {{"heating_region", "", true}, {"top_side", ""}};
    Articulation a;
    a.open_below = -1.3;
    a.closed_above = -0.005;
    a.closed_value = 0.0;
    a.open_value = -1.45;
    m.articulation = a;
    out.push_back({m, MicrowaveGeoms});
  }
  for (const auto& [category, mug] : {std::pair<const char*, const Mug*>{"porcelain_mug", &kPorcelainMug},
                                      {"red_coffee_mug", &kRedCoffeeMug},
                                      {"white_yellow_mug", &kWhiteYellowMug}}) {
    ObjectModel m;
    m.category = category;
    const double outer = kMugWallRadius + kMugWallHalfThickness;
    m.radius = outer + kMugHandleOut + kMugHandleRadius;  // with the handle: room for it when placing
    m.height = kMugHeight;
    m.support_height = kFootLift + kMugBase;
    m.rim_radius = kMugWallRadius;
    m.half_extent = {outer, outer, kMugHeight / 2};
    const Mug look = *mug;
    out.push_back({m, [look](const std::string&) { return MugGeoms(look); }});
  }
  {
    ObjectModel m;
    m.category = "moka_pot";
    m.radius = kMokaHandleReach;
    m.height = kMokaHeight;
    m.support_height = kMokaLidTop;
    m.grasp_height = kMokaGraspHeight;
    m.half_extent = {kMokaBoilerRadius, kMokaBoilerRadius, kMokaHeight / 2};
    out.push_back({m, MokaPotGeoms});
  }
  {
    ObjectModel m;
    m.category = "chefmate_8_frypan";
    const double outer = kPanWallRadius + kPanWallHalfThickness;
    m.radius = outer + 2 * kPanHandleHalf[0];
    m.height = kPanHeight;
    m.support_height = kFootLift + 0.004;
    m.rim_radius = kPanWallRadius;
    m.half_extent = {m.radius, outer, kPanHeight / 2};
    out.push_back({m, FryingPanGeoms});
  }
  {
    ObjectModel m;
    m.category = "black_book";
    m.radius = std::hypot(kBookHalf[0], kBookHalf[1]);
    m.height = 2 * kBookHalf[2];
    m.support_height = m.height;
    m.half_extent = {kBookHalf[0], kBookHalf[1], kBookHalf[2]};
    out.push_back({m, BookGeoms});
  }
  {
    ObjectModel m;
    m.category = "desk_caddy";
    m.fixture = true;
    m.radius = std::hypot(kCaddyHalf[0], kCaddyHalf[1]);
    m.height = kCaddyBackHeight;
    m.support_height = kCaddyFloor;
    m.half_extent = {kCaddyHalf[0], kCaddyHalf[1], kCaddyBackHeight / 2};
    m.regions = {{"back_contain_region", ""},
                 {"front_contain_region", ""},
                 {"left_contain_region", ""},
                 {"right_contain_region", ""}};
    out.push_back({m, CaddyGeoms});
  }
  return out;
}

}  // namespace gauntlet::envs::tabletop
