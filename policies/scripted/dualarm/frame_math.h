// Vector and quaternion arithmetic the dual-arm expert plans in (world frame,
// metres, quaternions w x y z). policies/ has no Eigen; these few operations
// are all the scripts need.
#pragma once

#include "policies/scripted/motion_primitives.h"

namespace gauntlet::policies::scripted::dualarm {

using scripted::Quat;
using scripted::Vec3;

Vec3 Add(const Vec3& a, const Vec3& b);
Vec3 Sub(const Vec3& a, const Vec3& b);
Vec3 Scale(const Vec3& a, double s);
double Dot(const Vec3& a, const Vec3& b);
Vec3 Cross(const Vec3& a, const Vec3& b);
double Norm(const Vec3& a);
double NormXY(const Vec3& a);  // horizontal length

Quat QuatMul(const Quat& a, const Quat& b);
Quat Conjugate(const Quat& q);
Quat Normalized(const Quat& q);
// Rotation by |v| radians about v (a rotation vector).
Quat FromRotationVector(const Vec3& v);
// The rotation whose columns (the frame's axes in the world) are x, y, z.
Quat FromAxes(const Vec3& x, const Vec3& y, const Vec3& z);
Vec3 Rotate(const Quat& q, const Vec3& v);
// The heading of a frame's x axis about world z (radians).
double YawOf(const Quat& q);
// `angle` moved by whole multiples of `period` to lie within period / 2 of `centre`.
double FoldAngle(double angle, double period, double centre);

}  // namespace gauntlet::policies::scripted::dualarm
