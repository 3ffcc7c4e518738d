#include <cmath>
#include <algorithm>
#include <map>
#include <sstream>

#include "envs/tabletop/object_geometry.h"

namespace gauntlet::envs::tabletop {

namespace {
// ---- LIBERO-Object: groceries and a basket ----
//
// Sizes follow the real packages (a soup can is 6.6 cm across); every item's
// narrow side is at most 6.6 cm, so the gripper (8 cm open) closes across it.
// Friction is the default 1.0 (the fingers' 1.5): MuJoCo takes the larger
// coefficient of a contact pair, so a lower, more realistic value for
// cardboard or tin would change no contact with the floor, the basket or the
// fingers.

// A solid box of half sizes (hx, hy, hz) standing on the origin.
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
// The palm is 4.8 cm above the point a top-down hand grasps at.
constexpr double kPalmAboveGrasp = 0.048 + 0.008;
constexpr double kNeckClearOfPalm = 0.05;

// A slim bottle of wine (6.6 cm across, so the open gripper closes on it).
const RoundItem kWineBottle{0.033, 0.15, 0.013, 0.08, 0.4, "0.08 0.25 0.1 1", "0.93 0.9 0.8 1", 0.04, 0.1,
                            "0.45 0.05 0.08 1"};
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
    o << Capsule("visual_collision", kBasketRail, x0, y0, z0, x1, y1, z1, wicker);
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

}  // namespace

std::vector<ObjectEntry> GroceryObjects() {
  std::vector<ObjectEntry> out;
  for (const auto& [category, item] : std::map<std::string, const RoundItem*>{
           {"alphabet_soup", &kAlphabetSoup},
           {"tomato_sauce", &kTomatoSauce},
           {"ketchup", &kKetchup},
           {"bbq_sauce", &kBbqSauce},
           {"salad_dressing", &kSaladDressing},
           {"wine_bottle", &kWineBottle}}) {
    ObjectModel m;
    m.category = category;
    m.radius = item->radius;
    m.height = item->height();
    m.support_height = m.height;
    m.half_extent = {item->radius, item->radius, m.height / 2};
    // Bottles by the body, a little below the shoulder; one whose neck
    // would reach the palm (5 cm above the grasp point) by the neck.
    if (item->neck_height > 0) {
      m.grasp_height = item->body_height - 0.03;
      if (item->neck_height > kNeckClearOfPalm) m.grasp_height = item->height() - kPalmAboveGrasp;
    }
    const RoundItem it = *item;
    out.push_back({m, [it](const std::string&) { return RoundItemGeoms(it); }});
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
    out.push_back({m, [it](const std::string&) { return BoxItemGeoms(it); }});
  }
  {
    ObjectModel m;
    m.category = "basket";
    m.radius = std::hypot(kBasketHalf[0], kBasketHalf[1]) + kBasketRail;
    m.height = kBasketRim + kBasketRail;
    m.support_height = kBasketFloor;
    m.half_extent = {kBasketHalf[0] + kBasketRail, kBasketHalf[1] + kBasketRail, m.height / 2};
    m.regions = {{"contain_region", ""}};
    out.push_back({m, BasketGeoms});
  }
  return out;
}

}  // namespace gauntlet::envs::tabletop
