// The playtable family (CALVIN-style): the play table's compiled world and the
// episode running in it. Owned by one worker thread.
//
// An episode is a chain: Reset places the chain's start scene (from its
// symbolic start state, start_scene.h), then each subtask begins with
// BeginSubtask, which snapshots the scene; after every control step the
// subtask's rule (task_oracle.h) compares the scene with that snapshot.
//
// Control step (30 Hz), in one of CALVIN's two end-effector interfaces:
//   relative (default, harness CalvinEefDeltaSpec):
//     target position    += 0.02 m   * a[0:3]   (accumulated on the stored target,
//     target euler (xyz) += 0.05 rad * a[3:6]    not on the measured pose)
//   absolute (CalvinEefAbsSpec): target = (a[0:3] world metres, a[3:6] euler xyz)
//   gripper: open if a[6] > 0, else closed (CALVIN's +1 open)
//   16 physics steps of 1/480 s: OSC torques toward the target pose
//   the lights' logic once (desk_lights.h), then the scene snapshot
//
// Perturbations (harness/perturbation.h), applied at Reset and undone by the
// next Reset: camera (the static camera about the desk's centre), light,
// background (desk_backdrop.h), noise (the static image, a fresh draw per
// frame) and robot_init (the start joints; the stored target is the tool's
// pose there) change what the cameras see or where the arm starts, never the
// objects' physics; language is the runner's (the instructions); layout is
// refused: every chain starts from the fixed scene of its symbolic state.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "envs/camera_views.h"
#include "envs/perturbations/arm_and_view_perturber.h"
#include "envs/playtable/desk_backdrop.h"
#include "envs/playtable/desk_layout.h"
#include "envs/playtable/desk_lights.h"
#include "envs/playtable/playtable_scene.h"
#include "envs/playtable/scene_info.h"
#include "envs/playtable/start_scene.h"
#include "envs/robots/osc_controller.h"
#include "harness/camera_renderer.h"
#include "harness/env.h"
#include "harness/mujoco_handles.h"
#include "harness/mujoco_world.h"

namespace gauntlet::envs::playtable {

inline constexpr double kMaxRelPos = 0.02;  // metres per unit action (CALVIN's max_rel_pos)
inline constexpr double kMaxRelOrn = 0.05;  // radians per unit action (max_rel_orn)

// The interfaces the play table takes: CALVIN's relative actions (the
// default) and its absolute ones.
std::vector<ActionSpec> PlaytableActionSpecs();
// Cameras and state keys a playtable observation offers at a run's image sizes.
ObservationSpec PlaytableObservationSpec(const RenderOptions& render);

struct PlaytableOptions {
  std::string scene = kEvaluationScene;  // desk layout A..D
  RenderOptions render;                  // camera image sizes
  ActionKind action = ActionKind::kEefDelta;  // kEefDelta or kEefAbs
};

class PlaytableEnv : public Env, public MujocoWorld {
 public:
  static Result<std::unique_ptr<PlaytableEnv>> Create(const PlaytableOptions& options);

  const ActionSpec& action_spec() const override { return action_spec_; }
  ObservationSpec observation_spec() const override;
  std::string instruction() const override { return instruction_; }
  std::string embodiment() const override { return "panda"; }
  // spec.key.init_state indexes StartStates(): the chain's symbolic start.
  Status Reset(const EpisodeSpec& spec) override;
  // Success is now `subtask.task`'s rule, against the scene at this call.
  Status BeginSubtask(const SubtaskSpec& subtask) override;
  StepResult Step(const Action& action) override;
  // Absolute interface: the stored target with the gripper open.
  Action SettleAction() const override;
  Observation Observe(const ObservationRequest& request) override;
  PrivilegedState privileged_state() const override;
  std::string state_hash() const override;

  // Places a start scene directly (tests, tools); leaves the model's
  // perturbed fields as the last Reset set them.
  void ResetTo(const StartScene& start);
  // The scene as the success rules see it now.
  const SceneInfo& scene_info() const { return info_; }
  const DeskLayout& layout() const { return *layout_; }
  // The stored target the relative actions accumulate on and the absolute
  // ones set (world metres, euler xyz radians).
  const std::array<double, 3>& target_position() const { return target_pos_; }
  const std::array<double, 3>& target_euler() const { return target_euler_; }

  const mjModel* model() const override { return model_.get(); }
  const mjData* data() const override { return data_.get(); }
  int substeps() const override { return kSubsteps; }

 private:
  PlaytableEnv() = default;
  int WarningCount() const;
  SceneInfo CaptureSceneInfo() const;
  void SetTarget();
  void ShowLights();
  std::array<double, 3> TcpEuler() const;

  PlaytableOptions options_;
  const DeskLayout* layout_ = nullptr;
  ModelPtr model_;
  DataPtr data_;
  std::unique_ptr<OscController> controller_;
  std::unique_ptr<CameraViews> views_;  // renderer (made on the first camera request), noise frames
  std::unique_ptr<ArmAndViewPerturber> perturber_;  // camera, light, robot_init, noise
  std::unique_ptr<DeskBackdrop> backdrop_;          // background
  std::optional<Perturbation> perturbation_;        // of the current episode
  std::uint64_t episode_seed_ = 0;                  // the noise's draws
  ActionSpec action_spec_;
  std::string instruction_;
  const PlaytableTask* subtask_ = nullptr;  // the running subtask's rule
  SceneInfo start_info_;                    // the scene when it began
  SceneInfo info_;                          // the scene after the last step
  DeskLights lights_;
  std::array<double, 3> target_pos_{};
  std::array<double, 3> target_euler_{};
  double gripper_action_ = 1;               // last gripper command, +1 open / -1 close
  int warnings_at_reset_ = 0;
  // Resolved ids.
  int tcp_site_ = -1;
  int finger_qpos_[2] = {-1, -1};
  int finger_actuator_[2] = {-1, -1};
  int button_actuator_ = -1;
  int arm_qpos_[7] = {};
  int joint_qpos_[4] = {};  // slide, drawer, button, switch
  int switch_dof_ = -1;
  int block_body_[kBlockCount] = {};
  int block_qpos_[kBlockCount] = {};
  int led_geom_ = -1, bulb_geom_ = -1;
  struct BodyRef { ContactRef ref; bool robot = false; bool valid = false; };
  std::vector<BodyRef> body_ref_;  // body id -> what a contact with it means
};

}  // namespace gauntlet::envs::playtable
