// Tableware and small items of the tabletop scenes: bowls, plates, ramekin,
// cookie box.
#include <cmath>
#include <sstream>

#include "envs/tabletop/object_geometry.h"

namespace gauntlet::envs::tabletop {

namespace {

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

// A plate: a thin disc with a raised rim (a ring of wall boxes, lifted off
// the support like the bowl's). A hand takes it by the rim, one finger
// outside, one on the plate; what is put on it rests on the disc inside.
// 10 cm across: LIBERO-Spatial's regions put a bowl's centre 9 cm from the
// plate's, and a bowl (9.6 cm) must stand beside it, not on its rim.
constexpr double kPlateRadius = 0.05, kPlateHeight = 0.02, kPlateBase = 0.005;
constexpr double kPlateRimRadius = 0.0465, kPlateRimHalfThickness = 0.0025;
std::string PlateGeoms(const std::string&) {
  std::string g = Inertial(0.2, 0.006, 2e-4) + Feet(0.032, 0.032) +
                  Octagon(kOctagonApothem * kPlateRadius, (kPlateBase - kFootLift) / 2, kFootLift) +
                  Cylinder(kPlateRadius, kPlateBase / 2, kPlateBase / 2, "0.93 0.93 0.9 1") +
                  Cylinder(0.035, 0.0005, kPlateBase + 0.0003, "0.82 0.82 0.8 1");
  const double wall_half_height = (kPlateHeight - kPlateBase) / 2;
  for (int k = 0; k < 12; ++k) {
    const double a = k * kPi / 6;
    g += Box("visual_collision", kPlateRimHalfThickness, 0.0125, wall_half_height, kPlateRimRadius * std::cos(a),
             kPlateRimRadius * std::sin(a), kPlateBase + wall_half_height, a, "0.93 0.93 0.9 1");
  }
  return g;
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
}  // namespace

std::vector<ObjectEntry> TablewareObjects() {
  std::vector<ObjectEntry> out;
  {
    ObjectModel m;
    m.category = "akita_black_bowl";
    m.radius = kBowlWallRadius + kBowlWallHalfThickness;
    m.height = kBowlHeight;
    m.support_height = 0.006;
    m.rim_radius = kBowlWallRadius;
    m.half_extent = {m.radius, m.radius, kBowlHeight / 2};
    out.push_back({m, BowlGeoms});
  }
  {
    ObjectModel m;
    m.category = "plate";
    m.radius = kPlateRadius;
    m.height = kPlateHeight;
    m.support_height = kPlateBase;
    m.rim_radius = kPlateRimRadius;
    m.half_extent = {kPlateRadius, kPlateRadius, kPlateHeight / 2};
    out.push_back({m, PlateGeoms});
  }
  {
    ObjectModel m;
    m.category = "glazed_rim_porcelain_ramekin";
    m.radius = kRamekinRadius;
    m.height = kRamekinHeight;
    m.support_height = kRamekinHeight;
    m.half_extent = {kRamekinRadius, kRamekinRadius, kRamekinHeight / 2};
    out.push_back({m, RamekinGeoms});
  }
  {
    ObjectModel m;
    m.category = "cookies";
    m.radius = std::hypot(kCookiesHalf[0], kCookiesHalf[1]);
    m.height = 2 * kCookiesHalf[2];
    m.support_height = m.height;
    m.half_extent = {kCookiesHalf[0], kCookiesHalf[1], kCookiesHalf[2]};
    out.push_back({m, CookiesGeoms});
  }
  return out;
}

}  // namespace gauntlet::envs::tabletop
