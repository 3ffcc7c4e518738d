// The object library: for every category a task file may name, how to build
// it in MJCF and the facts the scene builder, predicates and experts need.
// Every body's origin is at the centre of its footprint on the surface it
// rests on, so "resting at height h" means origin z = h.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gauntlet::envs::tabletop {

// Thresholds of LIBERO's articulated objects (benchmarks.md §1.3), in joint units.
struct Articulation {
  std::optional<double> open_below, open_above;    // Open holds when q < open_below or q > open_above
  std::optional<double> closed_above, closed_below;
  std::optional<double> on_at_least, off_below;    // TurnOn: q >= on_at_least; TurnOff: q < off_below
  double closed_value = 0, open_value = 0, off_value = 0, on_value = 0;  // where init puts the joint
};

struct RegionSite {
  std::string suffix;                 // e.g. "top_region": the site is "<instance>_<suffix>"
  std::string joint_suffix;           // joint that moves the region ("" if none): "<instance>_<joint_suffix>"
  bool enclosed = false;              // under a roof, entered from the fixture's front (local +x)
};

struct ObjectModel {
  std::string category;
  bool fixture = false;                // welded to the table (no free joint)
  double radius = 0;                   // horizontal bounding radius, metres
  double height = 0;                   // bounding height above the origin, metres
  double support_height = 0;           // where an object put "on" it rests, metres above origin
  std::vector<RegionSite> regions;     // named sites this category provides
  std::optional<Articulation> articulation;
  // Grasp facts for scripted experts: a rim grasp straddles a wall at this
  // radius (bowls); otherwise grasp across the body.
  double rim_radius = 0;
  // Height above the origin to grasp at, metres (0: a little below the top).
  // Bottles and cartons are held by the body, below the neck or gable.
  double grasp_height = 0;
  std::array<double, 3> half_extent{};  // axis-aligned bounds in the body frame
};

// Known categories; nullptr for an unknown one.
const ObjectModel* FindObjectModel(const std::string& category);
std::vector<std::string> KnownCategories();

// The <body> element for one instance at world position `pos` rotated by
// `yaw` about z. Free objects get a freejoint named "<instance>_joint".
std::string ObjectBodyMjcf(const ObjectModel& model, const std::string& instance,
                           const std::array<double, 3>& pos, double yaw);

}  // namespace gauntlet::envs::tabletop
