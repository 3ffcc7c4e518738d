// Where a picked object may go: its put-down spot when objects share a
// region, the height its carry path must keep (the palm and handle fins
// included, not only the object), the way out from under a handle fin, and a
// clear spot for a neighbour that stands where the palm must go.
#pragma once

#include <array>
#include <optional>
#include <string>

#include "harness/observation.h"
#include "policies/scripted/motion_primitives.h"

namespace gauntlet::policies::scripted::tabletop {

struct GraspPose {
  Vec3 tcp{};       // tool centre point at grasp
  double yaw = 0;   // hand yaw (rad)
};

// One object carried from where it stands to a target.
struct CarryPlan {
  std::string object;                 // what is moved
  Vec3 target{};                      // where its origin should end (x, y, resting z)
  double rim_z = 0;                   // top of the container it goes into (0: none)
  GraspPose grasp;
  std::array<double, 2> start_xy{};   // its origin when the grasp was planned
  double start_z = 0;
  std::optional<PrivilegedState::Site> container;  // fixture region it started in (a drawer)
};

// Where in region `site` (named `region`) to put `object` down: the goal's
// objects going into the same region get a slot each, in goal order.
std::array<double, 2> PutDownSpot(const PrivilegedState& s, const PrivilegedState::Site& site,
                                  const std::string& region, const std::string& object);

// Lowest height for the carried object's origin clearing everything along
// the straight path from (x, y) to the target: the object's footprint, the
// palm's and the handle fins', and the walls of the container it left.
double PathClearanceZ(const PrivilegedState& s, const CarryPlan& carry, double x, double y);

// Direction to slide `obj` out from under a handle fin just above it, if any.
std::optional<std::array<double, 2>> FinOverhead(const PrivilegedState& s, const PrivilegedState::Body& obj);

// A free spot on the surface for `blocker`, within reach, clear of
// everything and away from `keep_clear_of`.
std::optional<std::array<double, 2>> ClearSpot(const PrivilegedState& s, const std::string& blocker,
                                               const std::string& keep_clear_of);

}  // namespace gauntlet::policies::scripted::tabletop
