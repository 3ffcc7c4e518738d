// TCP orientations the dual-arm expert grasps with, valid on every
// embodiment of the family. The TCP frame (embodiment_mjcf.cc, site
// <side>_tcp) is the same on all three arms: x points along the fingers
// (the approach), the fingers slide apart and close along y, z = x cross y.
// An arm reaching out along the horizontal direction `out` from its
// shoulder holds a top-down hand most easily with the fingers closing
// across `out` (y = z_world cross out): its wrist roll reaches about +-90
// degrees from there. Far points (more than ~0.45 m from the shoulder at
// table height) are reached only with the approach tilted away from the
// shoulder (tests/envs/dualarm_kinematics_test.cc reports the tilts the
// family's IK needs: up to 0.9 rad at 0.7 m).
#pragma once

#include "policies/scripted/dualarm/dualarm_view.h"

namespace gauntlet::policies::scripted::dualarm {

// Approach down, tilted `tilt` radians from vertical toward the horizontal
// heading `tilt_heading`; the fingers close along the horizontal
// (cos closing_yaw, sin closing_yaw, 0) made normal to the approach.
Quat TopDown(double closing_yaw, double tilt = 0, double tilt_heading = 0);

// Approach horizontal along (cos yaw, sin yaw, 0), the fingers closing
// horizontally, TCP z up (the home pose's hand turned about z_world).
Quat Horizontal(double approach_yaw);

// Approach along the heading `approach_yaw`, pitched `pitch_down` radians
// below horizontal (0: horizontal, pi / 2: straight down), the fingers
// closing horizontally across the heading.
Quat Angled(double approach_yaw, double pitch_down);

// The heading from `hand`'s shoulder to `point`.
double ReachHeading(Hand hand, const Vec3& point);
// The tilt a top-down grasp at `point` needs on the farthest-reaching
// embodiment's arm (0 near the shoulder, up to 1 rad far from it).
double ReachTilt(Hand hand, const Vec3& point);

// A top-down hand for `hand` at `point`, the fingers closing along `yaw`
// taken modulo `period` (pi: any parallel pair of faces; pi / 2: a square
// box) nearest the natural closing direction; tilted as ReachTilt says.
Quat ReachingTopDown(Hand hand, const Vec3& point, double yaw, double period);

}  // namespace gauntlet::policies::scripted::dualarm
