// MJCF building blocks shared by the object categories. Conventions every
// category follows (the scene builder, predicates and experts rely on them):
// a body's origin is the centre of its footprint on the surface it rests on;
// geoms of class "collision" collide and are hidden, "visual" only show,
// "visual_collision" do both.
//
// MuJoCo 2.2.2 rules the shapes: box-box contacts give full patches but now
// and then report a bogus contact ~0.7 m deep between two upright boxes, which
// launches a resting object; cylinders collide through a single general-convex
// point and rock. So free objects stand on capsule feet (analytic contacts),
// the rest of their collision shape starts kFootLift above the origin, and
// round bodies collide as octagonal prisms behind visual-only cylinders.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "envs/tabletop/object_library.h"

namespace gauntlet::envs::tabletop {

inline constexpr double kPi = 3.14159265358979323846;
inline constexpr double kFootRadius = 0.0025, kFootLift = 0.002;
inline constexpr double kOctagonApothem = 0.96;  // of the visual radius: the flats sit just inside it

// A category: its facts and how to write its geoms for one instance (sites
// of regions are named "<instance>_<suffix>").
struct ObjectEntry {
  ObjectModel model;
  std::function<std::string(const std::string& instance)> geoms;
};

// The categories, by family of objects (one file each).
std::vector<ObjectEntry> TablewareObjects();   // bowls, plates, ramekin, mugs, cookies
std::vector<ObjectEntry> GroceryObjects();     // LIBERO-Object's groceries, basket, wine bottle
std::vector<ObjectEntry> FurnitureObjects();   // cabinets, stove, wine rack
std::vector<ObjectEntry> HouseholdObjects();   // LIBERO-10's kitchen, living-room and study items

// LIBERO's cabinets: three drawers whose regions top/middle/bottom_region
// move with "<level>_drawer_joint", and the top; open below -0.14 m, closed
// above 0 (the drawer joints' q falls as a drawer comes out).
void MakeDrawerCabinet(ObjectModel* m, double open_value);

// A box geom of half sizes (hx, hy, hz) centred at (x, y, z), turned `yaw`
// about z; rgba nullptr keeps the class colour.
std::string Box(const char* cls, double hx, double hy, double hz, double x, double y, double z,
                double yaw, const char* rgba);
// A capsule geom from (x0, y0, z0) to (x1, y1, z1); rgba nullptr keeps the class colour.
std::string Capsule(const char* cls, double r, double x0, double y0, double z0, double x1, double y1, double z1,
                    const char* rgba);
// A visual-only upright cylinder centred on the body axis at height z.
std::string Cylinder(double r, double hz, double z, const char* rgba);
// A regular octagonal prism from z0 to z0 + 2 hz (four rectangles each
// joining two opposite flats): round objects' collision shape.
std::string Octagon(double apothem, double hz, double z0);
// Four capsules along the edges of a (2 ax) x (2 ay) footprint, on the origin.
std::string Feet(double ax, double ay);
// A region site (box), hidden in group 5.
std::string Site(const std::string& name, double hx, double hy, double hz, double x, double y, double z);
// Where a hand pinches a part that moves a joint (a drawer's tab, a dial, a
// door's fin), named "<...>_handle" on the moving body: its x axis points the
// way a pull opens the part, and its x half-size is how far the fin runs
// back from the grip point (experts keep clear of it).
std::string HandleSite(const std::string& name, double reach_back, double x, double y, double z, double yaw);
// Inertia of a body: a sphere-like one at height z, or a solid box standing on the origin.
std::string Inertial(double mass, double z, double i);
std::string BoxInertial(double mass, double hx, double hy, double hz);

}  // namespace gauntlet::envs::tabletop
