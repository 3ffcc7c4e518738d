#include "envs/robots/panda_robot.h"

#include <sstream>

namespace gauntlet::envs {

namespace {

// Each link body holds a capsule from its origin to its child's origin, so the
// silhouette follows the kinematic chain without meshes.
std::string Joint(int i, double damping) {
  std::ostringstream out;
  out << "<joint name=\"" << ArmJointName(i) << "\" type=\"hinge\" axis=\"0 0 1\" range=\""
      << PandaSpec::kJointLow[i] << " " << PandaSpec::kJointHigh[i] << "\" damping=\"" << damping
      << "\" armature=\"0.1\"/>";
  return out.str();
}

}  // namespace

std::string PandaBodyMjcf(const std::array<double, 3>& base, const std::string& hand_camera, double finger_extension) {
  std::ostringstream x;
  const double e = finger_extension;
  x << "<body name=\"robot0_link0\" pos=\"" << base[0] << " " << base[1] << " " << base[2]
    << "\">\n"
    << R"(  <inertial pos="-0.04 0 0.06" mass="3.06" diaginertia="0.01 0.01 0.01"/>
  <geom class="robot" type="cylinder" size="0.075 0.07" pos="0 0 0.07"/>
  <geom class="robot" type="capsule" fromto="0 0 0.1 0 0 0.25" size="0.062"/>
  <body name="robot0_link1" pos="0 0 0.333">
    <inertial pos="0 -0.04 -0.05" mass="4.97" diaginertia="0.07 0.07 0.01"/>
    )" << Joint(0, 0.1) << R"(
    <geom class="robot" type="capsule" fromto="0 0 -0.08 0 0 0.0" size="0.062"/>
    <body name="robot0_link2" quat="0.7071068 -0.7071068 0 0">
      <inertial pos="0 -0.07 0.03" mass="0.646" diaginertia="0.008 0.003 0.008"/>
      )" << Joint(1, 0.1) << R"(
      <geom class="robot" type="capsule" fromto="0 0 0 0 -0.24 0" size="0.062"/>
      <body name="robot0_link3" pos="0 -0.316 0" quat="0.7071068 0.7071068 0 0">
        <inertial pos="0.04 0.03 -0.07" mass="3.228" diaginertia="0.04 0.036 0.01"/>
        )" << Joint(2, 0.1) << R"(
        <geom class="robot" type="capsule" fromto="0 0 -0.1 0.0825 0 0" size="0.058"/>
        <body name="robot0_link4" pos="0.0825 0 0" quat="0.7071068 0.7071068 0 0">
          <inertial pos="-0.05 0.05 0.03" mass="3.587" diaginertia="0.03 0.03 0.01"/>
          )" << Joint(3, 0.1) << R"(
          <geom class="robot" type="capsule" fromto="0 0 0 -0.0825 0.1 0" size="0.058"/>
          <body name="robot0_link5" pos="-0.0825 0.384 0" quat="0.7071068 -0.7071068 0 0">
            <inertial pos="0 0.04 -0.1" mass="1.225" diaginertia="0.035 0.03 0.006"/>
            )" << Joint(4, 0.1) << R"(
            <geom class="robot" type="capsule" fromto="0 0 -0.22 0 0 -0.02" size="0.052"/>
            <body name="robot0_link6" quat="0.7071068 0.7071068 0 0">
              <inertial pos="0.06 -0.01 0.01" mass="1.666" diaginertia="0.002 0.004 0.005"/>
              )" << Joint(5, 0.01) << R"(
              <geom class="robot" type="capsule" fromto="0 0 -0.03 0.088 0 0" size="0.05"/>
              <body name="robot0_link7" pos="0.088 0 0" quat="0.7071068 0.7071068 0 0">
                <inertial pos="0 0 0.08" mass="0.735" diaginertia="0.01 0.01 0.005"/>
                )" << Joint(6, 0.01) << R"(
                <geom class="robot" type="cylinder" fromto="0 0 0 0 0 0.095" size="0.045"/>
                <body name="robot0_hand" pos="0 0 0.107" quat="0.92387953251128674 0 0 -0.38268343236508978">
                  <inertial pos="0 0 0.03" mass="0.73" diaginertia="0.002 0.0005 0.002"/>
                  <geom class="robot" type="box" size="0.025 0.095 0.025" pos="0 0 0.03" rgba="0.92 0.92 0.92 1"/>
                  <site name="robot0_tcp" pos="0 0 )" << PandaSpec::kTcpOffset + e << R"(" size="0.004" rgba="1 0 0 0" group="4"/>
                  <camera name=")" << hand_camera << R"(" pos="0.06 0 0.02" quat="0 0.7071068 0.7071068 0" fovy="75"/>
                  <body name="robot0_finger_left_body" pos="0 0 0.0584">
                    <inertial pos="0 0.01 0.027" mass="0.015" diaginertia="2e-5 2e-5 1e-5"/>
                    <joint name="robot0_finger_left" type="slide" axis="0 1 0" range="0 0.04" damping="8" armature="0.01"/>
                    <geom class="finger" size="0.011 0.006 )" << 0.026 + e / 2 << R"(" pos="0 0.006 )" << 0.027 + e / 2 << R"("/>
                  </body>
                  <body name="robot0_finger_right_body" pos="0 0 0.0584">
                    <inertial pos="0 -0.01 0.027" mass="0.015" diaginertia="2e-5 2e-5 1e-5"/>
                    <joint name="robot0_finger_right" type="slide" axis="0 -1 0" range="0 0.04" damping="8" armature="0.01"/>
                    <geom class="finger" size="0.011 0.006 )" << 0.026 + e / 2 << R"(" pos="0 -0.006 )" << 0.027 + e / 2 << R"("/>
                  </body>
                </body>
              </body>
            </body>
          </body>
        </body>
      </body>
    </body>
  </body>
</body>
)";
  return x.str();
}

std::string PandaActuatorMjcf() {
  std::ostringstream x;
  for (int i = 0; i < PandaSpec::kArmDofs; ++i) {
    x << "<motor name=\"robot0_torque" << i + 1 << "\" joint=\"" << ArmJointName(i)
      << "\" ctrllimited=\"true\" ctrlrange=\"" << -PandaSpec::kTorqueLimit[i] << " "
      << PandaSpec::kTorqueLimit[i] << "\"/>\n";
  }
  // Finger servos: the target runs past the closed stop (-0.015) so a closed
  // gripper keeps squeezing what it holds (about kp * 0.015 N + the object's width).
  for (const char* joint : {kLeftFingerJoint, kRightFingerJoint}) {
    x << "<position name=\"" << joint << "_servo\" joint=\"" << joint
      << "\" kp=\"1500\" ctrllimited=\"true\" ctrlrange=\"-0.015 0.04\" forcelimited=\"true\" "
         "forcerange=\"-40 40\"/>\n";
  }
  return x.str();
}

}  // namespace gauntlet::envs
