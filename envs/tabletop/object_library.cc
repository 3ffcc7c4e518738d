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
// collide as octagonal prisms (Octagon below) and look round through
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

// A regular octagonal prism from z0 to z0 + 2 hz, as the union of four
// rectangles each joining two opposite flats, for round objects' collision.
constexpr double kOctagonApothem = 0.96;  // of the visual radius: the flats sit just inside it
std::string Octagon(double apothem, double hz, double z0) {
  std::string g;
  for (int k = 0; k < 4; ++k) {
    g += Box("collision", apothem, apothem * std::tan(kPi / 8), hz, 0, 0, z0 + hz, k * kPi / 4, "0 0 0 0");
  }
  return g;
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
         Octagon(kOctagonApothem * kPlateRadius, (kPlateHeight - kFootLift) / 2, kFootLift) +
         Cylinder(kPlateRadius, kPlateHeight / 2, kPlateHeight / 2, "0.93 0.93 0.9 1") +
         Cylinder(0.045, 0.0005, kPlateHeight + 0.0003, "0.82 0.82 0.8 1");
}

constexpr double kRamekinRadius = 0.038, kRamekinHeight = 0.036;
std::string RamekinGeoms(const std::string&) {
  return Inertial(0.15, 0.015, 8e-5) + Feet(0.022, 0.022) +
         Octagon(kOctagonApothem * kRamekinRadius, (kRamekinHeight - kFootLift) / 2, kFootLift) +
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

// ---- LIBERO-Object: groceries and a basket ----
//
// Sizes follow the real packages (a soup can is 6.6 cm across); every item's
// narrow side is at most 6.6 cm, so the gripper (8 cm open) closes across it.
// Friction is the default 1.0 (the fingers' 1.5): MuJoCo takes the larger
// coefficient of a contact pair, so a lower, more realistic value for
// cardboard or tin would change no contact with the floor, the basket or the
// fingers.

// A solid box of half sizes (hx, hy, hz) standing on the origin.
std::string BoxInertial(double mass, double hx, double hy, double hz) {
  std::ostringstream o;
  o << "<inertial pos=\"0 0 " << hz << "\" mass=\"" << mass << "\" diaginertia=\""
    << mass * (hy * hy + hz * hz) / 3 << " " << mass * (hx * hx + hz * hz) / 3 << " "
    << mass * (hx * hx + hy * hy) / 3 << "\"/>\n";
  return o.str();
}

// A round item: a can (no neck) or a bottle (a narrower neck and a cap). It
// collides as an octagon on capsule feet and looks round; the label is a band
// of the body in another colour.
struct RoundItem {
  double radius, body_height;
  double neck_radius, neck_height;  // 0 for a can
  double mass;
  const char* body_rgba;
  const char* label_rgba;
  double label_lo, label_hi;        // label band, metres above the origin
  const char* cap_rgba;             // a can's lid, a bottle's cap
  double height() const { return body_height + neck_height; }
};
std::string RoundItemGeoms(const RoundItem& it) {
  const double a = kOctagonApothem * it.radius;
  std::string g = BoxInertial(it.mass, 0.8 * it.radius, 0.8 * it.radius, it.height() / 2) +
                  Feet(0.7 * a, 0.7 * a) +
                  Octagon(a, (it.body_height - kFootLift) / 2, kFootLift) +
                  Cylinder(it.radius, it.body_height / 2, it.body_height / 2, it.body_rgba) +
                  Cylinder(it.radius + 0.0005, (it.label_hi - it.label_lo) / 2,
                           (it.label_hi + it.label_lo) / 2, it.label_rgba);
  if (it.neck_height > 0) {
    const double cap = std::min(0.018, it.neck_height / 2);
    g += Octagon(kOctagonApothem * it.neck_radius, it.neck_height / 2, it.body_height) +
         Cylinder(it.neck_radius, (it.neck_height - cap) / 2, it.body_height + (it.neck_height - cap) / 2,
                  it.body_rgba) +
         Cylinder(it.neck_radius + 0.0005, cap / 2, it.height() - cap / 2, it.cap_rgba);
  } else {
    g += Cylinder(it.radius - 0.003, 0.0006, it.body_height, it.cap_rgba);  // lid
  }
  return g;
}

// A box-shaped package lying on its largest face (cream cheese, butter,
// pudding mix) or standing (cartons, which add a visual gable top). It
// collides as a box on capsule feet; the label wraps its middle.
struct BoxItem {
  double hx, hy, hz;      // the box's half sizes, metres (hx >= hy)
  double gable_height;    // > 0: a carton's gable roof above the box (visual)
  double mass;
  const char* body_rgba;
  const char* label_rgba;
  double height() const { return 2 * hz + gable_height; }
};

std::string BoxItemGeoms(const BoxItem& it) {
  std::string g = BoxInertial(it.mass, it.hx, it.hy, it.hz) + Feet(it.hx - 0.004, it.hy - 0.004) +
                  Box("collision", it.hx, it.hy, it.hz - kFootLift / 2, 0, 0, it.hz + kFootLift / 2, 0, nullptr) +
                  Box("visual", it.hx, it.hy, it.hz, 0, 0, it.hz, 0, it.body_rgba) +
                  Box("visual", it.hx * 0.7, it.hy + 0.0005, it.hz * 0.6, 0, 0, it.hz, 0, it.label_rgba) +
                  Box("visual", it.hx + 0.0005, it.hy * 0.7, it.hz * 0.6, 0, 0, it.hz, 0, it.label_rgba);
  if (it.gable_height > 0) {
    // A square prism turned 45 degrees about the body x axis: its upper half
    // is the roof, its lower half hides inside the box; a fin on the ridge.
    const double s = it.gable_height / std::sqrt(2.0);
    std::ostringstream o;
    o << "<geom class=\"visual\" type=\"box\" size=\"" << it.hx << " " << s << " " << s << "\" pos=\"0 0 "
      << 2 * it.hz << "\" euler=\"" << kPi / 4 << " 0 0\" rgba=\"" << it.body_rgba << "\"/>\n";
    g += o.str();
    g += Box("visual", it.hx, 0.0015, 0.006, 0, 0, it.height(), 0, it.body_rgba);
  }
  return g;
}

// Sizes (m), masses (kg) and colours of the ten groceries.
const RoundItem kAlphabetSoup{0.033, 0.10, 0, 0, 0.35, "0.8 0.1 0.1 1", "0.95 0.93 0.88 1", 0.01, 0.055,
                              "0.75 0.75 0.78 1"};
const RoundItem kTomatoSauce{0.033, 0.08, 0, 0, 0.25, "0.85 0.45 0.1 1", "0.2 0.5 0.15 1", 0.015, 0.065,
                             "0.75 0.75 0.78 1"};
const RoundItem kKetchup{0.03, 0.12, 0.014, 0.035, 0.35, "0.75 0.05 0.05 1", "0.95 0.95 0.95 1", 0.04, 0.09,
                         "0.95 0.95 0.95 1"};
const RoundItem kBbqSauce{0.031, 0.10, 0.015, 0.035, 0.35, "0.3 0.12 0.06 1", "0.9 0.65 0.15 1", 0.03, 0.075,
                          "0.1 0.1 0.1 1"};
const RoundItem kSaladDressing{0.029, 0.11, 0.012, 0.045, 0.3, "0.93 0.88 0.7 1", "0.5 0.2 0.55 1", 0.035,
                               0.08, "0.45 0.15 0.5 1"};
const BoxItem kCreamCheese{0.05, 0.03, 0.018, 0, 0.23, "0.6 0.75 0.9 1", "0.85 0.87 0.9 1"};
const BoxItem kButter{0.055, 0.03, 0.022, 0, 0.25, "0.98 0.88 0.35 1", "0.95 0.95 0.9 1"};
const BoxItem kChocolatePudding{0.045, 0.028, 0.02, 0, 0.12, "0.4 0.22 0.1 1", "0.85 0.7 0.45 1"};
const BoxItem kMilk{0.031, 0.031, 0.05, 0.03, 0.25, "0.96 0.96 0.96 1", "0.2 0.4 0.85 1"};
const BoxItem kOrangeJuice{0.031, 0.031, 0.065, 0.03, 0.3, "1 0.55 0.05 1", "0.3 0.6 0.2 1"};

// A wicker basket, open at the top: a floor slab on feet, walls of horizontal
// rails (capsules) and corner posts. Capsule walls keep items leaning on them
// away from MuJoCo 2.2.2's box-box test (see Feet()). Its contain region is
// the inside, from the floor slab up to the rim.
constexpr double kBasketHalf[2] = {0.11, 0.08};    // outer footprint, to the rails' centres
constexpr double kBasketRim = 0.075;               // height of the top rail's centre
constexpr double kBasketRail = 0.005;              // rail radius
constexpr double kBasketSlab = 0.008;              // floor slab thickness
constexpr double kBasketFloor = kFootLift + kBasketSlab;  // inside floor above the origin
std::string BasketGeoms(const std::string& instance) {
  const char* wicker = "0.7 0.52 0.3 1";
  const double ax = kBasketHalf[0], ay = kBasketHalf[1];
  std::string g = BoxInertial(0.4, ax, ay, 0.02) + Feet(ax - 0.02, ay - 0.02) +
                  Box("visual_collision", ax - 0.006, ay - 0.006, kBasketSlab / 2, 0, 0,
                      kFootLift + kBasketSlab / 2, 0, "0.62 0.45 0.26 1");
  std::ostringstream o;
  auto capsule = [&](double x0, double y0, double z0, double x1, double y1, double z1) {
    o << "<geom class=\"visual_collision\" type=\"capsule\" size=\"" << kBasketRail << "\" fromto=\""
      << x0 << " " << y0 << " " << z0 << " " << x1 << " " << y1 << " " << z1 << "\" rgba=\"" << wicker
      << "\"/>\n";
  };
  for (double z : {0.018, 0.037, 0.056, kBasketRim}) {
    capsule(-ax, -ay, z, ax, -ay, z);
    capsule(ax, -ay, z, ax, ay, z);
    capsule(ax, ay, z, -ax, ay, z);
    capsule(-ax, ay, z, -ax, -ay, z);
  }
  for (double sx : {-1.0, 1.0}) {
    for (double sy : {-1.0, 1.0}) capsule(sx * ax, sy * ay, 0.012, sx * ax, sy * ay, kBasketRim);
  }
  const double inner_x = ax - kBasketRail, inner_y = ay - kBasketRail;
  const double half_z = (kBasketRim - kBasketFloor) / 2;
  return g + o.str() + Site(instance + "_contain_region", inner_x, inner_y, half_z, 0, 0, kBasketFloor + half_z);
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
    for (const auto& [category, item] : std::map<std::string, const RoundItem*>{
             {"alphabet_soup", &kAlphabetSoup},
             {"tomato_sauce", &kTomatoSauce},
             {"ketchup", &kKetchup},
             {"bbq_sauce", &kBbqSauce},
             {"salad_dressing", &kSaladDressing}}) {
      ObjectModel m;
      m.category = category;
      m.radius = item->radius;
      m.height = item->height();
      m.support_height = m.height;
      m.half_extent = {item->radius, item->radius, m.height / 2};
      // Bottles by the body, a little below the shoulder.
      if (item->neck_height > 0) m.grasp_height = item->body_height - 0.03;
      const RoundItem it = *item;
      (*lib)[m.category] = {m, [it](const std::string&) { return RoundItemGeoms(it); }};
    }
    for (const auto& [category, item] : std::map<std::string, const BoxItem*>{
             {"cream_cheese", &kCreamCheese},
             {"butter", &kButter},
             {"chocolate_pudding", &kChocolatePudding},
             {"milk", &kMilk},
             {"orange_juice", &kOrangeJuice}}) {
      ObjectModel m;
      m.category = category;
      m.radius = std::hypot(item->hx, item->hy);
      m.height = item->height();
      m.support_height = 2 * item->hz;
      m.half_extent = {item->hx, item->hy, m.height / 2};
      // Cartons by the box, below the gable.
      if (item->gable_height > 0) m.grasp_height = 2 * item->hz - 0.025;
      const BoxItem it = *item;
      (*lib)[m.category] = {m, [it](const std::string&) { return BoxItemGeoms(it); }};
    }
    {
      ObjectModel m;
      m.category = "basket";
      m.radius = std::hypot(kBasketHalf[0], kBasketHalf[1]) + kBasketRail;
      m.height = kBasketRim + kBasketRail;
      m.support_height = kBasketFloor;
      m.half_extent = {kBasketHalf[0] + kBasketRail, kBasketHalf[1] + kBasketRail, m.height / 2};
      m.regions = {{"contain_region", ""}};
      (*lib)[m.category] = {m, BasketGeoms};
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
