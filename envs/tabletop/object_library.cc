#include "envs/tabletop/object_library.h"

#include <cmath>
#include <functional>
#include <sstream>

namespace gauntlet::envs::tabletop {

namespace {

constexpr double kPi = 3.14159265358979323846;

// Collision geoms are boxes wherever an object rests on or is held by another:
// MuJoCo's box-box test returns a full contact patch, while cylinders fall back
// to a single general-convex contact point and rock. Round objects therefore
// collide as octagons (two boxes at 0 and 45 degrees) and look round through
// visual-only cylinders.
std::string Box(const char* cls, double hx, double hy, double hz, double x, double y, double z,
                double yaw, const char* rgba) {
  std::ostringstream o;
  o << "<geom class=\"" << cls << "\" type=\"box\" size=\"" << hx << " " << hy << " " << hz
    << "\" pos=\"" << x << " " << y << " " << z << "\" euler=\"0 0 " << yaw << "\"";
  if (rgba) o << " rgba=\"" << rgba << "\"";
  o << "/>\n";
  return o.str();
}

std::string Cylinder(double r, double hz, double z, const char* rgba) {
  std::ostringstream o;
  o << "<geom class=\"visual\" type=\"cylinder\" size=\"" << r << " " << hz << "\" pos=\"0 0 "
    << z << "\" rgba=\"" << rgba << "\"/>\n";
  return o.str();
}

// An octagonal prism from z0 to z0 + 2 hz.
std::string Octagon(double apothem, double hz, double z0, const char* rgba) {
  return Box("collision", apothem, apothem, hz, 0, 0, z0 + hz, 0, rgba) +
         Box("collision", apothem, apothem, hz, 0, 0, z0 + hz, kPi / 4, rgba);
}

// Free objects stand on four thin capsules along the edges of their
// footprint. MuJoCo 2.2.2's box-box test now and then reports a bogus contact
// ~0.7 m deep between two upright boxes (an object's flat bottom on the table,
// the stove or another object), which launches a resting object; capsule-box
// and capsule-plane contacts are analytic and stay well behaved. Everything
// else of the object's collision shape starts kFootLift above its origin.
constexpr double kFootRadius = 0.0025, kFootLift = 0.002;
std::string Feet(double ax, double ay) {
  std::ostringstream o;
  const double z = kFootRadius;
  const double ends[4][4] = {{-ax, -ay, ax, -ay}, {ax, -ay, ax, ay}, {ax, ay, -ax, ay}, {-ax, ay, -ax, -ay}};
  for (const auto& e : ends) {
    o << "<geom class=\"collision\" type=\"capsule\" size=\"" << kFootRadius << "\" fromto=\"" << e[0]
      << " " << e[1] << " " << z << " " << e[2] << " " << e[3] << " " << z << "\"/>\n";
  }
  return o.str();
}

std::string Site(const std::string& name, double hx, double hy, double hz, double x, double y,
                 double z) {
  std::ostringstream o;
  o << "<site name=\"" << name << "\" type=\"box\" size=\"" << hx << " " << hy << " " << hz
    << "\" pos=\"" << x << " " << y << " " << z << "\" rgba=\"0 1 0 0.3\" group=\"5\"/>\n";
  return o.str();
}

std::string Inertial(double mass, double z, double i) {
  std::ostringstream o;
  o << "<inertial pos=\"0 0 " << z << "\" mass=\"" << mass << "\" diaginertia=\"" << i << " "
    << i << " " << i << "\"/>\n";
  return o.str();
}

// ---- geometry of each category (metres) ----

// A bowl: a flat base inside a ring of twelve wall boxes, open at the top.
// The walls stop kBowlWallLift above the underside of the base, the way a real
// bowl stands on its foot: an upright bowl then touches its support through the
// base only. Walls flush with the support made MuJoCo 2.2.2's box-box test
// report bogus contacts ~0.7 m deep between a wall and a large box (table,
// stove, cabinet top) now and then, which shot resting bowls into the air.
constexpr double kBowlWallRadius = 0.045, kBowlWallHalfThickness = 0.003, kBowlHeight = 0.045;
constexpr double kBowlWallLift = 0.003;
std::string BowlGeoms(const std::string&) {
  std::string g = Inertial(0.12, 0.015, 1.2e-4);
  g += Box("visual_collision", 0.034, 0.034, 0.002, 0, 0, kFootLift + 0.002, 0, nullptr);
  g += Feet(0.026, 0.026);
  const double wall_half_height = (kBowlHeight - kBowlWallLift) / 2;
  for (int k = 0; k < 12; ++k) {
    double a = k * kPi / 6;
    g += Box("visual_collision", kBowlWallHalfThickness, 0.0125, wall_half_height,
             kBowlWallRadius * std::cos(a), kBowlWallRadius * std::sin(a),
             kBowlWallLift + wall_half_height, a, nullptr);
  }
  g += Cylinder(0.04, 0.0032, 0.0032, "0.06 0.06 0.07 1");
  return g;
}

constexpr double kPlateRadius = 0.06, kPlateHeight = 0.012;
std::string PlateGeoms(const std::string&) {
  return Inertial(0.2, 0.006, 2e-4) + Feet(0.04, 0.04) +
         Octagon(0.05, (kPlateHeight - kFootLift) / 2, kFootLift, "0 0 0 0") +
         Cylinder(kPlateRadius, kPlateHeight / 2, kPlateHeight / 2, "0.93 0.93 0.9 1") +
         Cylinder(0.045, 0.0005, kPlateHeight + 0.0003, "0.82 0.82 0.8 1");
}

constexpr double kRamekinRadius = 0.038, kRamekinHeight = 0.036;
std::string RamekinGeoms(const std::string&) {
  return Inertial(0.15, 0.015, 8e-5) + Feet(0.022, 0.022) +
         Octagon(0.028, (kRamekinHeight - kFootLift) / 2, kFootLift, "0 0 0 0") +
         Cylinder(kRamekinRadius, kRamekinHeight / 2, kRamekinHeight / 2, "0.95 0.92 0.82 1") +
         Cylinder(0.04, 0.003, kRamekinHeight - 0.003, "0.45 0.3 0.2 1");
}

constexpr double kCookiesHalf[3] = {0.03, 0.055, 0.025};
std::string CookiesGeoms(const std::string&) {
  return Inertial(0.1, kCookiesHalf[2], 1e-4) + Feet(kCookiesHalf[0] - 0.004, kCookiesHalf[1] - 0.004) +
         Box("collision", kCookiesHalf[0], kCookiesHalf[1], kCookiesHalf[2] - kFootLift / 2, 0, 0,
             kCookiesHalf[2] + kFootLift / 2, 0, nullptr) +
         Box("visual", kCookiesHalf[0], kCookiesHalf[1], kCookiesHalf[2], 0, 0, kCookiesHalf[2], 0,
             "0.85 0.2 0.15 1") +
         Box("visual", kCookiesHalf[0] + 0.0005, 0.03, 0.015, 0, 0, kCookiesHalf[2], 0,
             "0.95 0.8 0.3 1");
}

// A wooden cabinet with three drawers. Its front faces local +x; a drawer's
// slide joint runs along -x, so pulling a drawer out makes q negative
// (LIBERO: open when q < -0.14, closed when q > 0).
constexpr double kCabDepth = 0.20, kCabWidth = 0.26, kCabHeight = 0.26, kCabWall = 0.01;
constexpr double kDrawerPitch = 0.08, kDrawerBase = 0.01;
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
    const double dx = hx - kCabWall, dy = hy - kCabWall - 0.002;
    std::ostringstream b;
    b << "<body name=\"" << instance << "_" << names[i] << "_drawer\" pos=\"0.005 0 " << z0
      << "\">\n"
      << "<inertial pos=\"0 0 0.02\" mass=\"0.5\" diaginertia=\"0.003 0.003 0.003\"/>\n"
      << "<joint name=\"" << instance << "_" << names[i]
      << "_drawer_joint\" type=\"slide\" axis=\"-1 0 0\" range=\"-0.2 0.01\" damping=\"5\" "
         "armature=\"0.05\" frictionloss=\"0.5\"/>\n";
    b << Box("visual_collision", dx, dy, 0.004, 0, 0, 0.004, 0, wood);                   // floor
    b << Box("visual_collision", 0.006, hy - 0.001, kDrawerPitch / 2 - 0.003, hx - 0.001, 0,
             kDrawerPitch / 2 - 0.004, 0, "0.62 0.42 0.24 1");                           // front
    b << Box("visual_collision", 0.004, dy, dz / 2, -dx + 0.004, 0, dz / 2, 0, wood);    // back
    b << Box("visual_collision", dx, 0.004, dz / 2, 0, dy - 0.004, dz / 2, 0, wood);     // sides
    b << Box("visual_collision", dx, 0.004, dz / 2, 0, -dy + 0.004, dz / 2, 0, wood);
    b << Box("visual_collision", 0.012, 0.04, 0.006, hx + 0.017, 0, kDrawerPitch / 2 - 0.004, 0,
             "0.25 0.25 0.25 1");                                                        // handle
    b << Site(instance + "_" + names[i] + "_region", dx - 0.008, dy - 0.008, dz / 2, 0, 0,
              0.008 + dz / 2);
    b << "</body>\n";
    g += b.str();
  }
  return g;
}

// A flat two-burner stove with a knob; LIBERO: on when q >= 0.5, off when q < 0.
constexpr double kStoveHalf[3] = {0.1, 0.15, 0.015};
std::string StoveGeoms(const std::string& instance) {
  std::string g = Box("visual_collision", kStoveHalf[0], kStoveHalf[1], kStoveHalf[2], 0, 0,
                      kStoveHalf[2], 0, "0.2 0.2 0.22 1");
  g += "<geom class=\"visual\" type=\"cylinder\" size=\"0.06 0.001\" pos=\"0 0.06 0.0305\" "
       "rgba=\"0.45 0.08 0.05 1\"/>\n";
  g += "<geom class=\"visual\" type=\"cylinder\" size=\"0.045 0.001\" pos=\"0 -0.08 0.0305\" "
       "rgba=\"0.4 0.4 0.4 1\"/>\n";
  g += Site(instance + "_cook_region", 0.08, 0.08, 0.005, 0, 0.06, 2 * kStoveHalf[2] - 0.005);
  std::ostringstream k;
  k << "<body name=\"" << instance << "_knob\" pos=\"" << kStoveHalf[0] + 0.01 << " -0.11 0.015\">\n"
    << "<inertial pos=\"0 0 0\" mass=\"0.02\" diaginertia=\"1e-5 1e-5 1e-5\"/>\n"
    << "<joint name=\"" << instance
    << "_knob_joint\" type=\"hinge\" axis=\"1 0 0\" range=\"-0.05 1.6\" damping=\"0.02\" "
       "frictionloss=\"0.01\"/>\n"
    << "<geom class=\"visual_collision\" type=\"box\" size=\"0.01 0.012 0.012\" rgba=\"0.8 0.8 0.8 1\"/>\n"
    << "<geom class=\"visual_collision\" type=\"box\" size=\"0.012 0.003 0.014\" pos=\"0.008 0 0\" rgba=\"0.1 0.1 0.1 1\"/>\n"
    << "</body>\n";
  return g + k.str();
}

struct Entry {
  ObjectModel model;
  std::function<std::string(const std::string&)> geoms;
};

const std::map<std::string, Entry>& Library() {
  static const auto* library = [] {
    auto* lib = new std::map<std::string, Entry>();
    {
      ObjectModel m;
      m.category = "akita_black_bowl";
      m.radius = kBowlWallRadius + kBowlWallHalfThickness;
      m.height = kBowlHeight;
      m.support_height = 0.006;
      m.rim_radius = kBowlWallRadius;
      m.half_extent = {m.radius, m.radius, kBowlHeight / 2};
      (*lib)[m.category] = {m, BowlGeoms};
    }
    {
      ObjectModel m;
      m.category = "plate";
      m.radius = kPlateRadius;
      m.height = kPlateHeight;
      m.support_height = kPlateHeight;
      m.half_extent = {kPlateRadius, kPlateRadius, kPlateHeight / 2};
      (*lib)[m.category] = {m, PlateGeoms};
    }
    {
      ObjectModel m;
      m.category = "glazed_rim_porcelain_ramekin";
      m.radius = kRamekinRadius;
      m.height = kRamekinHeight;
      m.support_height = kRamekinHeight;
      m.half_extent = {kRamekinRadius, kRamekinRadius, kRamekinHeight / 2};
      (*lib)[m.category] = {m, RamekinGeoms};
    }
    {
      ObjectModel m;
      m.category = "cookies";
      m.radius = std::hypot(kCookiesHalf[0], kCookiesHalf[1]);
      m.height = 2 * kCookiesHalf[2];
      m.support_height = m.height;
      m.half_extent = {kCookiesHalf[0], kCookiesHalf[1], kCookiesHalf[2]};
      (*lib)[m.category] = {m, CookiesGeoms};
    }
    {
      ObjectModel m;
      m.category = "wooden_cabinet";
      m.fixture = true;
      m.radius = std::hypot(kCabDepth / 2, kCabWidth / 2);
      m.height = kCabHeight;
      m.support_height = kCabHeight;
      m.half_extent = {kCabDepth / 2, kCabWidth / 2, kCabHeight / 2};
      m.regions = {{"top_side", ""},
                   {"top_region", "top_drawer_joint"},
                   {"middle_region", "middle_drawer_joint"},
                   {"bottom_region", "bottom_drawer_joint"}};
      Articulation a;
      a.open_below = -0.14;
      a.closed_above = 0.0;
      a.closed_value = 0.005;
      a.open_value = -0.17;
      m.articulation = a;
      (*lib)[m.category] = {m, CabinetGeoms};
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
      m.articulation = a;
      (*lib)[m.category] = {m, StoveGeoms};
    }
    return lib;
  }();
  return *library;
}

}  // namespace

const ObjectModel* FindObjectModel(const std::string& category) {
  auto it = Library().find(category);
  return it == Library().end() ? nullptr : &it->second.model;
}

std::vector<std::string> KnownCategories() {
  std::vector<std::string> names;
  for (const auto& [name, entry] : Library()) names.push_back(name);
  return names;
}

std::string ObjectBodyMjcf(const ObjectModel& model, const std::string& instance,
                           const std::array<double, 3>& pos, double yaw) {
  const Entry& entry = Library().at(model.category);
  std::ostringstream o;
  o.precision(17);
  o << "<body name=\"" << instance << "\" pos=\"" << pos[0] << " " << pos[1] << " " << pos[2]
    << "\" euler=\"0 0 " << yaw << "\">\n";
  if (!model.fixture) o << "<freejoint name=\"" << instance << "_joint\"/>\n";
  o << entry.geoms(instance) << "</body>\n";
  return o.str();
}

}  // namespace gauntlet::envs::tabletop
