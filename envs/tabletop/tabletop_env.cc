#include "envs/tabletop/tabletop_env.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "envs/mujoco_state.h"
#include "envs/perturbations/arm_and_view_perturber.h"
#include "envs/robots/panda_robot.h"
#include "harness/hashing.h"

namespace gauntlet::envs::tabletop {

namespace {

// The joints of fixture `f` with what an expert needs to work them: axis,
// handle (a site "<...>_handle" on the moving part) and the joint values
// that satisfy each predicate with a margin, inside the joint's range.
void AddArticulations(const mjModel* m, const mjData* d, const SceneInstance& f, PrivilegedState* ps) {
  const Articulation& a = *f.model->articulation;
  const int root = mj_name2id(m, mjOBJ_BODY, f.name.c_str());
  for (int j = 0; j < m->njnt; ++j) {
    if (m->jnt_type[j] == mjJNT_FREE) continue;
    int b = m->jnt_bodyid[j];
    while (b > 0 && b != root) b = m->body_parentid[b];
    if (b != root) continue;
    PrivilegedState::Articulation art;
    art.owner = f.name;
    art.q = d->qpos[m->jnt_qposadr[j]];
    art.hinge = m->jnt_type[j] == mjJNT_HINGE;
    for (int k = 0; k < 3; ++k) {
      art.anchor[k] = d->xanchor[3 * j + k];
      art.axis[k] = d->xaxis[3 * j + k];
    }
    for (int s = 0; s < m->nsite; ++s) {
      const char* name = mj_id2name(m, mjOBJ_SITE, s);
      const std::string n = name ? name : "";
      if (m->site_bodyid[s] == m->jnt_bodyid[j] && n.size() > 7 && n.compare(n.size() - 7, 7, "_handle") == 0) {
        Pose pose;
        pose.pos = {d->site_xpos[3 * s], d->site_xpos[3 * s + 1], d->site_xpos[3 * s + 2]};
        pose.quat = MatToQuat(d->site_xmat + 9 * s);
        art.handle = pose;
        art.handle_reach_back = m->site_size[3 * s];
      }
    }
    const double lo = m->jnt_range[2 * j], hi = m->jnt_range[2 * j + 1];
    const double margin = art.hinge ? 0.15 : 0.05;
    auto clamp = [&](double v) { return std::clamp(v, lo, hi); };
    // A drawer opens all the way (a centimetre short of its stop): the most
    // room to put something in past the tabs of the drawers above.
    if (a.open_below) art.targets["open"] = art.hinge ? clamp(*a.open_below - margin) : lo + 0.01;
    if (a.closed_above) art.targets["close"] = hi;
    if (a.on_at_least) art.targets["turnon"] = clamp(*a.on_at_least + 2 * margin);
    if (a.off_below) art.targets["turnoff"] = lo;
    ps->articulations[mj_id2name(m, mjOBJ_JOINT, j)] = art;
  }
}

}  // namespace

ActionSpec TabletopActionSpec() { return LiberoEefDeltaSpec(); }

Result<std::unique_ptr<TabletopEnv>> TabletopEnv::CreateWithoutStates(
    const BddlTask& task, const TabletopOptions& options) {
  auto scene = BuildScene(task, options.scene);
  if (!scene.ok()) return scene.error();
  auto model = CompileMjcf(scene.value().mjcf, task.source);
  if (!model.ok()) return model.error();
  std::unique_ptr<TabletopEnv> env(new TabletopEnv());
  env->options_ = options;
  env->views_ = std::make_unique<CameraViews>(options.render, kAgentviewCamera);
  env->scene_ = std::move(scene).value();
  env->model_ = std::move(model).value();
  env->data_ = MakeData(env->model_.get());
  const mjModel* m = env->model_.get();
  auto goal = GoalEvaluator::Compile(m, env->scene_, task.goal);
  if (!goal.ok()) return goal.error();
  env->goal_ = std::make_unique<GoalEvaluator>(std::move(goal).value());
  env->controller_ = std::make_unique<OscController>(m);
  env->tcp_site_ = mj_name2id(m, mjOBJ_SITE, kTcpSite);
  const char* fingers[2] = {kLeftFingerJoint, kRightFingerJoint};
  for (int i = 0; i < 2; ++i) {
    int j = mj_name2id(m, mjOBJ_JOINT, fingers[i]);
    env->finger_qpos_[i] = m->jnt_qposadr[j];
    env->finger_actuator_[i] = mj_name2id(m, mjOBJ_ACTUATOR, (std::string(fingers[i]) + "_servo").c_str());
  }
  for (int i = 0; i < PandaSpec::kArmDofs; ++i) {
    int j = mj_name2id(m, mjOBJ_JOINT, ArmJointName(i));
    env->arm_qpos_[i] = m->jnt_qposadr[j];
    env->arm_dof_[i] = m->jnt_dofadr[j];
  }
  env->action_spec_ = TabletopActionSpec();
  std::array<int, 7> arm_qpos, arm_dof;
  std::copy(env->arm_qpos_, env->arm_qpos_ + 7, arm_qpos.begin());
  std::copy(env->arm_dof_, env->arm_dof_ + 7, arm_dof.begin());
  env->perturber_ = std::make_unique<ScenePerturber>(m, *env->scene_.arena, arm_qpos, arm_dof);
  env->instruction_ = options.instruction;
  return env;
}

Result<std::unique_ptr<TabletopEnv>> TabletopEnv::Create(const BddlTask& task,
                                                         const std::string& init_states_path,
                                                         const TabletopOptions& options) {
  auto env = CreateWithoutStates(task, options);
  if (!env.ok()) return env.error();
  auto states = LoadInitStates(init_states_path, env.value()->model());
  if (!states.ok()) return states.error();
  env.value()->init_states_ = std::move(states).value();
  return env;
}

int TabletopEnv::WarningCount() const { return DivergenceWarnings(data_.get()); }

Status TabletopEnv::Reset(const EpisodeSpec& spec) {
  const int index = spec.key.init_state;
  if (index < 0 || index >= num_init_states()) {
    return Error{"initial state " + std::to_string(index) + " does not exist for task '" +
                 spec.key.task + "' (it has " + std::to_string(num_init_states()) + ")"};
  }
  if (Status st = perturber_->ApplyToModel(model_.get(), spec.perturbation); !st.ok()) return st;
  perturbation_ = spec.perturbation;
  subtask_goal_.reset();
  subtask_atoms_.clear();
  instruction_ = spec.instruction.empty() ? options_.instruction : spec.instruction;
  episode_seed_ = DeriveSeed(spec.key, 0x6e6f697365);  // "noise"
  views_->BeginEpisode();
  const mjModel* m = model_.get();
  mjData* d = data_.get();
  mj_resetData(m, d);
  const InitState& s = init_states_.states[index];
  std::copy(s.qpos.begin(), s.qpos.end(), d->qpos);
  std::copy(s.qvel.begin(), s.qvel.end(), d->qvel);
  // After the object state is restored, as LIBERO-Plus intends (its loop
  // overwrites the arm with the stored state; see README).
  if (Status st = perturber_->ApplyToState(m, d, spec.perturbation); !st.ok()) return st;
  gripper_ = -1;
  for (int a : finger_actuator_) d->ctrl[a] = PandaSpec::kFingerTravel;
  mj_forward(m, d);
  controller_->SetDeltaGoal(d, {0, 0, 0, 0, 0, 0});
  warnings_at_reset_ = WarningCount();
  return Status::Ok();
}

StepResult TabletopEnv::Step(const Action& action) {
  const mjModel* m = model_.get();
  mjData* d = data_.get();
  std::array<double, 6> delta;
  for (int i = 0; i < 6; ++i) {
    delta[i] = std::clamp(action[i], -1.0, 1.0) * (i < 3 ? kMaxDeltaPos : kMaxDeltaRot);
  }
  controller_->SetDeltaGoal(d, delta);
  const double direction = action[6] > 0 ? 1.0 : (action[6] < 0 ? -1.0 : 0.0);
  StepResult result;
  for (int s = 0; s < kSubsteps; ++s) {
    gripper_ = std::clamp(gripper_ + kGripperRate * direction, -1.0, 1.0);
    // -1 -> fingers fully open; +1 -> target past the closed stop, squeezing.
    const double lo = m->actuator_ctrlrange[2 * finger_actuator_[0]];
    const double target = PandaSpec::kFingerTravel + (lo - PandaSpec::kFingerTravel) * (gripper_ + 1) / 2;
    for (int a : finger_actuator_) d->ctrl[a] = target;
    // The state already has positions, velocities and contacts computed (by
    // Reset's mj_forward or the previous substep's mj_step1): control from it,
    // integrate, and compute the next state's, which is also what the goal
    // predicates and observations read after the last substep.
    controller_->ApplyTorques(m, d);
    mj_step2(m, d);
    mj_step1(m, d);
    if (WarningCount() != warnings_at_reset_) {
      result.diverged = true;  // MuJoCo has already reset the state: report, never evaluate
      result.info = DivergenceReason(d);
      return result;
    }
  }
  result.success = active_goal().AllHold(m, d);
  return result;
}

bool TabletopEnv::goal_holds() const { return active_goal().AllHold(model_.get(), data_.get()); }

Status TabletopEnv::BeginSubtask(const SubtaskSpec& subtask) {
  if (subtask.file.empty()) return Error{"subtask '" + subtask.task + "' names no task file"};
  auto bddl = LoadBddlFile(subtask.file);
  if (!bddl.ok()) return bddl.error();
  auto goal = GoalEvaluator::Compile(model_.get(), scene_, bddl.value().goal);
  if (!goal.ok()) return Error{"subtask '" + subtask.task + "' in this world: " + goal.error().message};
  subtask_goal_ = std::make_unique<GoalEvaluator>(std::move(goal).value());
  subtask_atoms_ = bddl.value().goal;
  instruction_ = subtask.instruction;
  return Status::Ok();
}

ObservationSpec TabletopObservationSpec(int image_width, int image_height) {
  ObservationSpec spec;
  spec.cameras = {kAgentviewCamera, kWristCamera};
  spec.image_width = image_width;
  spec.image_height = image_height;
  spec.state = {{"eef_pos", 3},      {"eef_quat", 4},  {"eef_axis_angle", 3},
                {"gripper_qpos", 2}, {"joint_pos", 7}, {"joint_vel", 7}};
  return spec;
}

ObservationSpec TabletopEnv::observation_spec() const {
  ObservationSpec spec = TabletopObservationSpec(options_.render.width, options_.render.height);
  spec.camera_sizes = options_.render.camera_sizes;
  return spec;
}

Observation TabletopEnv::Observe(const ObservationRequest& request) {
  const mjModel* m = model_.get();
  mjData* d = data_.get();
  Observation obs;
  obs.instruction = instruction_;
  const double* p = d->site_xpos + 3 * tcp_site_;
  auto q = MatToQuat(d->site_xmat + 9 * tcp_site_);
  obs.state["eef_pos"] = {p[0], p[1], p[2]};
  obs.state["eef_quat"] = {q[0], q[1], q[2], q[3]};
  // Axis-angle with the angle in [0, pi], as LIBERO's quat2axisangle gives it.
  double w = std::clamp(q[0], -1.0, 1.0), sign = w < 0 ? -1.0 : 1.0;
  double angle = 2 * std::acos(std::abs(w));
  double s = std::sqrt(std::max(0.0, 1 - w * w));
  std::vector<double> aa(3, 0.0);
  if (s > 1e-9) {
    for (int i = 0; i < 3; ++i) aa[i] = sign * q[1 + i] / s * angle;
  }
  obs.state["eef_axis_angle"] = aa;
  obs.state["gripper_qpos"] = {d->qpos[finger_qpos_[0]], -d->qpos[finger_qpos_[1]]};
  std::vector<double> joints(7), vel(7);
  for (int i = 0; i < 7; ++i) {
    joints[i] = d->qpos[arm_qpos_[i]];
    vel[i] = d->qvel[arm_dof_[i]];
  }
  obs.state["joint_pos"] = joints;
  obs.state["joint_vel"] = vel;
  views_->Render(m, d, request.cameras, perturbation_, episode_seed_, &obs.images);
  if (request.privileged) obs.privileged = privileged_state();
  return obs;
}

PrivilegedState TabletopEnv::privileged_state() const {
  const mjModel* m = model_.get();
  const mjData* d = data_.get();
  PrivilegedState ps;
  auto add_body = [&](const SceneInstance& inst) {
    int b = mj_name2id(m, mjOBJ_BODY, inst.name.c_str());
    PrivilegedState::Body body;
    body.category = inst.model->category;
    body.pose.pos = {d->xpos[3 * b], d->xpos[3 * b + 1], d->xpos[3 * b + 2]};
    body.pose.quat = {d->xquat[4 * b], d->xquat[4 * b + 1], d->xquat[4 * b + 2], d->xquat[4 * b + 3]};
    body.half_extent = inst.model->half_extent;
    body.bottom = 0;
    body.rim_radius = inst.model->rim_radius;
    body.support_height = inst.model->support_height;
    body.grasp_height = inst.model->grasp_height;
    body.fixture = inst.model->fixture;
    ps.objects[inst.name] = body;
  };
  for (const auto& f : scene_.fixtures) add_body(f);
  for (const auto& o : scene_.objects) add_body(o);
  for (int s = 0; s < m->nsite; ++s) {
    const char* name = mj_id2name(m, mjOBJ_SITE, s);
    if (name == nullptr || s == tcp_site_) continue;
    PrivilegedState::Site site;
    site.pose.pos = {d->site_xpos[3 * s], d->site_xpos[3 * s + 1], d->site_xpos[3 * s + 2]};
    site.pose.quat = MatToQuat(d->site_xmat + 9 * s);
    site.half_size = {m->site_size[3 * s], m->site_size[3 * s + 1], m->site_size[3 * s + 2]};
    int body = m->site_bodyid[s];
    while (body > 0 && m->body_parentid[body] > 0) body = m->body_parentid[body];
    site.parent = body > 0 ? mj_id2name(m, mjOBJ_BODY, body) : "";
    if (site.parent == scene_.arena->surface) site.parent.clear();
    for (int j = 0; j < m->njnt; ++j) {
      if (m->jnt_bodyid[j] == m->site_bodyid[s] && m->jnt_type[j] != mjJNT_FREE) {
        site.joint = mj_id2name(m, mjOBJ_JOINT, j);
      }
    }
    for (const SceneInstance& f : scene_.fixtures) {
      for (const RegionSite& r : f.model->regions) {
        if (r.enclosed && f.name + "_" + r.suffix == name) site.enclosed = true;
      }
    }
    ps.regions[name] = site;
  }
  for (int j = 0; j < m->njnt; ++j) {
    if (m->jnt_type[j] == mjJNT_FREE) continue;
    ps.joints[mj_id2name(m, mjOBJ_JOINT, j)] = d->qpos[m->jnt_qposadr[j]];
  }
  for (const SceneInstance& f : scene_.fixtures) {
    if (f.model->articulation) AddArticulations(m, d, f, &ps);
  }
  const std::vector<BddlAtom>& atoms = active_atoms();
  for (size_t i = 0; i < atoms.size(); ++i) {
    const BddlAtom& atom = atoms[i];
    std::vector<std::string> a{atom.predicate};
    a.insert(a.end(), atom.args.begin(), atom.args.end());
    ps.goal.push_back(a);
    ps.goal_holds.push_back(active_goal().Holds(m, d, static_cast<int>(i)));
  }
  const double* p = d->site_xpos + 3 * tcp_site_;
  ps.eef.pos = {p[0], p[1], p[2]};
  ps.eef.quat = MatToQuat(d->site_xmat + 9 * tcp_site_);
  ps.gripper_opening = d->qpos[finger_qpos_[0]] + d->qpos[finger_qpos_[1]];
  ps.robot_base = scene_.robot_base;
  return ps;
}

std::string TabletopEnv::state_hash() const {
  return Hex16(StateDigest(model_.get(), data_.get()));
}

}  // namespace gauntlet::envs::tabletop
