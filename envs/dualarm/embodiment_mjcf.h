// MJCF for a dual-arm embodiment, written from its EmbodimentSpec in
// primitive geometry: capsules along the links (from each joint's origin to
// the next), a cylinder at each joint along its axis, a palm box and two slab
// fingers, boxes and columns for the bases. Every body sits exactly where the
// spec's URDF chain puts it, so MuJoCo's `<side>_tcp` site equals
// TcpTransform (arm_kinematics.h) to rounding.
//
// How a scene includes an embodiment (the standalone model below does this):
//   <compiler angle="radian" autolimits="true"/>     (joint ranges are radians)
//   <default> EmbodimentDefaultsMjcf() ... </default>
//   <worldbody> EmbodimentBodiesMjcf(spec) ... </worldbody>
//   <equality> EmbodimentEqualitiesMjcf(spec) </equality>
//   <actuator> EmbodimentActuatorsMjcf(spec) </actuator>
// The default classes the fragments use, all defined by EmbodimentDefaultsMjcf:
//   dualarm_link    arm links: joint damping 40 (integrated implicitly by
//                   MuJoCo's Euler step), armature 0.05; geoms contype 2 /
//                   conaffinity 1. RoboTwin's drives damp the error to the
//                   planned path's velocity (damping 200); a 14-d joint action
//                   carries no velocity, so damping here acts on the joint's own
//                   speed, and 200 would cap it at effort / 200 = 0.5 rad/s.
//                   40 lets the servos move at 2.5 rad/s and settles them
//                   without overshoot on every arm.
//   dualarm_finger  finger slabs and slide joints: high friction, condim 4
//   dualarm_visual  bases and housings: no contacts
// Robot geoms (contype 2, conaffinity 1) touch the scene's default geoms
// (contype 1, conaffinity 1) but not each other: links of one arm, the two
// arms, and a gripper's two fingers pass through one another; the joint
// limits keep the fingers apart.
//
// Names in the compiled model (side = "left" or "right"):
//   joints     <side>_joint1 .. <side>_joint6, <side>_finger_a, <side>_finger_b
//   bodies     <side>_base, <side>_link1 .. <side>_link6, <side>_finger_a, <side>_finger_b
//   sites      <side>_tcp (the TCP frame of arm_spec.h)
//   cameras    head (world), <side>_wrist (on link 6)
//   actuators  in the 14-d action's order: <side>_joint1_servo .. <side>_joint6_servo
//              (position servos, kp 1000 = RoboTwin's drive stiffness, forces
//              limited to the URDF effort), then <side>_gripper_servo on
//              finger a (ctrl = GripperCommand::FingerTarget(g), metres);
//              finger b mirrors finger a through an equality (RoboTwin's mimic joint).
#pragma once

#include <string>

#include "envs/dualarm/embodiment.h"
#include "harness/mujoco_handles.h"
#include "harness/result.h"

namespace gauntlet::envs::dualarm {

inline constexpr const char* kHeadCamera = "head";
std::string ArmJointName(Side side, int index);        // index 0..5 -> "<side>_joint1".."<side>_joint6"
std::string FingerJointName(Side side, int finger);    // finger 0, 1 -> "<side>_finger_a", "<side>_finger_b"
std::string TcpSiteName(Side side);                    // "<side>_tcp"
std::string WristCameraName(Side side);                // "<side>_wrist"
std::string ArmActuatorName(Side side, int index);     // "<side>_joint<index+1>_servo"
std::string GripperActuatorName(Side side);            // "<side>_gripper_servo"

// The default classes (to place inside the model's <default> element).
std::string EmbodimentDefaultsMjcf();
// Both arms' body trees, their bases, and the head camera (inside <worldbody>).
std::string EmbodimentBodiesMjcf(const EmbodimentSpec& spec);
// The finger mimic constraints (inside <equality>).
std::string EmbodimentEqualitiesMjcf(const EmbodimentSpec& spec);
// The 14 servos, in the action's order (inside <actuator>).
std::string EmbodimentActuatorsMjcf(const EmbodimentSpec& spec);

// A complete model: a floor, a light and the embodiment, physics at 500 Hz.
// For tests and for building a scene around the robot.
std::string StandaloneEmbodimentXml(const EmbodimentSpec& spec);
Result<ModelPtr> CompileStandaloneEmbodiment(const EmbodimentSpec& spec);

}  // namespace gauntlet::envs::dualarm
