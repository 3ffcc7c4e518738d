// Orientations of the hand as the play table's interface states them:
// extrinsic x-y-z euler angles (roll a, pitch b, yaw c; R = Rz(c) Ry(b) Rx(a)),
// the form the stored target accumulates. Every orientation the expert asks
// for keeps |b| well below pi/2: a target with |b| > pi/2 is the same
// rotation as (a + pi, pi - b, c + pi) but adds later pitch deltas the other
// way round, and the next subtask's expert reads the measured pose (|b| <=
// pi/2) as its start.
//
// The hand's frame: z is the tool axis (from the palm to the fingertips), the
// fingers close along y. Pointing down with yaw c = pi/2 (the start pose),
// the fingers close along world x.
#pragma once

#include <array>

#include "policies/scripted/motion_primitives.h"

namespace gauntlet::policies::scripted::playtable {

using Euler = std::array<double, 3>;  // roll, pitch, yaw (rad), extrinsic x-y-z
using Mat3 = std::array<double, 9>;   // row-major

Mat3 EulerToMatrix(const Euler& e);
// Pitch in [-pi/2, pi/2].
Euler MatrixToEuler(const Mat3& r);
Mat3 Multiply(const Mat3& a, const Mat3& b);
Mat3 RotationX(double angle);
Mat3 RotationZ(double angle);
Vec3 Apply(const Mat3& r, const Vec3& v);
Euler QuatToEuler(const Quat& q);
Mat3 QuatToMatrix(const Quat& q);

// Wraps to (-pi, pi].
double WrapAngle(double a);
// `goal` with its roll and yaw moved by whole turns to lie within pi of
// `reference`'s: the same rotation, reached from `reference` by the shortest
// componentwise change.
Euler NearestEuler(const Euler& goal, const Euler& reference);

// Pointing straight down, the fingers closing across heading `yaw` + pi/2
// (at yaw pi/2 they close along world x).
Euler HandDown(double yaw);
// Rotation by `angle` about the unit axis `u`.
Mat3 RotationAbout(const Vec3& u, double angle);
// HandDown(yaw), then leaned by `lean` about the closing axis so that the
// fingertips go ahead of the palm toward +y (into the cabinet) for lean > 0;
// the fingers still close level. At yaw pi/2 that is a lean about world x.
Euler HandLeaned(double yaw, double lean);
// The tool axis (palm to fingertips) and the closing direction, world frame.
Vec3 ToolAxis(const Euler& e);
Vec3 ClosingAxis(const Euler& e);

}  // namespace gauntlet::policies::scripted::playtable
