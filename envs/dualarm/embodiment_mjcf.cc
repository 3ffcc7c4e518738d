#include "envs/dualarm/embodiment_mjcf.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include <Eigen/Geometry>

#include "envs/dualarm/arm_kinematics.h"

namespace gauntlet::envs::dualarm {

namespace {

constexpr double kFingerHalfThickness = 0.006;  // metres: each finger slab, pads meeting at y = 0
constexpr double kFingerHalfWidth = 0.012;      // metres, across the slab (TCP z)
constexpr double kFingerMass = 0.03;            // kg
constexpr double kPalmHalfDepth = 0.015;        // metres, along the approach axis
constexpr double kArmServoKp = 1000;            // N m / rad: RoboTwin's joint drive stiffness
constexpr double kFingerServoKp = 2000;         // N / m: 20 N squeeze at the -0.01 m closed target
constexpr double kFingerForce = 40;             // N

// MJCF text with every number at full precision, so compiled frames equal the
// kinematics' to rounding.
class Writer {
 public:
  Writer() { out_.precision(17); }
  template <class T>
  Writer& operator<<(const T& v) {
    out_ << v;
    return *this;
  }
  Writer& Vec(const Eigen::Vector3d& v) {
    out_ << v.x() << " " << v.y() << " " << v.z();
    return *this;
  }
  Writer& Quat(const Eigen::Matrix3d& r) {
    Eigen::Quaterniond q(r);
    q.normalize();
    out_ << q.w() << " " << q.x() << " " << q.y() << " " << q.z();
    return *this;
  }
  std::string str() const { return out_.str(); }

 private:
  std::ostringstream out_;
};

// A solid cylinder's inertia about its centre, axis `u`, as MJCF's
// fullinertia "Ixx Iyy Izz Ixy Ixz Iyz".
std::string CylinderInertia(double mass, double radius, double length, const Eigen::Vector3d& u) {
  const Eigen::Matrix3d uu = u * u.transpose();
  const Eigen::Matrix3d inertia = mass * (3 * radius * radius + length * length) / 12 *
                                      (Eigen::Matrix3d::Identity() - uu) +
                                  mass * radius * radius / 2 * uu;
  Writer w;
  w << inertia(0, 0) << " " << inertia(1, 1) << " " << inertia(2, 2) << " " << inertia(0, 1) << " "
    << inertia(0, 2) << " " << inertia(1, 2);
  return w.str();
}

// The link's mass spread along the segment from its origin to `end` (or a
// ball at its origin when the next joint sits there), and the capsule drawn
// along it.
void WriteLinkMassAndShape(Writer& w, const std::string& indent, double mass, double radius,
                           const Eigen::Vector3d& end) {
  const double length = end.norm();
  if (length < 1e-6) {
    const double i = 0.4 * mass * radius * radius;
    w << indent << "<inertial pos=\"0 0 0\" mass=\"" << mass << "\" diaginertia=\"" << i << " " << i << " " << i
      << "\"/>\n";
    return;
  }
  w << indent << "<inertial pos=\"";
  w.Vec(end / 2) << "\" mass=\"" << mass << "\" fullinertia=\"" << CylinderInertia(mass, radius, length, end / length)
                 << "\"/>\n";
  w << indent << "<geom class=\"dualarm_link\" type=\"capsule\" fromto=\"0 0 0 ";
  w.Vec(end) << "\" size=\"" << radius << "\"/>\n";
}

// A motor housing: a short cylinder along the joint's axis, drawn only.
void WriteJointHousing(Writer& w, const std::string& indent, double radius, const Eigen::Vector3d& axis) {
  const Eigen::Vector3d half = 0.9 * radius * axis.normalized();
  w << indent << "<geom class=\"dualarm_visual\" type=\"cylinder\" fromto=\"";
  w.Vec(-half) << " ";
  w.Vec(half) << "\" size=\"" << 1.15 * radius << "\"/>\n";
}

// The TCP frame's pose in link 6's frame.
Eigen::Isometry3d TcpInLink6(const ArmSpec& arm) {
  Eigen::Isometry3d t = Eigen::Isometry3d::Identity();
  t.translation() = ToVector(arm.tcp_xyz);
  t.linear() = RpyToMatrix(arm.tcp_rpy);
  return t;
}

// The wrist camera's pose in the TCP frame. MuJoCo's camera looks along its
// -z with its y up: forward is the approach axis pitched toward the fingers
// (toward -z_tcp), up leans back toward +z_tcp.
Eigen::Isometry3d WristCameraInTcp(const WristCameraSpec& wrist) {
  const double c = std::cos(wrist.pitch), s = std::sin(wrist.pitch);
  const Eigen::Vector3d forward(c, 0, -s), up(s, 0, c);
  Eigen::Matrix3d r;
  r.col(2) = -forward;
  r.col(1) = up;
  r.col(0) = up.cross(-forward);
  Eigen::Isometry3d t = Eigen::Isometry3d::Identity();
  t.translation() = ToVector(wrist.offset);
  t.linear() = r;
  return t;
}

void WriteGripper(Writer& w, const std::string& indent, const std::string& side, const ArmSpec& arm,
                  const WristCameraSpec& wrist) {
  const Eigen::Isometry3d tcp = TcpInLink6(arm);
  // The palm: a box behind the fingers' base, and the link-6 capsule reaching it.
  const Eigen::Vector3d palm = tcp * Eigen::Vector3d(-arm.finger_behind_tcp - kPalmHalfDepth, 0, 0);
  w << indent << "<geom class=\"dualarm_link\" type=\"box\" pos=\"";
  w.Vec(palm) << "\" quat=\"";
  w.Quat(tcp.linear()) << "\" size=\"" << kPalmHalfDepth << " " << arm.finger_travel + 2 * kFingerHalfThickness
                       << " " << 1.5 * kFingerHalfWidth << "\"/>\n";
  if (palm.norm() > 1e-6) {
    w << indent << "<geom class=\"dualarm_link\" type=\"capsule\" fromto=\"0 0 0 ";
    w.Vec(palm) << "\" size=\"" << 0.8 * arm.link_radius << "\"/>\n";
  }
  w << indent << "<site name=\"" << side << "_tcp\" pos=\"";
  w.Vec(tcp.translation()) << "\" quat=\"";
  w.Quat(tcp.linear()) << "\" size=\"0.005\" rgba=\"1 0 0 1\" group=\"4\"/>\n";
  const Eigen::Isometry3d camera = tcp * WristCameraInTcp(wrist);
  w << indent << "<camera name=\"" << side << "_wrist\" pos=\"";
  w.Vec(camera.translation()) << "\" quat=\"";
  w.Quat(camera.linear()) << "\" fovy=\"" << wrist.fovy_deg << "\"/>\n";

  // Two slabs sliding apart along the TCP's y from pads touching at y = 0.
  const double half_length = (arm.finger_behind_tcp + arm.finger_beyond_tcp) / 2;
  const double centre = (arm.finger_beyond_tcp - arm.finger_behind_tcp) / 2;
  const double ixx = kFingerMass * (kFingerHalfThickness * kFingerHalfThickness + kFingerHalfWidth * kFingerHalfWidth) / 3;
  const double iyy = kFingerMass * (half_length * half_length + kFingerHalfWidth * kFingerHalfWidth) / 3;
  const double izz = kFingerMass * (half_length * half_length + kFingerHalfThickness * kFingerHalfThickness) / 3;
  for (int finger = 0; finger < 2; ++finger) {
    const double sign = finger == 0 ? 1 : -1;
    const std::string name = side + (finger == 0 ? "_finger_a" : "_finger_b");
    w << indent << "<body name=\"" << name << "\" pos=\"";
    w.Vec(tcp.translation()) << "\" quat=\"";
    w.Quat(tcp.linear()) << "\">\n";
    w << indent << "  <inertial pos=\"" << centre << " " << sign * kFingerHalfThickness << " 0\" mass=\""
      << kFingerMass << "\" diaginertia=\"" << ixx << " " << iyy << " " << izz << "\"/>\n";
    w << indent << "  <joint name=\"" << name << "\" class=\"dualarm_finger\" type=\"slide\" axis=\"0 " << sign
      << " 0\" range=\"0 " << arm.finger_travel << "\"/>\n";
    w << indent << "  <geom class=\"dualarm_finger\" type=\"box\" pos=\"" << centre << " "
      << sign * kFingerHalfThickness << " 0\" size=\"" << half_length << " " << kFingerHalfThickness << " "
      << kFingerHalfWidth << "\"/>\n";
    w << indent << "</body>\n";
  }
}

void WriteArm(Writer& w, Side side, const ArmMount& mount, const WristCameraSpec& wrist, bool pedestal) {
  const std::string s = SideName(side);
  const ArmSpec& arm = mount.arm;
  const Eigen::Isometry3d base = ToIsometry(mount.base);
  w << "<body name=\"" << s << "_base\" pos=\"";
  w.Vec(base.translation()) << "\" quat=\"";
  w.Quat(base.linear()) << "\">\n";
  if (pedestal) {
    // A column from the floor to the base (the base frame is only yawed).
    w << "  <geom class=\"dualarm_visual\" type=\"cylinder\" fromto=\"0 0 " << -base.translation().z()
      << " 0 0 0\" size=\"0.05\"/>\n";
  }
  w << "  <geom class=\"dualarm_visual\" type=\"cylinder\" fromto=\"0 0 0 ";
  w.Vec(ToVector(arm.joints[0].origin_xyz)) << "\" size=\"" << 1.3 * arm.link_radius << "\"/>\n";
  std::string indent = "  ";
  for (int i = 0; i < 6; ++i) {
    const JointSpec& j = arm.joints[i];
    w << indent << "<body name=\"" << s << "_link" << i + 1 << "\" pos=\"";
    w.Vec(ToVector(j.origin_xyz)) << "\" quat=\"";
    w.Quat(RpyToMatrix(j.origin_rpy)) << "\">\n";
    indent += "  ";
    const Eigen::Vector3d axis = ToVector(j.axis).normalized();
    w << indent << "<joint name=\"" << s << "_joint" << i + 1 << "\" class=\"dualarm_link\" axis=\"";
    w.Vec(axis) << "\" range=\"" << j.lower << " " << j.upper << "\"/>\n";
    WriteJointHousing(w, indent, arm.link_radius, axis);
    const Eigen::Vector3d end =
        i < 5 ? ToVector(arm.joints[i + 1].origin_xyz)
              : TcpInLink6(arm) * Eigen::Vector3d(-arm.finger_behind_tcp - kPalmHalfDepth, 0, 0);
    WriteLinkMassAndShape(w, indent, j.mass, arm.link_radius, end);
    if (i == 5) WriteGripper(w, indent, s, arm, wrist);
  }
  for (int i = 5; i >= 0; --i) {
    indent.resize(indent.size() - 2);
    w << indent << "</body>\n";
  }
  w << "</body>\n";
}

// A fixed camera looking along `forward` with the image's up toward `up`.
void WriteFixedCamera(Writer& w, const FixedCameraSpec& camera) {
  const Eigen::Vector3d forward = ToVector(camera.forward).normalized();
  const Eigen::Vector3d up = (ToVector(camera.up) - ToVector(camera.up).dot(forward) * forward).normalized();
  w << "<camera name=\"" << camera.name << "\" pos=\"";
  w.Vec(ToVector(camera.position)) << "\" xyaxes=\"";
  w.Vec(forward.cross(up)) << " ";
  w.Vec(up) << "\" fovy=\"" << camera.fovy_deg << "\"/>\n";
}

// AgileX's chassis under the aloha's arms, drawn in its footprint frame
// (x forward): a body below the arms and the plate the arm bases stand on.
void WriteAlohaChassis(Writer& w, const EmbodimentSpec& spec) {
  const Eigen::Isometry3d robot = ToIsometry(spec.robot_pose);
  const double plate_top = std::min(spec.left.base.position[2], spec.right.base.position[2]);
  w << "<body name=\"aloha_chassis\" pos=\"";
  w.Vec(robot.translation()) << "\" quat=\"";
  w.Quat(robot.linear()) << "\">\n";
  w << "  <geom class=\"dualarm_visual\" type=\"box\" pos=\"-0.05 0 " << (plate_top - 0.02) / 2
    << "\" size=\"0.25 0.3 " << (plate_top - 0.02) / 2 << "\"/>\n";
  w << "  <geom class=\"dualarm_visual\" type=\"box\" pos=\"0.13 0 " << plate_top - 0.01
    << "\" size=\"0.14 0.37 0.01\"/>\n";
  w << "</body>\n";
}

}  // namespace

std::string ArmJointName(Side side, int index) { return std::string(SideName(side)) + "_joint" + std::to_string(index + 1); }
std::string FingerJointName(Side side, int finger) {
  return std::string(SideName(side)) + (finger == 0 ? "_finger_a" : "_finger_b");
}
std::string TcpSiteName(Side side) { return std::string(SideName(side)) + "_tcp"; }
std::string WristCameraName(Side side) { return std::string(SideName(side)) + "_wrist"; }
std::string ArmActuatorName(Side side, int index) { return ArmJointName(side, index) + "_servo"; }
std::string GripperActuatorName(Side side) { return std::string(SideName(side)) + "_gripper_servo"; }

std::string EmbodimentDefaultsMjcf() {
  return R"(<default class="dualarm_link">
  <joint type="hinge" limited="true" damping="40" armature="0.05"/>
  <geom contype="2" conaffinity="1" group="1" rgba="0.62 0.64 0.67 1"/>
</default>
<default class="dualarm_finger">
  <joint limited="true" damping="20" armature="0.01" solreflimit="0.004 1"/>
  <geom contype="2" conaffinity="1" group="1" condim="4" friction="1.5 0.02 0.002" solref="0.005 1" rgba="0.12 0.12 0.13 1"/>
</default>
<default class="dualarm_visual">
  <geom contype="0" conaffinity="0" group="2" rgba="0.2 0.21 0.23 1"/>
</default>
)";
}

std::string EmbodimentBodiesMjcf(const EmbodimentSpec& spec) {
  Writer w;
  if (spec.shared_base) WriteAlohaChassis(w, spec);
  for (Side side : kSides) WriteArm(w, side, spec.mount(side), spec.wrist, !spec.shared_base);
  WriteFixedCamera(w, spec.head);
  return w.str();
}

std::string EmbodimentEqualitiesMjcf(const EmbodimentSpec& spec) {
  Writer w;
  for (Side side : kSides) {
    w << "<joint name=\"" << SideName(side) << "_finger_mimic\" joint1=\"" << FingerJointName(side, 1)
      << "\" joint2=\"" << FingerJointName(side, 0) << "\" polycoef=\"0 1 0 0 0\" solref=\"0.005 1\"/>\n";
  }
  return w.str();
}

std::string EmbodimentActuatorsMjcf(const EmbodimentSpec& spec) {
  Writer w;
  for (Side side : kSides) {
    const ArmSpec& arm = spec.mount(side).arm;
    for (int i = 0; i < 6; ++i) {
      const JointSpec& j = arm.joints[i];
      w << "<position name=\"" << ArmActuatorName(side, i) << "\" joint=\"" << ArmJointName(side, i) << "\" kp=\""
        << kArmServoKp << "\" ctrllimited=\"true\" ctrlrange=\"" << j.lower << " " << j.upper
        << "\" forcelimited=\"true\" forcerange=\"" << -j.effort << " " << j.effort << "\"/>\n";
    }
    w << "<position name=\"" << GripperActuatorName(side) << "\" joint=\"" << FingerJointName(side, 0)
      << "\" kp=\"" << kFingerServoKp << "\" ctrllimited=\"true\" ctrlrange=\"" << spec.gripper.closed_target << " "
      << spec.gripper.open_target << "\" forcelimited=\"true\" forcerange=\"" << -kFingerForce << " " << kFingerForce
      << "\"/>\n";
  }
  return w.str();
}

std::string StandaloneEmbodimentXml(const EmbodimentSpec& spec) {
  return "<mujoco model=\"dualarm_" + spec.name + "\">\n"
         "<compiler angle=\"radian\" autolimits=\"true\"/>\n"
         "<option timestep=\"0.002\"/>\n"
         "<default>\n" + EmbodimentDefaultsMjcf() + "</default>\n"
         "<worldbody>\n"
         "<light pos=\"0 0 3\" dir=\"0 0 -1\" directional=\"true\"/>\n"
         "<geom name=\"floor\" type=\"plane\" size=\"3 3 0.1\" rgba=\"0.5 0.5 0.5 1\"/>\n" +
         EmbodimentBodiesMjcf(spec) +
         "</worldbody>\n"
         "<equality>\n" + EmbodimentEqualitiesMjcf(spec) + "</equality>\n"
         "<actuator>\n" + EmbodimentActuatorsMjcf(spec) + "</actuator>\n"
         "</mujoco>\n";
}

Result<ModelPtr> CompileStandaloneEmbodiment(const EmbodimentSpec& spec) {
  return CompileMjcf(StandaloneEmbodimentXml(spec), "dualarm embodiment '" + spec.name + "'");
}

}  // namespace gauntlet::envs::dualarm
