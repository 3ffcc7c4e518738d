// Articulated and fixed furniture: cabinets with drawers, the stove with its
// knob, the wine rack.
#include <cmath>
#include <sstream>

#include "envs/tabletop/object_geometry.h"

namespace gauntlet::envs::tabletop {

namespace {
// (LIBERO: open when q < -0.14, closed when q > 0).
constexpr double kCabDepth = 0.20, kCabWidth = 0.26, kCabHeight = 0.26, kCabWall = 0.01;
constexpr double kDrawerPitch = 0.08, kDrawerBase = 0.01;
constexpr double kFinLength[3] = {0.125, 0.08, 0.035};  // bottom, middle, top drawer
constexpr double kFinHalfThickness = 0.005, kFinHalfHeight = 0.012;
std::string CabinetGeoms(const std::string& instance) {
  const char* wood = "0.55 0.36 0.2 1";
  const double hx = kCabDepth / 2, hy = kCabWidth / 2;
  std::string g;
  g += Box("visual_collision", hx, hy, kCabWall / 2, 0, 0, kCabWall / 2, 0, wood);  // base
  g += Box("visual_collision", hx, hy, kCabWall / 2, 0, 0, kCabHeight - kCabWall / 2, 0, wood);
  g += Box("visual_collision", hx, kCabWall / 2, kCabHeight / 2, 0, hy - kCabWall / 2,
           kCabHeight / 2, 0, wood);
  g += Box("visual_collision", hx, kCabWall / 2, kCabHeight / 2, 0, -hy + kCabWall / 2,
           kCabHeight / 2, 0, wood);
  g += Box("visual_collision", kCabWall / 2, hy, kCabHeight / 2, -hx + kCabWall / 2, 0,
           kCabHeight / 2, 0, wood);
  g += Site(instance + "_top_side", hx, hy, 0.005, 0, 0, kCabHeight - 0.005);
  const char* names[3] = {"bottom", "middle", "top"};
  for (int i = 0; i < 3; ++i) {
    const double z0 = kDrawerBase + i * kDrawerPitch;  // drawer bottom
    const double dz = 0.055;                            // drawer wall height
    // The drawer box runs from just behind the front panel to 6 mm short of
    // the carcass's back wall, and the front fits between the side walls: a
    // fixture's parts collide with their own carcass (it is welded to the
    // world, so MuJoCo's parent-child filter does not apply), and any overlap
    // pushed closed drawers open while settling.
    const double back = -hx + kCabWall + 0.006, front = hx - 0.007;
    const double cx = (front + back) / 2, dx = (front - back) / 2, dy = hy - kCabWall - 0.002;
    std::ostringstream b;
    b << "<body name=\"" << instance << "_" << names[i] << "_drawer\" pos=\"0.005 0 " << z0
      << "\">\n"
      << "<inertial pos=\"0 0 0.02\" mass=\"0.5\" diaginertia=\"0.003 0.003 0.003\"/>\n"
      << "<joint name=\"" << instance << "_" << names[i]
      << "_drawer_joint\" type=\"slide\" axis=\"-1 0 0\" range=\"-0.2 0.01\" damping=\"5\" "
         "armature=\"0.05\" frictionloss=\"0.5\"/>\n";
    b << Box("visual_collision", dx, dy, 0.004, cx, 0, 0.004, 0, wood);                  // floor
    // The front clears the cabinet's floor by a millimetre: resting on it,
    // the contact pushed a closed drawer a few millimetres open.
    b << Box("visual_collision", 0.006, dy, kDrawerPitch / 2 - 0.003, hx - 0.001, 0,
             kDrawerPitch / 2 - 0.002, 0, "0.62 0.42 0.24 1");                           // front
    b << Box("visual_collision", 0.004, dy, dz / 2, back + 0.004, 0, dz / 2, 0, wood);   // back
    b << Box("visual_collision", dx, 0.004, dz / 2, cx, dy - 0.004, dz / 2, 0, wood);    // sides
    b << Box("visual_collision", dx, 0.004, dz / 2, cx, -dy + 0.004, dz / 2, 0, wood);
    // A pull tab: a thin fin standing out of the front, pinched across its
    // thickness by a top-down hand. The tabs step out further the lower the
    // drawer, so the hand (palm 5 cm deep) reaches each one beyond the tabs
    // above it, which pass between its open fingers. The site marks where
    // to take hold; its x axis points out of the cabinet, the way the drawer opens.
    // Along the top edge of the front: the hand on the top drawer's tab then
    // keeps its palm above the cabinet's top.
    const double fin_z = kDrawerPitch - 0.007 - kFinHalfHeight, fin_len = kFinLength[i];
    b << Box("visual_collision", fin_len / 2, kFinHalfThickness, kFinHalfHeight, hx + 0.005 + fin_len / 2, 0,
             fin_z, 0, "0.25 0.25 0.25 1");
    b << HandleSite(instance + "_" + names[i] + "_handle", fin_len - 0.012, hx + 0.005 + fin_len - 0.012, 0, fin_z, 0);
    b << Site(instance + "_" + names[i] + "_region", dx - 0.008, dy - 0.008, dz / 2, cx, 0, 0.008 + dz / 2);
    b << "</body>\n";
    g += b.str();
  }
  return g;
}

// A flat two-burner stove with a dial on its top (LIBERO: on when q >= 0.5,
// off when q < 0). The dial turns about the vertical, so a top-down hand
// pinching its fin turns it by turning the wrist; a knob on the front face
// would need the hand on its side.
constexpr double kStoveHalf[3] = {0.1, 0.15, 0.015};
std::string StoveGeoms(const std::string& instance) {
  std::string g = Box("visual_collision", kStoveHalf[0], kStoveHalf[1], kStoveHalf[2], 0, 0,
                      kStoveHalf[2], 0, "0.2 0.2 0.22 1");
  g += "<geom class=\"visual\" type=\"cylinder\" size=\"0.06 0.001\" pos=\"0 0.06 0.0305\" "
       "rgba=\"0.45 0.08 0.05 1\"/>\n";
  g += "<geom class=\"visual\" type=\"cylinder\" size=\"0.045 0.001\" pos=\"-0.02 -0.07 0.0305\" "
       "rgba=\"0.4 0.4 0.4 1\"/>\n";
  // The cook region covers the stove's top but the dial: room for two moka pots.
  g += Site(instance + "_cook_region", 0.08, 0.1, 0.005, 0, 0.04, 2 * kStoveHalf[2] - 0.005);
  std::ostringstream k;
  k << "<body name=\"" << instance << "_knob\" pos=\"0.07 -0.125 " << 2 * kStoveHalf[2] << "\">\n"
    << "<inertial pos=\"0 0 0.01\" mass=\"0.02\" diaginertia=\"1e-5 1e-5 1e-5\"/>\n"
    << "<joint name=\"" << instance
    << "_knob_joint\" type=\"hinge\" axis=\"0 0 1\" range=\"-0.05 1.6\" damping=\"0.02\" "
       "frictionloss=\"0.02\"/>\n"
    << "<geom class=\"visual\" type=\"cylinder\" size=\"0.022 0.002\" pos=\"0 0 0.002\" rgba=\"0.75 0.75 0.75 1\"/>\n"
    << Box("visual_collision", 0.018, 0.005, 0.011, 0, 0, 0.013, 0, "0.1 0.1 0.1 1")
    << Box("visual", 0.004, 0.0052, 0.004, 0.014, 0, 0.02, 0, "0.9 0.9 0.9 1")  // pointer
    << HandleSite(instance + "_knob_handle", 0.018, 0, 0, 0.013, 0)
    << "</body>\n";
  return g + k.str();
}

// A wine rack: a wooden crate one bottle wide; a bottle stands on its floor
// inside a low fence of rails, held upright by them.
constexpr double kRackHalf[2] = {0.05, 0.055};  // to the rails' centres
constexpr double kRackFloor = 0.02, kRackRail = 0.005;
std::string WineRackGeoms(const std::string& instance) {
  const char* wood = "0.45 0.27 0.14 1";
  const double ax = kRackHalf[0], ay = kRackHalf[1];
  std::string g = Box("visual_collision", ax + kRackRail, ay + kRackRail, kRackFloor / 2, 0, 0, kRackFloor / 2, 0, wood);
  std::ostringstream o;
  auto capsule = [&](double x0, double y0, double z0, double x1, double y1, double z1) {
    o << Capsule("visual_collision", kRackRail, x0, y0, z0, x1, y1, z1, wood);
  };
  for (double z : {0.04, 0.065}) {
    capsule(-ax, -ay, z, ax, -ay, z);
    capsule(ax, -ay, z, ax, ay, z);
    capsule(ax, ay, z, -ax, ay, z);
    capsule(-ax, ay, z, -ax, -ay, z);
  }
  for (double sx : {-1.0, 1.0}) {
    for (double sy : {-1.0, 1.0}) capsule(sx * ax, sy * ay, kRackFloor, sx * ax, sy * ay, 0.08);
    capsule(sx * ax, -ay, kRackFloor + 0.005, sx * ax, ay, 0.065);  // a diagonal brace per side
  }
  return g + o.str() +
         Site(instance + "_top_region", ax - kRackRail - 0.005, ay - kRackRail - 0.005, 0.005, 0, 0, kRackFloor - 0.005);
}

}  // namespace

std::vector<ObjectEntry> FurnitureObjects() {
  std::vector<ObjectEntry> out;
  {
    ObjectModel m;
    m.category = "wooden_cabinet";
    m.radius = std::hypot(kCabDepth / 2, kCabWidth / 2);
    m.height = kCabHeight;
    m.support_height = kCabHeight;
    m.half_extent = {kCabDepth / 2, kCabWidth / 2, kCabHeight / 2};
    MakeDrawerCabinet(&m, -0.17);
    out.push_back({m, CabinetGeoms});
  }
  {
    ObjectModel m;
    m.category = "flat_stove";
    m.fixture = true;
    m.radius = std::hypot(kStoveHalf[0], kStoveHalf[1]);
    m.height = 2 * kStoveHalf[2];
    m.support_height = m.height;
    m.half_extent = {kStoveHalf[0], kStoveHalf[1], kStoveHalf[2]};
    m.regions = {{"cook_region", "knob_joint"}};
    Articulation a;
    a.on_at_least = 0.5;
    a.off_below = 0.0;
    a.off_value = -0.02;
    a.on_value = 0.8;
    m.articulation = a;
    out.push_back({m, StoveGeoms});
  }
  {
    ObjectModel m;
    m.category = "wine_rack";
    m.fixture = true;
    m.radius = std::hypot(kRackHalf[0], kRackHalf[1]) + kRackRail;
    m.height = 0.08 + kRackRail;
    m.support_height = kRackFloor;
    m.half_extent = {kRackHalf[0] + kRackRail, kRackHalf[1] + kRackRail, m.height / 2};
    m.regions = {{"top_region", ""}};
    out.push_back({m, WineRackGeoms});
  }
  return out;
}

}  // namespace gauntlet::envs::tabletop
