// The tabletop family's end-effector interface as the motion primitives see
// it (eef_delta: 0.05 m and 0.5 rad per unit, gripper -1 open / +1 close),
// and the heights its skills approach from.
#pragma once

#include "policies/scripted/motion_primitives.h"

namespace gauntlet::policies::scripted::tabletop {

constexpr MotionConvention TabletopMotion() {
  MotionConvention c;
  c.metres_per_unit = 0.05;
  c.radians_per_unit = 0.5;
  c.gripper_open = -1.0;
  c.gripper_close = 1.0;
  c.via_tolerance = 0.012;
  c.heading_tolerance = 0.06;
  c.transit_tolerance = 0.02;
  c.finger_travel_steps = 8;  // the Panda's fingers travel their full range in 8 control steps
  return c;
}
inline constexpr MotionConvention kTabletopMotion = TabletopMotion();

inline constexpr double kApproachHeight = 0.08;  // TCP above a grasp or a handle before descending

}  // namespace gauntlet::policies::scripted::tabletop
