#include "envs/dualarm/primitive_geoms.h"

#include <cmath>
#include <cstring>
#include <sstream>

namespace gauntlet::envs::dualarm {

std::string Text(const Vec3& v) {
  std::ostringstream o;
  o.precision(kMjcfDigits);
  o << v[0] << " " << v[1] << " " << v[2];
  return o.str();
}

std::string Text(const Rgba& v) {
  std::ostringstream o;
  o.precision(kMjcfDigits);
  o << v[0] << " " << v[1] << " " << v[2] << " " << v[3];
  return o.str();
}

std::string Geom(const char* cls, const char* type, const std::vector<double>& size, const Vec3& pos,
                 const Vec3& euler, const Rgba* rgba, const std::string& extra) {
  std::ostringstream o;
  o.precision(kMjcfDigits);
  o << "<geom class=\"" << cls << "\" type=\"" << type << "\" size=\"";
  for (std::size_t i = 0; i < size.size(); ++i) o << (i ? " " : "") << size[i];
  o << "\" pos=\"" << Text(pos) << "\"";
  if (euler[0] != 0 || euler[1] != 0 || euler[2] != 0) o << " euler=\"" << Text(euler) << "\"";
  if (rgba) o << " rgba=\"" << Text(*rgba) << "\"";
  if (!extra.empty()) o << " " << extra;
  o << "/>\n";
  return o.str();
}

void GeomWriter::Add(const char* cls, const char* type, const std::vector<double>& size, const Vec3& pos,
                     const Vec3& euler, const Rgba* rgba, const std::string& extra) {
  std::string attrs = extra;
  if (std::strcmp(cls, kVisualClass) != 0) {
    std::ostringstream d;
  d.precision(kMjcfDigits);
    d << "density=\"" << density_ << "\"";
    attrs = attrs.empty() ? d.str() : attrs + " " + d.str();
  }
  text_ += Geom(cls, type, size, pos, euler, rgba, attrs);
}

void GeomWriter::Upright(double radius, double z0, double z1, double lift, const Rgba& rgba) {
  Add(kVisualClass, "cylinder", {radius, (z1 - z0) / 2}, {0, 0, (z0 + z1) / 2}, {0, 0, 0}, &rgba);
  const double apothem = kOctagonApothem * radius, flat_half = apothem * std::tan(kPi / 8);
  const double c0 = z0 + lift;
  for (int k = 0; k < 4; ++k) {
    Add(kCollisionClass, "box", {apothem, flat_half, (z1 - c0) / 2}, {0, 0, (c0 + z1) / 2}, {0, 0, k * kPi / 4});
  }
}

void GeomWriter::AlongX(double radius, double half_length, const Vec3& centre, const Rgba& rgba) {
  Add(kVisualClass, "cylinder", {radius, half_length}, centre, {0, kPi / 2, 0}, &rgba);
  const double apothem = kOctagonApothem * radius, flat_half = apothem * std::tan(kPi / 8);
  for (int k = 0; k < 4; ++k) {
    Add(kCollisionClass, "box", {half_length, apothem, flat_half}, centre, {k * kPi / 4, 0, 0});
  }
}

void GeomWriter::Feet(double ax, double ay) {
  const double edges[4][4] = {{-ax, -ay, ax, -ay}, {ax, -ay, ax, ay}, {ax, ay, -ax, ay}, {-ax, ay, -ax, -ay}};
  for (const auto& e : edges) Capsule(e[0], e[1], e[2], e[3]);
}

void GeomWriter::Runner(double x0, double x1, double y) { Capsule(x0, y, x1, y); }

void GeomWriter::Capsule(double x0, double y0, double x1, double y1) {
  std::ostringstream o;
  o.precision(kMjcfDigits);
  o << "<geom class=\"" << kCollisionClass << "\" type=\"capsule\" size=\"" << kFootRadius << "\" fromto=\"" << x0
    << " " << y0 << " " << kFootRadius << " " << x1 << " " << y1 << " " << kFootRadius << "\" density=\""
    << density_ << "\"/>\n";
  text_ += o.str();
}

void GeomWriter::Point(const std::string& name, const Vec3& pos) { text_ += PointSite(name, pos); }

std::string PointSite(const std::string& name, const Vec3& pos) {
  return "<site name=\"" + name + "\" type=\"sphere\" size=\"0.005\" pos=\"" + Text(pos) +
         "\" rgba=\"1 0 1 0.5\" group=\"4\"/>\n";
}

}  // namespace gauntlet::envs::dualarm
