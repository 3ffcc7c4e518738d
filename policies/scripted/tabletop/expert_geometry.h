// What the tabletop expert knows of shapes: the Panda hand's dimensions,
// headings, footprints of bodies and handles, and where things fit. Pure
// functions of privileged state; the expert's behaviour is in its skills
// (pick_place_skill, articulated_joint_skill, door_skill).
#pragma once

#include <array>
#include <string>

#include "harness/observation.h"
#include "policies/scripted/motion_primitives.h"

namespace gauntlet::policies::scripted::tabletop {

inline constexpr double kPi = 3.14159265358979323846;
// The Panda hand, from the tool centre point (TCP) between the fingertips.
inline constexpr double kTipBelowTcp = 0.007;     // fingertips below the TCP
inline constexpr double kHandAboveTcp = 0.045;    // bottom of the palm above the TCP
inline constexpr double kHandHalfSpan = 0.095;    // palm half length along the finger axis
inline constexpr double kHandHalfWidth = 0.025;   // and half width across it
inline constexpr double kOpenFingerReach = 0.046; // an open finger's centre from the TCP
inline constexpr double kWristRadius = 0.045;     // the last link, round the hand's axis, from 11.5 cm up
inline constexpr const char* kWristJoint = "robot0_joint7";
inline constexpr double kWristLimit = 2.8973, kWristMargin = 0.2;  // rad
// Gripper opening below which the hand holds nothing: empty fingers close
// past each other (about -0.017 m), a held 6 mm bowl wall reads ~8 mm and a
// jolt can squeeze that to ~2 mm, which must not count as a lost grasp.
inline constexpr double kEmptyGrip = 0.0;
// Horizontal distances from the arm's base (m) between which a top-down grasp
// keeps the arm well inside its workspace.
inline constexpr double kReachNear = 0.40, kReachFar = 0.68;
inline constexpr double kHandleHalfHeight = 0.015;  // a handle fin above its grip point

// Heading of a body's x axis in the world's horizontal plane.
double Yaw(const std::array<double, 4>& q);
double WrapAngle(double a);
// Orientation of the hand pointing down with its x axis at heading `yaw`:
// every grasp and push of the tabletop expert is top-down.
Quat HandDown(double yaw);
// Horizontal distance from (x, y) to a body's footprint (0 inside).
double FootprintDistance(const PrivilegedState::Body& b, double x, double y);
double Top(const PrivilegedState::Body& b);
// (x, y) in the horizontal frame of a box site.
std::array<double, 2> SiteLocal(const PrivilegedState::Site& site, double x, double y);
// Of `yaw` and `yaw + pi` (a two-finger grasp is the same), the heading the
// last wrist joint reaches with margin, also after turning by `swing` more.
double ChooseYaw(const PrivilegedState& s, double yaw, double swing = 0);
// Horizontal distance from a body's footprint to the palm centred over
// (x, y), long along the unit finger axis (ux, uy).
double PalmDistance(const PrivilegedState::Body& b, double x, double y, double ux, double uy);
// Point p turned by `angle` about a vertical hinge (the way q grows), at height z.
Vec3 AboutHinge(const PrivilegedState::Articulation& a, const Vec3& p, double angle, double z);
// Horizontal distance from (x, y) to a handle's fin.
double HandleDistance(const PrivilegedState::Articulation& a, double x, double y);
// Where in a region to put `object` down: clear of what stands there and of
// handle fins above it, the nearer its slot the better (the centre, or the
// `slot`-th of `slots` along the region's long side when it takes several).
std::array<double, 2> FreeSpot(const PrivilegedState& s, const PrivilegedState::Site& site,
                               const std::string& object, int slot, int slots);

}  // namespace gauntlet::policies::scripted::tabletop
