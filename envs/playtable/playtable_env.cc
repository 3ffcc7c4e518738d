#include "envs/playtable/playtable_env.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "envs/mujoco_state.h"
#include "envs/playtable/symbolic_state.h"
#include "envs/playtable/task_oracle.h"
#include "envs/robots/panda_robot.h"
#include "harness/hashing.h"
#include "harness/rotation_conversions.h"

namespace gauntlet::envs::playtable {

namespace {

// Finger servo targets: open = each finger at its 4 cm stop; closed = past
// the closed stop, so the fingers keep squeezing what they hold.
constexpr double kFingerOpen = PandaSpec::kFingerTravel;

std::array<double, 9> QuatToMat(const std::array<double, 4>& q) {
  mjtNum mat[9];
  const mjtNum quat[4] = {q[0], q[1], q[2], q[3]};
  mju_quat2Mat(mat, quat);
  std::array<double, 9> out;
  std::copy(mat, mat + 9, out.begin());
  return out;
}

constexpr const char* kJointNames[4] = {kSlideJoint, kDrawerJoint, kButtonJoint, kSwitchJoint};

}  // namespace

std::vector<ActionSpec> PlaytableActionSpecs() { return {CalvinEefDeltaSpec(), CalvinEefAbsSpec()}; }

ObservationSpec PlaytableObservationSpec(const RenderOptions& render) {
  ObservationSpec spec;
  spec.cameras = {kStaticCamera, kGripperCamera};
  spec.image_width = render.width;
  spec.image_height = render.height;
  spec.camera_sizes = render.camera_sizes;
  spec.state = {{"robot_obs", 15}, {"scene_obs", 24}, {"eef_pos", 3}, {"eef_quat", 4}};
  return spec;
}

Result<std::unique_ptr<PlaytableEnv>> PlaytableEnv::Create(const PlaytableOptions& options) {
  auto layout = FindDeskLayout(options.scene);
  if (!layout.ok()) return layout.error();
  if (options.action != ActionKind::kEefDelta && options.action != ActionKind::kEefAbs) {
    return Error{std::string("the play table takes eef_delta or eef_abs actions, not ") + ToString(options.action)};
  }
  PlaytableSceneOptions scene;
  const ImageSize largest = LargestRenderSize(options.render);
  scene.offscreen_width = largest.width;
  scene.offscreen_height = largest.height;
  scene.shadows = options.render.shadows;
  auto model = CompileMjcf(PlaytableMjcf(*layout.value(), scene), "playtable scene " + options.scene);
  if (!model.ok()) return model.error();
  std::unique_ptr<PlaytableEnv> env(new PlaytableEnv());
  env->options_ = options;
  env->views_ = std::make_unique<CameraViews>(options.render, kStaticCamera);
  env->layout_ = layout.value();
  env->model_ = std::move(model).value();
  env->data_ = MakeData(env->model_.get());
  env->action_spec_ = options.action == ActionKind::kEefAbs ? CalvinEefAbsSpec() : CalvinEefDeltaSpec();
  const mjModel* m = env->model_.get();
  // Stiffer than LIBERO's OSC and coupled (osc_controller.h): CALVIN's
  // position-controlled arm reaches a stored target within a step or two
  // and holds it; so does this one (about 1.5 steps of lag at full speed).
  env->controller_ = std::make_unique<OscController>(m, OscGains{400, 10, true});
  env->tcp_site_ = mj_name2id(m, mjOBJ_SITE, kTcpSite);
  const char* fingers[2] = {kLeftFingerJoint, kRightFingerJoint};
  for (int i = 0; i < 2; ++i) {
    env->finger_qpos_[i] = m->jnt_qposadr[mj_name2id(m, mjOBJ_JOINT, fingers[i])];
    env->finger_actuator_[i] = mj_name2id(m, mjOBJ_ACTUATOR, (std::string(fingers[i]) + "_servo").c_str());
  }
  env->button_actuator_ = mj_name2id(m, mjOBJ_ACTUATOR, "button_spring");
  for (int i = 0; i < PandaSpec::kArmDofs; ++i) {
    env->arm_qpos_[i] = m->jnt_qposadr[mj_name2id(m, mjOBJ_JOINT, ArmJointName(i))];
  }
  for (int i = 0; i < 4; ++i) env->joint_qpos_[i] = m->jnt_qposadr[mj_name2id(m, mjOBJ_JOINT, kJointNames[i])];
  env->switch_dof_ = m->jnt_dofadr[mj_name2id(m, mjOBJ_JOINT, kSwitchJoint)];
  for (int b = 0; b < kBlockCount; ++b) {
    env->block_body_[b] = mj_name2id(m, mjOBJ_BODY, BlockBodyName(b).c_str());
    env->block_qpos_[b] = m->jnt_qposadr[m->body_jntadr[env->block_body_[b]]];
  }
  PerturbableParts parts;
  parts.camera = mj_name2id(m, mjOBJ_CAMERA, kStaticCamera);
  parts.pivot = {0, 0, kTableTopZ};  // the desk's centre on its top
  parts.tilt_axis = AxisAcrossView(m, parts.camera, parts.pivot);
  parts.aim_scale = m->cam_fovy[parts.camera] / 45.0;  // CALVIN's static camera sees 10 degrees
  parts.light = 0;  // the key light, the scene's first
  for (int i = 0; i < PandaSpec::kArmDofs; ++i) parts.arm_joints.push_back(mj_name2id(m, mjOBJ_JOINT, ArmJointName(i)));
  env->perturber_ = std::make_unique<ArmAndViewPerturber>(m, std::move(parts));
  env->backdrop_ = std::make_unique<DeskBackdrop>(m, *env->layout_);
  env->led_geom_ = mj_name2id(m, mjOBJ_GEOM, kLedGeom);
  env->bulb_geom_ = mj_name2id(m, mjOBJ_GEOM, kBulbGeom);

  // What a contact with each body means to the success rules: the arm (any
  // of its links), one of the desk's links, a block, or nothing (the floor).
  const std::pair<const char*, DeskLink> desk[] = {
      {kDeskBody, DeskLink::kBase},     {kSlideBody, DeskLink::kSlide}, {kDrawerBody, DeskLink::kDrawer},
      {kPlankBody, DeskLink::kPlank},   {kButtonBody, DeskLink::kButton}, {kSwitchBody, DeskLink::kSwitch},
      {kLedBody, DeskLink::kLed},       {kLightBody, DeskLink::kLight}};
  env->body_ref_.assign(m->nbody, BodyRef{});
  for (const auto& [name, link] : desk) {
    env->body_ref_[mj_name2id(m, mjOBJ_BODY, name)] = {ContactRef::OfDesk(link), false, true};
  }
  for (int b = 0; b < kBlockCount; ++b) env->body_ref_[env->block_body_[b]] = {ContactRef::OfBlock(b), false, true};
  const int robot_root = mj_name2id(m, mjOBJ_BODY, "robot0_link0");
  for (int b = 1; b < m->nbody; ++b) {
    int root = b;
    while (m->body_parentid[root] != 0) root = m->body_parentid[root];
    if (root == robot_root) env->body_ref_[b] = {ContactRef::Robot(), true, true};
  }
  return env;
}

int PlaytableEnv::WarningCount() const { return DivergenceWarnings(data_.get()); }

std::array<double, 3> PlaytableEnv::TcpEuler() const {
  return QuatWxyzToEulerXyz(MatToQuat(data_->site_xmat + 9 * tcp_site_));
}

void PlaytableEnv::SetTarget() {
  controller_->SetGoal(target_pos_, QuatToMat(EulerXyzToQuatWxyz(target_euler_[0], target_euler_[1], target_euler_[2])));
}

void PlaytableEnv::ShowLights() {
  float* led = model_->geom_rgba + 4 * led_geom_;
  float* bulb = model_->geom_rgba + 4 * bulb_geom_;
  // White when off; the LED green and the bulb yellow when on (CALVIN's colours).
  led[0] = lights_.led() ? 0.f : 1.f;
  led[2] = lights_.led() ? 0.f : 1.f;
  bulb[2] = lights_.lightbulb() ? 0.f : 1.f;
}

void PlaytableEnv::ResetTo(const StartScene& start) {
  const mjModel* m = model_.get();
  mjData* d = data_.get();
  mj_resetData(m, d);
  for (int b = 0; b < kBlockCount; ++b) {
    double* q = d->qpos + block_qpos_[b];
    const auto quat = EulerXyzToQuatWxyz(0, 0, start.block_yaws[b]);
    std::copy(start.block_positions[b].begin(), start.block_positions[b].end(), q);
    std::copy(quat.begin(), quat.end(), q + 3);
  }
  const double joints[4] = {start.slider, start.drawer, start.button, start.switch_joint};
  for (int i = 0; i < 4; ++i) d->qpos[joint_qpos_[i]] = joints[i];
  for (int i = 0; i < PandaSpec::kArmDofs; ++i) d->qpos[arm_qpos_[i]] = start.arm_joints[i];
  for (int f : finger_qpos_) d->qpos[f] = kFingerOpen;
  for (int a : finger_actuator_) d->ctrl[a] = kFingerOpen;
  d->ctrl[button_actuator_] = m->actuator_ctrlrange[2 * button_actuator_];
  gripper_action_ = 1;
  lights_.Reset(start.led, start.lightbulb, start.button);
  ShowLights();
  mj_forward(m, d);
  std::array<double, 7> rest;
  std::copy(start.arm_joints.begin(), start.arm_joints.end(), rest.begin());
  controller_->SetRestPose(rest);
  const double* p = d->site_xpos + 3 * tcp_site_;
  target_pos_ = {p[0], p[1], p[2]};
  target_euler_ = TcpEuler();
  SetTarget();
  subtask_ = nullptr;
  info_ = CaptureSceneInfo();
  warnings_at_reset_ = WarningCount();
}

Status PlaytableEnv::Reset(const EpisodeSpec& spec) {
  const auto& states = StartStates();
  const int index = spec.key.init_state;
  if (index < 0 || index >= static_cast<int>(states.size())) {
    return Error{"start state " + std::to_string(index) + " does not exist (the play table has " +
                 std::to_string(states.size()) + " symbolic start states)"};
  }
  const std::optional<Perturbation>& p = spec.perturbation;
  if (p && p->dimension == "layout") {
    return Error{"layout perturbations do not apply to the play table ('" + spec.key.variant +
                 "'): each chain starts from the fixed scene of its symbolic start state"};
  }
  if (Status st = perturber_->ApplyToModel(model_.get(), p); !st.ok()) return st;
  if (Status st = backdrop_->Apply(model_.get(), p); !st.ok()) return st;
  StartScene start = BuildStartScene(states[index]);
  // Before the scene is placed, so the stored target and the controller's
  // rest posture follow from the offset joints.
  if (Status st = perturber_->OffsetArm(model_.get(), p, start.arm_joints.data()); !st.ok()) return st;
  perturbation_ = p;
  episode_seed_ = DeriveSeed(spec.key, 0x6e6f697365);  // "noise"
  views_->BeginEpisode();
  instruction_ = spec.instruction;
  ResetTo(start);
  return Status::Ok();
}

Status PlaytableEnv::BeginSubtask(const SubtaskSpec& subtask) {
  const PlaytableTask* task = FindPlaytableTask(subtask.task);
  if (task == nullptr) return Error{"'" + subtask.task + "' is not a play-table task"};
  subtask_ = task;
  start_info_ = info_;
  instruction_ = subtask.instruction;
  return Status::Ok();
}

SceneInfo PlaytableEnv::CaptureSceneInfo() const {
  const mjModel* m = model_.get();
  const mjData* d = data_.get();
  SceneInfo info;
  for (int b = 0; b < kBlockCount; ++b) {
    BlockInfo& block = info.blocks[b];
    const int body = block_body_[b];
    std::copy(d->xpos + 3 * body, d->xpos + 3 * body + 3, block.position.begin());
    std::copy(d->xquat + 4 * body, d->xquat + 4 * body + 4, block.orientation.begin());
    mjtNum vel[6];  // [angular; linear] at the body's centre, world axes
    mj_objectVelocity(m, d, mjOBJ_BODY, body, vel, 0);
    block.angular_velocity = {vel[0], vel[1], vel[2]};
    block.linear_velocity = {vel[3], vel[4], vel[5]};
  }
  for (int i = 0; i < d->ncon; ++i) {
    const mjContact& c = d->contact[i];
    if (c.dist > kContactTolerance) continue;
    const BodyRef& a = body_ref_[m->geom_bodyid[c.geom1]];
    const BodyRef& b = body_ref_[m->geom_bodyid[c.geom2]];
    if (!a.valid || !b.valid) continue;
    auto note = [&](const BodyRef& self, const BodyRef& other) {
      if (self.robot && !other.robot) info.robot_contacts.insert(other.ref);
      if (self.ref.kind == ContactRef::Kind::kBlock && self.ref != other.ref) {
        info.blocks[self.ref.index].contacts.insert(other.ref);
      }
    };
    note(a, b);
    note(b, a);
  }
  info.slide_position = d->qpos[joint_qpos_[0]];
  info.drawer_position = d->qpos[joint_qpos_[1]];
  info.button_position = d->qpos[joint_qpos_[2]];
  info.switch_position = d->qpos[joint_qpos_[3]];
  info.lightbulb = lights_.lightbulb();
  info.led = lights_.led();
  return info;
}

StepResult PlaytableEnv::Step(const Action& action) {
  const mjModel* m = model_.get();
  mjData* d = data_.get();
  const bool absolute = action_spec_.kind == ActionKind::kEefAbs;
  for (int i = 0; i < 3; ++i) {
    target_pos_[i] = absolute ? action[i] : target_pos_[i] + kMaxRelPos * action[i];
    target_euler_[i] = absolute ? action[3 + i] : target_euler_[i] + kMaxRelOrn * action[3 + i];
  }
  SetTarget();
  gripper_action_ = action[6] > 0 ? 1.0 : -1.0;
  const double finger = gripper_action_ > 0 ? kFingerOpen : m->actuator_ctrlrange[2 * finger_actuator_[0]];
  for (int a : finger_actuator_) d->ctrl[a] = finger;
  StepResult result;
  for (int s = 0; s < kSubsteps; ++s) {
    // Positions, velocities and contacts are current (Reset's mj_forward or
    // the previous substep's mj_step1): control, integrate, recompute.
    controller_->ApplyTorques(m, d);
    // The switch's rail climbs at 60 degrees; its weight (2 N) is below the
    // 4 N that holds it, which in PyBullet is a hard constraint but in
    // MuJoCo's soft friction would let it creep down. Carry the weight.
    d->qfrc_applied[switch_dof_] = d->qfrc_bias[switch_dof_];
    mj_step2(m, d);
    mj_step1(m, d);
    if (WarningCount() != warnings_at_reset_) {
      result.diverged = true;  // MuJoCo has already reset the state: report, never evaluate
      result.info = DivergenceReason(d);
      return result;
    }
  }
  lights_.Update(d->qpos[joint_qpos_[2]], d->qpos[joint_qpos_[3]]);
  ShowLights();
  info_ = CaptureSceneInfo();
  result.success = subtask_ != nullptr && TaskSucceeded(*subtask_, start_info_, info_);
  return result;
}

Action PlaytableEnv::SettleAction() const {
  if (action_spec_.kind != ActionKind::kEefAbs) return HoldStillOpen(action_spec_);
  return {target_pos_[0], target_pos_[1], target_pos_[2], target_euler_[0], target_euler_[1], target_euler_[2], 1};
}

ObservationSpec PlaytableEnv::observation_spec() const { return PlaytableObservationSpec(options_.render); }

Observation PlaytableEnv::Observe(const ObservationRequest& request) {
  const mjModel* m = model_.get();
  mjData* d = data_.get();
  Observation obs;
  obs.instruction = instruction_;
  const double* p = d->site_xpos + 3 * tcp_site_;
  const auto quat = MatToQuat(d->site_xmat + 9 * tcp_site_);
  const auto euler = QuatWxyzToEulerXyz(quat);
  std::vector<double> robot = {p[0], p[1], p[2], euler[0], euler[1], euler[2],
                               d->qpos[finger_qpos_[0]] + d->qpos[finger_qpos_[1]]};
  for (int i = 0; i < PandaSpec::kArmDofs; ++i) robot.push_back(d->qpos[arm_qpos_[i]]);
  robot.push_back(gripper_action_);
  std::vector<double> scene = {info_.slide_position, info_.drawer_position, info_.button_position,
                               info_.switch_position, static_cast<double>(info_.lightbulb),
                               static_cast<double>(info_.led)};
  for (int b = 0; b < kBlockCount; ++b) {
    const BlockInfo& block = info_.blocks[b];
    const auto e = QuatWxyzToEulerXyz(block.orientation);
    scene.insert(scene.end(), block.position.begin(), block.position.end());
    scene.insert(scene.end(), e.begin(), e.end());
  }
  obs.state["robot_obs"] = std::move(robot);
  obs.state["scene_obs"] = std::move(scene);
  obs.state["eef_pos"] = {p[0], p[1], p[2]};
  obs.state["eef_quat"] = {quat[0], quat[1], quat[2], quat[3]};
  views_->Render(m, d, request.cameras, perturbation_, episode_seed_, &obs.images);
  if (request.privileged) obs.privileged = privileged_state();
  return obs;
}

PrivilegedState PlaytableEnv::privileged_state() const {
  const mjModel* m = model_.get();
  const mjData* d = data_.get();
  PrivilegedState ps;
  for (int b = 0; b < kBlockCount; ++b) {
    PrivilegedState::Body body;
    body.category = "block";
    std::copy(info_.blocks[b].position.begin(), info_.blocks[b].position.end(), body.pose.pos.begin());
    body.pose.quat = info_.blocks[b].orientation;
    for (int k = 0; k < 3; ++k) body.half_extent[k] = layout_->block_size[b][k] / 2;
    body.bottom = -body.half_extent[2];
    ps.objects[BlockBodyName(b)] = body;
  }
  for (int j = 0; j < m->njnt; ++j) {
    if (m->jnt_type[j] == mjJNT_FREE) continue;
    ps.joints[mj_id2name(m, mjOBJ_JOINT, j)] = d->qpos[m->jnt_qposadr[j]];
  }
  ps.joints["led"] = info_.led;
  ps.joints["lightbulb"] = info_.lightbulb;
  // Regions: every site (handles, the shelf's halves, the drawer's inside).
  for (int s = 0; s < m->nsite; ++s) {
    const char* name = mj_id2name(m, mjOBJ_SITE, s);
    if (name == nullptr || s == tcp_site_) continue;
    PrivilegedState::Site site;
    site.pose.pos = {d->site_xpos[3 * s], d->site_xpos[3 * s + 1], d->site_xpos[3 * s + 2]};
    site.pose.quat = MatToQuat(d->site_xmat + 9 * s);
    site.half_size = {m->site_size[3 * s], m->site_size[3 * s + 1], m->site_size[3 * s + 2]};
    site.parent = mj_id2name(m, mjOBJ_BODY, m->site_bodyid[s]);
    ps.regions[name] = site;
  }
  // The desk's joints, each with the site where a hand works it and the
  // values CALVIN's states use (its rules need moves of 0.15 / 0.12 m).
  const char* handles[4] = {kSlideHandleSite, kDrawerHandleSite, kButtonTopSite, kSwitchHandleSite};
  for (int i = 0; i < 4; ++i) {
    const int j = mj_name2id(m, mjOBJ_JOINT, kJointNames[i]);
    PrivilegedState::Articulation art;
    art.owner = mj_id2name(m, mjOBJ_BODY, m->jnt_bodyid[j]);
    art.q = d->qpos[m->jnt_qposadr[j]];
    for (int k = 0; k < 3; ++k) {
      art.anchor[k] = d->xanchor[3 * j + k];
      art.axis[k] = d->xaxis[3 * j + k];
    }
    art.handle = ps.regions.at(handles[i]).pose;
    art.targets["low"] = m->jnt_range[2 * j];
    art.targets["high"] = m->jnt_range[2 * j + 1];
    ps.articulations[kJointNames[i]] = art;
  }
  if (subtask_ != nullptr) {
    ps.goal.push_back({subtask_->name});
    ps.goal_holds.push_back(TaskSucceeded(*subtask_, start_info_, info_));
  }
  const double* p = d->site_xpos + 3 * tcp_site_;
  ps.eef.pos = {p[0], p[1], p[2]};
  ps.eef.quat = MatToQuat(d->site_xmat + 9 * tcp_site_);
  ps.gripper_opening = d->qpos[finger_qpos_[0]] + d->qpos[finger_qpos_[1]];
  ps.robot_base = kRobotBase;
  return ps;
}

std::string PlaytableEnv::state_hash() const {
  // The lights' logic is state the physics does not hold.
  const int lights[2] = {lights_.led(), lights_.lightbulb()};
  const std::uint64_t h = Fnv1a64Bytes(lights, sizeof(lights), StateDigest(model_.get(), data_.get()));
  return Hex16(h);
}

}  // namespace gauntlet::envs::playtable
