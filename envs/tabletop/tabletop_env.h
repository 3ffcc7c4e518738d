// The tabletop family (LIBERO-style): one task's compiled world and the state
// of the episode running in it. Owned by one worker thread.
//
// Control step (20 Hz, LIBERO's OSC_POSE interface):
//   a <- clip(action, -1, 1)
//   goal <- tcp pose displaced by (0.05 m * a[0:3], 0.5 rad * a[3:6])   once per step
//   repeat 25 times (2 ms physics each):
//     gripper target moves 0.01 of its [-1, 1] range toward sign(a[6])
//     OSC torques; mj_step2; mj_step1   (mj_step1 leaves the next state's
//                                        kinematics, contacts and inertia)
//     a fired divergence warning ends the episode
//   evaluate the goal predicates on the new state (no extra mj_forward)
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "envs/camera_views.h"
#include "envs/tabletop/init_states.h"
#include "envs/robots/osc_controller.h"
#include "envs/tabletop/predicates.h"
#include "envs/tabletop/scene_builder.h"
#include "envs/tabletop/scene_perturber.h"
#include "harness/camera_renderer.h"
#include "harness/env.h"
#include "harness/mujoco_handles.h"
#include "harness/mujoco_world.h"

namespace gauntlet::envs::tabletop {

inline constexpr int kSubsteps = 25;              // 500 Hz physics per 20 Hz action
inline constexpr double kMaxDeltaPos = 0.05;      // metres per unit action
inline constexpr double kMaxDeltaRot = 0.5;       // radians per unit action
inline constexpr double kGripperRate = 0.01;      // of the [-1, 1] range per substep

// LIBERO's 7-d end-effector delta interface, gripper -1 open / +1 close.
ActionSpec TabletopActionSpec();
// Cameras and state keys every tabletop observation offers, at a run's image size.
ObservationSpec TabletopObservationSpec(int image_width, int image_height);

struct TabletopOptions {
  SceneOptions scene;
  RenderOptions render;  // camera image size
  std::string instruction;  // what the policy is told
};

class TabletopEnv : public Env, public MujocoWorld {
 public:
  // Builds and compiles the task's world and loads its fixed initial states.
  static Result<std::unique_ptr<TabletopEnv>> Create(const BddlTask& task,
                                                     const std::string& init_states_path,
                                                     const TabletopOptions& options);
  // For tools that make the initial states: no states loaded yet.
  static Result<std::unique_ptr<TabletopEnv>> CreateWithoutStates(const BddlTask& task,
                                                                  const TabletopOptions& options);

  const ActionSpec& action_spec() const override { return action_spec_; }
  ObservationSpec observation_spec() const override;
  std::string instruction() const override { return instruction_; }
  std::string embodiment() const override { return "panda"; }
  Status Reset(const EpisodeSpec& spec) override;
  // A chain's subtask: the goal of the task file `subtask.file`, compiled
  // against this world (its objects must be this world's).
  Status BeginSubtask(const SubtaskSpec& subtask) override;
  StepResult Step(const Action& action) override;
  Observation Observe(const ObservationRequest& request) override;
  PrivilegedState privileged_state() const override;
  std::string state_hash() const override;

  int num_init_states() const { return static_cast<int>(init_states_.states.size()); }
  // For worlds whose initial states are generated on the spot (layout variants).
  void SetInitStates(InitStateSet states) { init_states_ = std::move(states); }
  const TabletopScene& scene() const { return scene_; }
  const mjModel* model() const override { return model_.get(); }
  const mjData* data() const override { return data_.get(); }
  mjData* data() { return data_.get(); }
  int substeps() const override { return kSubsteps; }
  bool goal_holds() const;

 private:
  TabletopEnv() = default;
  int WarningCount() const;

  TabletopOptions options_;
  TabletopScene scene_;
  ModelPtr model_;
  DataPtr data_;
  std::unique_ptr<OscController> controller_;
  std::unique_ptr<GoalEvaluator> goal_;          // the task's own goal
  std::unique_ptr<GoalEvaluator> subtask_goal_;  // set while a chain's subtask runs
  std::vector<BddlAtom> subtask_atoms_;          // its atoms (what the expert plans from)
  const GoalEvaluator& active_goal() const { return subtask_goal_ ? *subtask_goal_ : *goal_; }
  const std::vector<BddlAtom>& active_atoms() const { return subtask_goal_ ? subtask_atoms_ : scene_.task.goal; }
  std::unique_ptr<CameraViews> views_;  // renderer (made on the first camera request), noise frames
  std::unique_ptr<ScenePerturber> perturber_;
  std::optional<Perturbation> perturbation_;  // of the current episode
  std::string instruction_;                   // of the current episode
  std::uint64_t episode_seed_ = 0;
  InitStateSet init_states_;
  ActionSpec action_spec_;
  double gripper_ = -1;   // gripper command state in [-1 open, +1 closed]
  int warnings_at_reset_ = 0;
  int tcp_site_ = -1;
  int finger_qpos_[2] = {-1, -1};
  int finger_actuator_[2] = {-1, -1};
  int arm_qpos_[7] = {};
  int arm_dof_[7] = {};
};

}  // namespace gauntlet::envs::tabletop
