// MJCF building blocks for the dual-arm family's objects and workspace.
//
// Conventions every object follows (placement, success rules and the expert
// rely on them): a body's origin is the centre of its footprint on the
// surface it rests on, so "resting on the table" means origin z = table top.
//
// MuJoCo 2.2.2 decides the shapes: cylinders collide through one general
// convex point and rock on a box, and two upright boxes now and then report a
// bogus deep contact. So a free object stands on four capsule feet (analytic
// capsule-box contacts), the rest of its collision shape starts kFootLift
// above its origin, and round parts collide as octagonal prisms (boxes)
// behind visual-only cylinders. With this, every object comes to rest within
// a few milliseconds of being put down.
#pragma once

#include <array>
#include <string>
#include <vector>

namespace gauntlet::envs::dualarm {

inline constexpr double kPi = 3.14159265358979323846;
inline constexpr double kFootRadius = 0.0025;
inline constexpr double kFootLift = 0.002;
// An octagon's flats sit at this fraction of the round part's radius, just
// inside the visual cylinder.
inline constexpr double kOctagonApothem = 0.96;

// Default classes the assembled model defines (workspace_scene.cc).
inline constexpr const char* kVisualClass = "da_visual";        // shows, never collides
inline constexpr const char* kCollisionClass = "da_collision";  // collides, hidden (group 3)
inline constexpr const char* kSolidClass = "da_solid";          // shows and collides

using Vec3 = std::array<double, 3>;
using Rgba = std::array<double, 4>;

// Significant digits of numbers in generated MJCF: enough that a pose
// written into the model equals the one written into qpos to ~1e-10 m.
inline constexpr int kMjcfDigits = 12;

// "x y z" with kMjcfDigits significant digits.
std::string Text(const Vec3& v);
std::string Text(const Rgba& v);

// One <geom>: `size` as MuJoCo reads it for `type`, `euler` in radians
// (MJCF's xyz sequence), `rgba` only when given, `extra` appended verbatim.
std::string Geom(const char* cls, const char* type, const std::vector<double>& size, const Vec3& pos,
                 const Vec3& euler = {0, 0, 0}, const Rgba* rgba = nullptr, const std::string& extra = "");

// Writes one body's geoms, giving every colliding geom the body's density
// (visual geoms weigh nothing), so a body's mass follows from its shape and
// one number.
class GeomWriter {
 public:
  explicit GeomWriter(double density) : density_(density) {}

  void Add(const char* cls, const char* type, const std::vector<double>& size, const Vec3& pos,
           const Vec3& euler = {0, 0, 0}, const Rgba* rgba = nullptr, const std::string& extra = "");
  // A round part of `radius` from z0 to z1 on the body's z axis: a visual
  // cylinder and a hidden octagonal prism whose bottom is trimmed by `lift`
  // (so feet, not the prism, touch what the body stands on).
  void Upright(double radius, double z0, double z1, double lift, const Rgba& rgba);
  // The same lying along the body's x axis, centred at `centre`, untrimmed.
  void AlongX(double radius, double half_length, const Vec3& centre, const Rgba& rgba);
  // Four capsule feet along the edges of a (2 ax) x (2 ay) footprint at the
  // origin: what a free object stands on.
  void Feet(double ax, double ay);
  // A capsule runner on the origin's plane from (x0, y) to (x1, y).
  void Runner(double x0, double x1, double y);
  void Point(const std::string& name, const Vec3& pos);
  void Raw(const std::string& mjcf) { text_ += mjcf; }

  const std::string& text() const { return text_; }

 private:
  void Capsule(double x0, double y0, double x1, double y1);  // lying on the origin's plane

  double density_;
  std::string text_;
};

// A named point the expert and the success rules read (a small sphere site,
// hidden in group 4).
std::string PointSite(const std::string& name, const Vec3& pos);

}  // namespace gauntlet::envs::dualarm
