#include "envs/playtable/playtable_scene.h"

#include <cmath>
#include <sstream>

#include "envs/robots/panda_robot.h"

namespace gauntlet::envs::playtable {

std::string BlockBodyName(int block) { return std::string("block_") + BlockName(block); }

namespace {

using Vec3 = std::array<double, 3>;

std::string V(const Vec3& v) {
  std::ostringstream out;
  out << v[0] << " " << v[1] << " " << v[2];
  return out.str();
}

// A box geom spanning [lo, hi] (world or body frame), so the desk's parts
// read as the extents they cover rather than centres and half sizes.
std::string Box(const std::string& attrs, const Vec3& lo, const Vec3& hi, const Vec3& origin = {0, 0, 0}) {
  std::ostringstream out;
  out << "<geom type=\"box\" " << attrs << " pos=\"" << (lo[0] + hi[0]) / 2 - origin[0] << " "
      << (lo[1] + hi[1]) / 2 - origin[1] << " " << (lo[2] + hi[2]) / 2 - origin[2] << "\" size=\""
      << (hi[0] - lo[0]) / 2 << " " << (hi[1] - lo[1]) / 2 << " " << (hi[2] - lo[2]) / 2 << "\"/>\n";
  return out.str();
}

// An invisible box site (what a scripted expert reads as a region).
std::string Site(const char* name, const Vec3& centre, const Vec3& half, const Vec3& origin = {0, 0, 0}) {
  std::ostringstream out;
  out << "<site name=\"" << name << "\" type=\"box\" pos=\"" << centre[0] - origin[0] << " " << centre[1] - origin[1]
      << " " << centre[2] - origin[2] << "\" size=\"" << V(half) << "\" rgba=\"0 1 0 0.3\" group=\"5\"/>\n";
  return out.str();
}

std::string Rgba(const Vec3& rgb) {
  std::ostringstream out;
  out << "rgba=\"" << rgb[0] << " " << rgb[1] << " " << rgb[2] << " 1\"";
  return out.str();
}

Vec3 Sub(const Vec3& a, const Vec3& b) { return {a[0] - b[0], a[1] - b[1], a[2] - b[2]}; }
Vec3 Cross(const Vec3& a, const Vec3& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
Vec3 Unit(const Vec3& a) {
  const double n = std::sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
  return {a[0] / n, a[1] / n, a[2] / n};
}

// CALVIN's static camera as eye, target and up; MuJoCo wants the camera's
// x (right) and y (up) axes, the view running along its -z.
std::string StaticCamera() {
  const Vec3 eye = {2.871, -2.167, 2.555}, target = {-0.026, -0.030, 0.392}, up = {0.404, 0.226, 0.886};
  const Vec3 forward = Unit(Sub(target, eye));
  const Vec3 right = Unit(Cross(forward, up));
  const Vec3 cam_up = Cross(right, forward);
  std::ostringstream out;
  out << "<camera name=\"" << kStaticCamera << "\" pos=\"" << V(eye) << "\" xyaxes=\"" << V(right) << " "
      << V(cam_up) << "\" fovy=\"10\"/>\n";
  return out.str();
}

std::string Header(const PlaytableSceneOptions& options) {
  std::ostringstream x;
  x << R"(<mujoco model="gauntlet_playtable">
<compiler angle="radian" autolimits="true"/>
<option timestep=")" << kTimestep << R"(" cone="elliptic" impratio="10" iterations="50" tolerance="1e-8"/>
<size njmax="2000" nconmax="500"/>
<visual>
  <global offwidth=")" << options.offscreen_width << "\" offheight=\"" << options.offscreen_height << R"("/>
  <quality shadowsize=")" << (options.shadows ? 2048 : 0) << R"(" offsamples="0"/>
  <headlight ambient="0.4 0.4 0.4" diffuse="0.4 0.4 0.4" specular="0.1 0.1 0.1"/>
</visual>
<default>
  <geom solref="0.01 1" solimp="0.95 0.99 0.001" friction="1 0.005 0.0001" margin=")"
    << kContactTolerance << "\" gap=\"" << kContactTolerance << R"("/>
  <default class="robot"><geom contype="2" conaffinity="1" rgba="0.95 0.95 0.95 1"/></default>
  <default class="finger">
    <geom type="box" contype="2" conaffinity="1" condim="4" friction="1.5 0.01 0.001"
          solref="0.005 1" rgba="0.25 0.25 0.25 1"/>
  </default>
  <default class="desk"><geom contype="1" conaffinity="3"/></default>
  <default class="block"><geom type="box" contype="1" conaffinity="3" condim="4" friction="0.7 0.001 0.0001"/></default>
</default>
<asset>
  <texture name="floor_tex" type="2d" builtin="checker" rgb1="0.55 0.55 0.58" rgb2="0.5 0.5 0.53" width="64" height="64"/>
  <material name="floor_mat" texture="floor_tex" texrepeat="8 8"/>
</asset>
)";
  return x.str();
}

constexpr Vec3 kHandleGrey = {0.5, 0.5, 0.5};

// The desk body: table top, the lower body with the drawer's bay, and the
// cabinet behind the top (two solid ends, the back wall and the roof) whose
// opening holds the shelf and the sliding door. Its moving parts are its
// children and never collide with it (see <contact> below).
std::string Desk(const DeskLayout& d) {
  const std::string wood = "class=\"desk\" " + Rgba(d.desk_rgb);
  const double open_lo = d.plank_x - 0.26, open_hi = d.plank_x + 0.26;  // the cabinet's opening
  const double drawer_lo = d.drawer_x - 0.23, drawer_hi = d.drawer_x + 0.23;
  std::ostringstream x;
  x << "<body name=\"" << kDeskBody << "\">\n";
  // The table top ends where the cabinet begins, so a block on the shelf
  // (1 mm higher) never also counts as touching the table top.
  x << Box(wood, {-0.44, kDeskFrontY, 0.40}, {0.44, kCabinetFrontY, kTableTopZ});  // table top
  x << Box(wood, {-0.44, -0.16, 0.0}, {0.44, 0.18, 0.26});                         // lower body
  x << Box(wood, {-0.44, -0.17, 0.26}, {drawer_lo, 0.18, 0.40});                   // beside the drawer
  x << Box(wood, {drawer_hi, -0.17, 0.26}, {0.44, 0.18, 0.40});
  x << Box(wood, {drawer_lo, 0.16, 0.26}, {drawer_hi, 0.18, 0.40});                // the bay's back
  x << Box(wood, {-0.44, kCabinetFrontY, 0.40}, {open_lo, 0.18, kCabinetTopZ - 0.02});  // cabinet ends
  x << Box(wood, {open_hi, kCabinetFrontY, 0.40}, {0.44, 0.18, kCabinetTopZ - 0.02});
  x << Box(wood, {open_lo, 0.17, 0.40}, {open_hi, 0.18, kCabinetTopZ - 0.02});          // back wall
  x << Box(wood, {-0.44, kCabinetFrontY, kCabinetTopZ - 0.02}, {0.44, 0.18, kCabinetTopZ});  // roof
  // The button's housing on the table top.
  x << "<geom class=\"desk\" type=\"cylinder\" size=\"0.035 0.004\" pos=\"" << d.button_x << " -0.12 "
    << kTableTopZ + 0.004 << "\" " << Rgba(kHandleGrey) << "/>\n";

  // Sliding door: a panel in front of the opening with a handle; at 0 it
  // covers the right half of the opening, at full travel the left half.
  const double door_width = (open_hi - open_lo) / 2;
  const Vec3 slide_origin = {d.slider_x, 0.094 * kUrdfScale, 0.669 * kUrdfScale};
  const double door_centre = open_hi - door_width / 2;
  x << "<body name=\"" << kSlideBody << "\" pos=\"" << V(slide_origin) << "\">\n"
    << "  <inertial pos=\"" << door_centre - slide_origin[0] << " -0.055 0\" mass=\"1.543\" diaginertia=\"0.01 0.01 0.01\"/>\n"
    << "  <joint name=\"" << kSlideJoint << "\" type=\"slide\" axis=\"-1 0 0\" range=\"0 " << d.slider_range
    << "\" frictionloss=\"4\" damping=\"2\" armature=\"0.1\"/>\n"
    << "  " << Box(wood, {door_centre - door_width / 2, 0.012, kTableTopZ + 0.004}, {door_centre + door_width / 2, 0.026, kCabinetTopZ - 0.022}, slide_origin)
    << "  " << Box("class=\"desk\" " + Rgba(kHandleGrey), {door_centre - 0.012, -0.012, 0.50}, {door_centre + 0.012, 0.012, 0.58}, slide_origin)
    << "  " << Site(kSlideHandleSite, {door_centre, 0, 0.54}, {0.012, 0.012, 0.04}, slide_origin)
    << "</body>\n";

  // Drawer: a tray under the table top whose front is flush with the desk's
  // front when closed, with a handle bar in front.
  const Vec3 drawer_origin = {d.drawer_x, 0.0, 0.40 * kUrdfScale};
  const std::string tray = "class=\"desk\" " + Rgba(d.desk_rgb);
  x << "<body name=\"" << kDrawerBody << "\" pos=\"" << V(drawer_origin) << "\">\n"
    << "  <inertial pos=\"0 0 -0.02\" mass=\"4.231\" diaginertia=\"0.05 0.05 0.05\"/>\n"
    << "  <joint name=\"" << kDrawerJoint << "\" type=\"slide\" axis=\"0 -1 0\" range=\"0 " << kDrawerRange
    << "\" frictionloss=\"4\" damping=\"2\" armature=\"0.1\"/>\n";
  const double dz = drawer_origin[2];
  x << "  " << Box(tray, {drawer_lo + 0.01, -0.17, 0.27}, {drawer_hi - 0.01, 0.15, 0.28}, drawer_origin)  // floor
    << "  " << Box(tray, {drawer_lo + 0.01, -0.17, 0.28}, {drawer_lo + 0.02, 0.15, 0.36}, drawer_origin)  // sides
    << "  " << Box(tray, {drawer_hi - 0.02, -0.17, 0.28}, {drawer_hi - 0.01, 0.15, 0.36}, drawer_origin)
    << "  " << Box(tray, {drawer_lo + 0.01, 0.14, 0.28}, {drawer_hi - 0.01, 0.15, 0.36}, drawer_origin)   // back
    << "  " << Box(tray, {drawer_lo, kDeskFrontY, 0.265}, {drawer_hi, -0.17, 0.395}, drawer_origin)       // front
    << "  " << Box("class=\"desk\" " + Rgba(kHandleGrey), {d.drawer_x - 0.07, -0.215, dz + 0.005}, {d.drawer_x + 0.07, -0.203, dz + 0.02}, drawer_origin)
    << "  " << Box("class=\"desk\" " + Rgba(kHandleGrey), {d.drawer_x - 0.07, -0.205, dz + 0.005}, {d.drawer_x - 0.058, kDeskFrontY, dz + 0.02}, drawer_origin)
    << "  " << Box("class=\"desk\" " + Rgba(kHandleGrey), {d.drawer_x + 0.058, -0.205, dz + 0.005}, {d.drawer_x + 0.07, kDeskFrontY, dz + 0.02}, drawer_origin)
    << "  " << Site(kDrawerHandleSite, {d.drawer_x, -0.209, dz + 0.0125}, {0.07, 0.006, 0.0075}, drawer_origin)
    << "  " << Site(kDrawerInsideSite, {d.drawer_x, -0.01, 0.28}, {0.20, 0.15, 0.04}, drawer_origin)
    << "</body>\n";

  // Button: a black cap on a spring (an actuator holds it up; see the
  // actuator section), pressed 2 cm down at most.
  x << "<body name=\"" << kButtonBody << "\" pos=\"" << d.button_x << " " << -0.15 * kUrdfScale << " "
    << 0.575 * kUrdfScale << "\">\n"
    << "  <inertial pos=\"0 0 0\" mass=\"0.154\" diaginertia=\"1e-4 1e-4 1e-4\"/>\n"
    << "  <joint name=\"" << kButtonJoint << "\" type=\"slide\" axis=\"0 0 -1\" range=\"0 " << kButtonRange
    << "\" damping=\"0.5\"/>\n"
    << "  <geom class=\"desk\" type=\"cylinder\" size=\"0.025 0.008\" pos=\"0 0 0.002\" rgba=\"0.05 0.05 0.05 1\"/>\n"
    << "  " << Site(kButtonTopSite, {0, 0, 0.01}, {0.025, 0.025, 0.001})
    << "</body>\n";

  // Switch: a lever on the cabinet's front that slides up and back along
  // CALVIN's rail; pushed up past half its travel, it turns the bulb on. It
  // sticks out 6 cm at the bottom and still 1.5 cm at the top, so a hand can
  // push it up from below and down from above over its whole travel.
  x << "<body name=\"" << kSwitchBody << "\" pos=\"" << d.switch_x << " " << 0.0762 * kUrdfScale << " "
    << 0.6186 * kUrdfScale << "\">\n"
    << "  <inertial pos=\"0 -0.04 0\" mass=\"0.239\" diaginertia=\"1e-4 1e-4 1e-4\"/>\n"
    << "  <joint name=\"" << kSwitchJoint << "\" type=\"slide\" axis=\"0 0.5 0.8660254\" range=\"0 " << kSwitchRange
    << "\" frictionloss=\"4\" damping=\"2\"/>\n"
    << "  <geom class=\"desk\" type=\"box\" size=\"0.03 0.045 0.01\" pos=\"0 -0.045 0\" rgba=\"0.4 0.4 0.4 1\"/>\n"
    << "  " << Site(kSwitchHandleSite, {0, -0.07, 0}, {0.03, 0.02, 0.01})
    << "</body>\n";
  x << "</body>\n";

  // The shelf behind the door, a fixed body of its own (CALVIN's plank_link).
  x << "<body name=\"" << kPlankBody << "\">\n"
    << Box(wood, {open_lo, kCabinetFrontY, 0.40}, {open_hi, 0.17, kShelfTopZ})
    // The shelf's two halves: where the door leaves a block reachable.
    << Site(kShelfLeftSite, {open_lo + 0.13, 0.0924, kShelfTopZ}, {0.12, 0.05, 0.001})
    << Site(kShelfRightSite, {open_hi - 0.13, 0.0924, kShelfTopZ}, {0.12, 0.05, 0.001})
    << "</body>\n";
  // The LED and the bulb on the roof: white when off (the env colours them).
  x << "<body name=\"" << kLedBody << "\" pos=\"" << d.button_x << " " << 0.20 * kUrdfScale << " " << kCabinetTopZ << "\">\n"
    << "  <geom name=\"" << kLedGeom << "\" class=\"desk\" type=\"cylinder\" size=\"0.02 0.006\" pos=\"0 0 0.006\" rgba=\"1 1 1 1\"/>\n"
    << "</body>\n";
  x << "<body name=\"" << kLightBody << "\" pos=\"" << d.switch_x << " " << d.bulb_y << " " << kCabinetTopZ << "\">\n"
    << "  <geom class=\"desk\" type=\"cylinder\" size=\"0.012 0.01\" pos=\"0 0 0.01\" " << Rgba(kHandleGrey) << "/>\n"
    << "  <geom name=\"" << kBulbGeom << "\" class=\"desk\" type=\"sphere\" size=\"0.025\" pos=\"0 0 0.045\" rgba=\"1 1 1 1\"/>\n"
    << "</body>\n";
  return x.str();
}

// The blocks start parked high above the floor; every episode's initial
// state places them.
std::string Blocks(const DeskLayout& d) {
  static const Vec3 kColours[kBlockCount] = {{1, 0, 0}, {0, 0, 1}, {1, 0, 1}};
  std::ostringstream x;
  for (int b = 0; b < kBlockCount; ++b) {
    const auto& s = d.block_size[b];
    x << "<body name=\"" << BlockBodyName(b) << "\" pos=\"" << 0.6 + 0.1 * b << " 0.6 0.1\">\n"
      << "  <freejoint name=\"" << BlockBodyName(b) << "_joint\"/>\n"
      << "  <geom class=\"block\" size=\"" << s[0] / 2 << " " << s[1] / 2 << " " << s[2] / 2 << "\" mass=\"1\" "
      << Rgba(kColours[b]) << "/>\n"
      << "</body>\n";
  }
  return x.str();
}

}  // namespace

std::string PlaytableMjcf(const DeskLayout& layout, const PlaytableSceneOptions& options) {
  std::ostringstream x;
  x << Header(options) << "<worldbody>\n"
    << "<light directional=\"true\" pos=\"0 -1 3\" dir=\"0.2 0.4 -1\" diffuse=\"0.5 0.5 0.5\" castshadow=\""
    << (options.shadows ? "true" : "false") << "\"/>\n"
    << "<geom name=\"floor\" type=\"plane\" size=\"3 3 0.1\" material=\"floor_mat\" contype=\"1\" conaffinity=\"3\"/>\n"
    << "<geom name=\"pedestal\" type=\"cylinder\" size=\"" << kPedestalRadius << " " << kRobotBase[2] / 2
    << "\" pos=\"" << kRobotBase[0] << " " << kRobotBase[1] << " " << kRobotBase[2] / 2
    << "\" rgba=\"0.3 0.3 0.32 1\" contype=\"1\" conaffinity=\"1\"/>\n"
    << StaticCamera() << Desk(layout) << Blocks(layout) << PandaBodyMjcf(kRobotBase, kGripperCamera, kFingerExtension)
    << "</worldbody>\n"
    // The moving parts run on rails inside the desk's volume. MuJoCo filters
    // parent-child contacts only below a moving parent, and the desk is
    // welded to the world, so the pairs are excluded by name.
    << "<contact>\n";
  for (const char* part : {kSlideBody, kDrawerBody, kButtonBody, kSwitchBody}) {
    x << "  <exclude body1=\"" << kDeskBody << "\" body2=\"" << part << "\"/>\n";
  }
  x << "</contact>\n<actuator>\n"
    << PandaActuatorMjcf()
    // The button's spring: a position servo aiming just above the rest stop,
    // its force capped at CALVIN's 4 N, so it holds the cap up against
    // gravity and gives way to a press.
    << "<position name=\"button_spring\" joint=\"" << kButtonJoint
    << "\" kp=\"1000\" ctrllimited=\"true\" ctrlrange=\"-0.005 0\" forcelimited=\"true\" forcerange=\"-4 4\"/>\n"
    << "</actuator>\n</mujoco>\n";
  return x.str();
}

}  // namespace gauntlet::envs::playtable
