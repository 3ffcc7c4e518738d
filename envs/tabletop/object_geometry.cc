#include "envs/tabletop/object_geometry.h"

#include <cmath>
#include <sstream>

namespace gauntlet::envs::tabletop {

std::string Box(const char* cls, double hx, double hy, double hz, double x, double y, double z,
                double yaw, const char* rgba) {
  std::ostringstream o;
  o << "<geom class=\"" << cls << "\" type=\"box\" size=\"" << hx << " " << hy << " " << hz
    << "\" pos=\"" << x << " " << y << " " << z << "\" euler=\"0 0 " << yaw << "\"";
  if (rgba) o << " rgba=\"" << rgba << "\"";
  o << "/>\n";
  return o.str();
}

std::string Capsule(const char* cls, double r, double x0, double y0, double z0, double x1, double y1, double z1,
                    const char* rgba) {
  std::ostringstream o;
  o << "<geom class=\"" << cls << "\" type=\"capsule\" size=\"" << r << "\" fromto=\"" << x0 << " " << y0 << " " << z0
    << " " << x1 << " " << y1 << " " << z1 << "\"";
  if (rgba) o << " rgba=\"" << rgba << "\"";
  o << "/>\n";
  return o.str();
}

std::string Cylinder(double r, double hz, double z, const char* rgba) {
  std::ostringstream o;
  o << "<geom class=\"visual\" type=\"cylinder\" size=\"" << r << " " << hz << "\" pos=\"0 0 "
    << z << "\" rgba=\"" << rgba << "\"/>\n";
  return o.str();
}

std::string Octagon(double apothem, double hz, double z0) {
  std::string g;
  for (int k = 0; k < 4; ++k) {
    g += Box("collision", apothem, apothem * std::tan(kPi / 8), hz, 0, 0, z0 + hz, k * kPi / 4, "0 0 0 0");
  }
  return g;
}

std::string Feet(double ax, double ay) {
  std::string g;
  const double z = kFootRadius;
  const double ends[4][4] = {{-ax, -ay, ax, -ay}, {ax, -ay, ax, ay}, {ax, ay, -ax, ay}, {-ax, ay, -ax, -ay}};
  for (const auto& e : ends) g += Capsule("collision", kFootRadius, e[0], e[1], z, e[2], e[3], z, nullptr);
  return g;
}

std::string Site(const std::string& name, double hx, double hy, double hz, double x, double y, double z) {
  std::ostringstream o;
  o << "<site name=\"" << name << "\" type=\"box\" size=\"" << hx << " " << hy << " " << hz
    << "\" pos=\"" << x << " " << y << " " << z << "\" rgba=\"0 1 0 0.3\" group=\"5\"/>\n";
  return o.str();
}

void MakeDrawerCabinet(ObjectModel* m, double open_value) {
  m->fixture = true;
  m->regions = {{"top_side", ""},
                {"top_region", "top_drawer_joint"},
                {"middle_region", "middle_drawer_joint"},
                {"bottom_region", "bottom_drawer_joint"}};
  Articulation a;
  a.open_below = -0.14;
  a.closed_above = 0.0;
  a.closed_value = 0.005;
  a.open_value = open_value;
  m->articulation = a;
}

std::string HandleSite(const std::string& name, double reach_back, double x, double y, double z, double yaw) {
  std::ostringstream o;
  o << "<site name=\"" << name << "\" type=\"box\" size=\"" << reach_back << " 0.005 0.005\" pos=\"" << x << " " << y
    << " " << z << "\" euler=\"0 0 " << yaw << "\" rgba=\"1 0.5 0 0.5\" group=\"5\"/>\n";
  return o.str();
}

std::string Inertial(double mass, double z, double i) {
  std::ostringstream o;
  o << "<inertial pos=\"0 0 " << z << "\" mass=\"" << mass << "\" diaginertia=\"" << i << " "
    << i << " " << i << "\"/>\n";
  return o.str();
}

std::string BoxInertial(double mass, double hx, double hy, double hz) {
  std::ostringstream o;
  o << "<inertial pos=\"0 0 " << hz << "\" mass=\"" << mass << "\" diaginertia=\""
    << mass * (hy * hy + hz * hz) / 3 << " " << mass * (hx * hx + hz * hz) / 3 << " "
    << mass * (hx * hx + hy * hy) / 3 << "\"/>\n";
  return o.str();
}

}  // namespace gauntlet::envs::tabletop
