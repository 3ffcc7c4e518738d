// `oracle`: a scripted expert for the tabletop tasks. It reads privileged
// state (poses, regions, joints, the goal and which of its atoms hold) but acts
// only through the family's 7-d end-effector delta interface: it never moves
// an object or a joint itself.
//
// It works through the goal's atoms one at a time: first those that open or
// switch on, then the placements (in the order the goal lists them), last
// those that close or switch off; each time the first atom that does not hold
// yet. A placement into a closed drawer opens the drawer first. Skills:
//   pick and place (On/In an object or region): approach above the grasp
//     -> descend -> close -> lift -> carry -> lower -> release -> retreat;
//     a failed grasp or a slip lets go, waits for the object to rest and
//     plans again. Bowls, plates and mugs are taken by their wall at the rim
//     point with the most room; other objects across their narrow side. A
//     neighbour standing where the palm must go is first moved aside; objects
//     sharing a region get a slot each; an elongated one is turned to fit a
//     slot. Into a region under a roof (a microwave), where a top-down wrist
//     cannot follow, the object is stood in the mouth: the closing door
//     pushes it home.
//   work a joint (Open/Close/TurnOn/TurnOff): pinch the part's handle fin
//     from above, then slide it along the joint axis or turn it about its
//     axis with the wrist (a dial); a door (handle far from its hinge) is
//     pushed round by the palm instead.
#pragma once

#include <array>
#include <optional>
#include <string>

#include "harness/policy.h"

namespace gauntlet::policies {

class OraclePolicy : public Policy {
 public:
  PolicyInfo info() const override;
  void reset(const EpisodeContext& context) override;
  ActionChunk act(const Observation& observation) override;
  // For traces and diagnostics: the current phase of the script.
  const char* phase_name() const;

 private:
  enum class Phase { kPlan, kApproach, kDescend, kClose, kLift, kCarry, kLower, kInsert, kRelease, kRetreat,
                     kRecover, kHandleApproach, kHandleDescend, kHandleClose, kWork, kLetGo, kBackOff };
  struct Grasp {
    std::array<double, 3> tcp{};  // tool centre point at grasp
    double yaw = 0;               // hand yaw (rad)
  };

  // Picks the next atom to work on and sets up its skill; false when every
  // atom holds. Throws PolicyError for an atom no skill can achieve.
  bool ChooseSubgoal(const PrivilegedState& s);
  bool PlanPickPlace(const PrivilegedState& s, const std::vector<std::string>& atom);
  // The grasp of object_ with the most room; returns that room (metres, < 0:
  // something is in the way) and names the free object limiting it.
  double PlanGrasp(const PrivilegedState& s, std::string* blocker);
  // For a region under a roof (a microwave's cavity): {where the object stands
  // in the mouth, where it is set down before sliding in}; sets mouth_dir_.
  std::array<std::array<double, 2>, 2> Mouth(const PrivilegedState& s, const PrivilegedState::Site& site,
                                             const std::string& object);
  // Direction to slide `obj` out from under a handle fin just above it, if any.
  std::optional<std::array<double, 2>> FinOverhead(const PrivilegedState& s, const PrivilegedState::Body& obj) const;
  // The (In object enclosed-region) atom's object stands in the mouth.
  bool StandsInMouth(const PrivilegedState& s, const std::vector<std::string>& atom);
  // A free spot on the surface for `blocker`, within reach, clear of
  // everything and away from `keep_clear_of`.
  std::optional<std::array<double, 2>> ClearSpot(const PrivilegedState& s, const std::string& blocker,
                                                 const std::string& keep_clear_of) const;
  void PlanJoint(const PrivilegedState& s, const std::string& joint, double target);
  ActionChunk ActPickPlace(const PrivilegedState& s);
  Action ActJoint(const PrivilegedState& s);
  Action PushDoor(const PrivilegedState& s);
  // Bookkeeping as the hand starts moving a joint from q; then, each step,
  // whether it has stopped getting closer to its target.
  void StartWork(double q);
  bool Stalled(double err);
  // Lowest height for the object's origin clearing everything along the
  // straight path from (x, y) to the target.
  double PathClearanceZ(const PrivilegedState& s, double x, double y) const;
  // The held object has moved away from where it sat in the hand after lifting.
  bool Slipped(const PrivilegedState& s) const;
  Action MoveTo(const PrivilegedState& s, const std::array<double, 3>& target, double yaw,
                double max_step, double gripper) const;

  Phase phase_ = Phase::kPlan;
  int phase_steps_ = 0;
  std::string object_;          // what is being moved
  std::array<double, 3> target_xy_z_{};  // where the object's origin should end (x, y, resting z)
  double target_rim_z_ = 0;              // top of the container it goes into (0: none)
  double backoff_z_ = 0;
  Grasp grasp_;
  std::optional<PrivilegedState::Site> container_;  // fixture region the object started in
  std::array<double, 2> start_xy_{};  // object origin when the grasp was planned
  double start_z_ = 0;
  std::array<double, 2> xy_trim_{};          // integral correction while descending onto a body
  bool centred_ = false;                     // the hand is centred over that body: go down
  std::array<double, 3> held_offset_{};      // object origin minus tcp, measured after lifting
  double held_yaw_ = 0;                      // hand yaw then
  double place_turn_ = 0;                    // turn of the hand between grasp and put-down
  std::array<double, 3> last_object_pos_{};  // to tell when a dropped object has settled
  int still_steps_ = 0;
  // Working a joint.
  std::string joint_;
  double joint_target_ = 0;
  double joint_start_q_ = 0;
  std::array<double, 3> handle_tcp_{};  // tool centre point when the fin was pinched
  double handle_yaw_ = 0;
  int best_progress_step_ = 0;          // last step the joint got closer to its target
  double best_joint_error_ = 0;
  int subgoal_atom_ = -1;               // atom being worked on
  int relocations_ = 0;                 // neighbours moved out of the way this episode
  bool push_door_ = false;              // working a door by pushing it round
  bool insert_ = false;                 // set down outside a mouth, then slid in to insert_to_
  std::array<double, 2> insert_to_{};
  std::array<double, 2> mouth_dir_{};   // out of the mouth
};

}  // namespace gauntlet::policies
