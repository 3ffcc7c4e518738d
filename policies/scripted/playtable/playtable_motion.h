// The play table's relative end-effector interface as the scripted expert
// sees it (CALVIN's: 0.02 m and 0.05 rad per unit, euler xyz deltas added to
// a stored target pose, gripper +1 open / -1 close), and the dimensions of
// the hand the expert plans around. Scene D's fixed heights are in
// desk_view.h.
#pragma once

#include "policies/scripted/motion_primitives.h"

namespace gauntlet::policies::scripted::playtable {

inline constexpr double kPi = 3.14159265358979323846;

constexpr MotionConvention PlaytableMotion() {
  MotionConvention c;
  c.metres_per_unit = 0.02;   // CALVIN's max_rel_pos
  c.radians_per_unit = 0.05;  // max_rel_orn (euler components)
  c.gripper_open = 1.0;
  c.gripper_close = -1.0;
  c.via_tolerance = 0.004;
  c.heading_tolerance = 0.03;
  c.transit_tolerance = 0.01;
  c.finger_travel_steps = 8;  // the fingers open or close fully within 8 control steps
  return c;
}
inline constexpr MotionConvention kPlaytableMotion = PlaytableMotion();

// The hand, from the tool centre point (TCP) between the fingertips.
inline constexpr double kTipBelowTcp = 0.008;    // fingertips beyond the TCP along the tool axis
inline constexpr double kFingerLength = 0.088;   // fingers from their tips back toward the palm
inline constexpr double kFingerHalfWidth = 0.011;   // a finger across the closing direction
inline constexpr double kFingerThickness = 0.012;   // a finger along the closing direction
inline constexpr double kOpenHalfGap = 0.04;     // an open finger's inner face from the TCP
// Opening (sum of both fingers' travel) below which the hand is closed: an
// empty hand closes its fingers past each other (about -0.038 m), a held
// block reads its 0.04 m width.
inline constexpr double kClosedBelow = 0.07;
// Opening above which closed fingers hold something (the narrowest thing the
// expert takes is the drawer's 15 mm handle bar).
inline constexpr double kHoldsAbove = 0.005;

}  // namespace gauntlet::policies::scripted::playtable
