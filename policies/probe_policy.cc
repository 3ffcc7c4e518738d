#include "policies/probe_policy.h"

#include <algorithm>
#include <cstdint>

#include "harness/policy_spec.h"

namespace gauntlet::policies {

namespace {

double MeanIntensity(const Observation& obs, const std::string& camera) {
  auto it = obs.images.find(camera);
  if (it == obs.images.end() || it->second.rgb.empty()) throw PolicyError("probe: no '" + camera + "' image");
  std::uint64_t sum = 0;
  for (std::uint8_t v : it->second.rgb) sum += v;
  return static_cast<double>(sum) / static_cast<double>(it->second.rgb.size()) / 255.0;
}

const std::vector<double>& State(const Observation& obs, const std::string& key, size_t size) {
  auto it = obs.state.find(key);
  if (it == obs.state.end() || it->second.size() != size) {
    throw PolicyError("probe: state '" + key + "' missing or not of length " + std::to_string(size));
  }
  return it->second;
}

// The position part of every action: toward `goal`, slowing down over the
// chunk (the fraction f = (H - k) / H of the header).
std::vector<Action> Reach(const double goal[3], const std::vector<double>& pos, int chunk) {
  std::vector<Action> actions;
  for (int k = 0; k < chunk; ++k) {
    const double f = static_cast<double>(chunk - k) / static_cast<double>(chunk);
    Action a(7);
    for (int i = 0; i < 3; ++i) a[i] = std::clamp(5.0 * (goal[i] - pos[i]), -1.0, 1.0) * f;
    actions.push_back(std::move(a));
  }
  return actions;
}

std::vector<Action> TabletopActions(const Observation& obs, int chunk) {
  const double m_agentview = MeanIntensity(obs, "agentview");
  const double m_wrist = MeanIntensity(obs, "wrist");
  const auto& pos = State(obs, "eef_pos", 3);
  const auto& axis_angle = State(obs, "eef_axis_angle", 3);
  const auto& fingers = State(obs, "gripper_qpos", 2);
  const double goal[3] = {-0.05 + 0.01 * static_cast<double>(obs.instruction.size() % 5), 0.0, 1.0};
  std::vector<Action> actions = Reach(goal, pos, chunk);
  for (Action& a : actions) {
    a[3] = 0.2 * (m_agentview - 0.5);
    a[4] = 0.2 * (m_wrist - 0.5);
    a[5] = 0.1 * axis_angle[2];
    a[6] = fingers[0] - fingers[1] > 0.07 ? 1.0 : -1.0;
  }
  return actions;
}

std::vector<Action> PlaytableActions(const Observation& obs, int chunk) {
  const double m_static = MeanIntensity(obs, "static");
  const double m_gripper = MeanIntensity(obs, "gripper");
  const auto& pos = State(obs, "eef_pos", 3);
  const auto& robot = State(obs, "robot_obs", 15);
  const double goal[3] = {0.02 * static_cast<double>(obs.instruction.size() % 5), -0.2, 0.6};
  std::vector<Action> actions = Reach(goal, pos, chunk);
  for (Action& a : actions) {
    a[3] = 0.2 * (m_static - 0.5);
    a[4] = 0.2 * (m_gripper - 0.5);
    a[5] = 0.1 * robot[5];
    a[6] = robot[6] > 0.07 ? 1.0 : -1.0;
  }
  return actions;
}

std::vector<Action> DualarmActions(const Observation& obs, int chunk) {
  const double m_head = MeanIntensity(obs, "head");
  const double m_left = MeanIntensity(obs, "left_wrist");
  const double m_right = MeanIntensity(obs, "right_wrist");
  const auto& q = State(obs, "joint_pos", 14);
  double s[14] = {};
  s[0] = m_head - 0.5;
  s[1] = 0.1 * static_cast<double>(obs.instruction.size() % 5) - 0.2;
  s[2] = m_left - 0.5;
  s[7] = 0.5 - m_head;
  s[9] = m_right - 0.5;
  std::vector<Action> actions;
  for (int k = 0; k < chunk; ++k) {
    const double f = static_cast<double>(chunk - k) / static_cast<double>(chunk);
    Action a(14);
    for (int j = 0; j < 14; ++j) a[j] = q[j] + (0.05 * f) * s[j];
    a[6] = q[6] > 0.5 ? 1.0 : 0.0;
    a[13] = q[13] > 0.5 ? 1.0 : 0.0;
    actions.push_back(std::move(a));
  }
  return actions;
}

}  // namespace

std::vector<Action> ProbeActions(const Observation& obs, int chunk, ProbeFamily family) {
  switch (family) {
    case ProbeFamily::kPlaytable: return PlaytableActions(obs, chunk);
    case ProbeFamily::kDualarm: return DualarmActions(obs, chunk);
    case ProbeFamily::kTabletop: break;
  }
  return TabletopActions(obs, chunk);
}

Result<std::unique_ptr<Policy>> ProbePolicy::Create(PolicyOptions options) {
  const std::string family = options.String("family", "tabletop");
  if (family != "tabletop" && family != "playtable" && family != "dualarm") {
    return Error{"--policy-opt family='" + family + "': expected tabletop, playtable or dualarm"};
  }
  auto chunk = options.Int("chunk", 4);
  if (!chunk.ok()) return chunk.error();
  if (chunk.value() < 1) return Error{"--policy-opt chunk must be at least 1"};
  auto size = options.Int("image_size", 0);
  if (!size.ok()) return size.error();
  auto orientation = ParseImageOrientation(options.String("orientation", "upright"));
  if (!orientation.ok()) return Error{"--policy-opt orientation: " + orientation.error().message};
  if (Status s = options.CheckAllKnown("probe"); !s.ok()) return Error{s.message()};
  auto policy = std::make_unique<ProbePolicy>();
  PolicyInfo& info = policy->info_;
  info.name = info.kind = "probe";
  info.action_spec = LiberoEefDeltaSpec();
  info.needs.cameras = {"agentview", "wrist"};
  info.needs.state_keys = {"eef_pos", "eef_axis_angle", "gripper_qpos"};
  if (family == "playtable") {
    policy->family_ = ProbeFamily::kPlaytable;
    info.action_spec = CalvinEefDeltaSpec();
    info.needs.cameras = {"static", "gripper"};
    info.needs.state_keys = {"eef_pos", "robot_obs"};
  } else if (family == "dualarm") {
    policy->family_ = ProbeFamily::kDualarm;
    info.action_spec = ActionSpec{};
    info.action_spec.kind = ActionKind::kDualJointPos;
    info.action_spec.dim = 14;
    info.action_spec.gripper = GripperConvention::kOneOpenZeroClose;
    info.action_spec.rotation = RotationFormat::kNone;
    info.needs.cameras = {"head", "left_wrist", "right_wrist"};
    info.needs.state_keys = {"joint_pos"};
  }
  info.action_spec.chunk_length = chunk.value();
  info.needs.image_width = info.needs.image_height = size.value();
  info.needs.orientation = orientation.value();
  info.settings_json = options.resolved().dump();
  return std::unique_ptr<Policy>(std::move(policy));
}

ActionChunk ProbePolicy::act(const Observation& observation) {
  return ActionChunk{ProbeActions(observation, info_.action_spec.chunk_length, family_), {}};
}

std::vector<PolicyAnswer> ProbePolicy::act_batch(const std::vector<PolicyQuery>& queries) {
  std::vector<PolicyAnswer> answers(queries.size());
  for (size_t i = 0; i < queries.size(); ++i) {
    try {
      answers[i].chunk = act(*queries[i].observation);
    } catch (...) {
      answers[i].error = std::current_exception();
    }
  }
  return answers;
}

}  // namespace gauntlet::policies
