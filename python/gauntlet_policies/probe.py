"""The probe policy's Python twin (see policies/probe_policy.h for the function).

Every action depends on both camera images, the hand's state and the
instruction, computed in float64 in the same order of operations as the C++
policy, so a run through any door (embedded Python, the websocket server)
must reproduce the C++ run's actions bit for bit. Three variants, as in C++:
`tabletop` (LIBERO's interface), `playtable` (CALVIN's) and `dualarm`
(RoboTwin's 14 joint targets).
"""

import numpy as np


def mean_intensity(image):
    """Mean byte value of an HxWx3 uint8 image, scaled to [0, 1]."""
    image = np.asarray(image)
    total = int(image.sum(dtype=np.uint64))
    return float(total) / float(image.size) / 255.0


def _reach(goal, eef_pos, chunk):
    """A (chunk, 7) float64 chunk with the position part filled in."""
    actions = np.empty((chunk, 7), dtype=np.float64)
    for k in range(chunk):
        f = float(chunk - k) / float(chunk)
        for i in range(3):
            actions[k, i] = min(max(5.0 * (goal[i] - float(eef_pos[i])), -1.0), 1.0) * f
    return actions


def probe_actions(agentview, wrist, eef_pos, eef_axis_angle, gripper_qpos, instruction, chunk=4):
    """The tabletop variant's (chunk, 7) float64 action chunk for one observation."""
    m_agentview = mean_intensity(agentview)
    m_wrist = mean_intensity(wrist)
    length = len(instruction.encode("utf-8"))
    goal = (-0.05 + 0.01 * float(length % 5), 0.0, 1.0)
    actions = _reach(goal, eef_pos, chunk)
    actions[:, 3] = 0.2 * (m_agentview - 0.5)
    actions[:, 4] = 0.2 * (m_wrist - 0.5)
    actions[:, 5] = 0.1 * float(eef_axis_angle[2])
    actions[:, 6] = 1.0 if float(gripper_qpos[0]) - float(gripper_qpos[1]) > 0.07 else -1.0
    return actions


def playtable_probe_actions(static, gripper, eef_pos, robot_obs, instruction, chunk=4):
    """The playtable variant's (chunk, 7) float64 action chunk for one observation."""
    m_static = mean_intensity(static)
    m_gripper = mean_intensity(gripper)
    length = len(instruction.encode("utf-8"))
    goal = (0.02 * float(length % 5), -0.2, 0.6)
    actions = _reach(goal, eef_pos, chunk)
    actions[:, 3] = 0.2 * (m_static - 0.5)
    actions[:, 4] = 0.2 * (m_gripper - 0.5)
    actions[:, 5] = 0.1 * float(robot_obs[5])
    actions[:, 6] = 1.0 if float(robot_obs[6]) > 0.07 else -1.0
    return actions


def dualarm_probe_actions(head, left_wrist, right_wrist, joint_pos, instruction, chunk=4):
    """The dualarm variant's (chunk, 14) float64 action chunk for one observation."""
    m_head = mean_intensity(head)
    m_left = mean_intensity(left_wrist)
    m_right = mean_intensity(right_wrist)
    q = [float(v) for v in joint_pos]
    length = len(instruction.encode("utf-8"))
    s = [0.0] * 14
    s[0] = m_head - 0.5
    s[1] = 0.1 * float(length % 5) - 0.2
    s[2] = m_left - 0.5
    s[7] = 0.5 - m_head
    s[9] = m_right - 0.5
    actions = np.empty((chunk, 14), dtype=np.float64)
    for k in range(chunk):
        f = float(chunk - k) / float(chunk)
        for j in range(14):
            actions[k, j] = q[j] + (0.05 * f) * s[j]
        actions[k, 6] = 1.0 if q[6] > 0.5 else 0.0
        actions[k, 13] = 1.0 if q[13] > 0.5 else 0.0
    return actions


class ProbePolicy:
    """`--policy python:gauntlet_policies.probe:ProbePolicy` (settings as in C++)."""

    def __init__(self, chunk="4", image_size="0", orientation="upright", family="tabletop"):
        if family not in ("tabletop", "playtable", "dualarm"):
            raise ValueError(f"family='{family}': expected tabletop, playtable or dualarm")
        self.chunk = int(chunk)
        self.family = family
        kind, dim = "eef_delta", 7
        if family == "dualarm":
            kind, dim = "dual_joint_pos", 14
            interface = {"gripper": "1open/0close", "rotation": "none",
                         "cameras": ["head", "left_wrist", "right_wrist"], "state_keys": ["joint_pos"]}
        elif family == "playtable":
            interface = {"gripper": "+1open/-1close", "rotation": "euler_xyz",
                         "cameras": ["static", "gripper"], "state_keys": ["eef_pos", "robot_obs"]}
        else:
            interface = {"gripper": "-1open/+1close", "rotation": "axis_angle",
                         "cameras": ["agentview", "wrist"],
                         "state_keys": ["eef_pos", "eef_axis_angle", "gripper_qpos"]}
        self.spec = {
            "action_kind": kind,
            "action_dim": dim,
            "gripper": interface["gripper"],
            "rotation": interface["rotation"],
            "chunk": self.chunk,
            "cameras": interface["cameras"],
            "image_size": int(image_size),
            "orientation": orientation,
            "state_keys": interface["state_keys"],
        }
        if family == "dualarm":  # joint targets: the embodiment's limits, not [-1, 1]
            self.spec["action_low"] = []
            self.spec["action_high"] = []

    def reset(self, context):
        pass

    def act(self, obs):
        images, state = obs["images"], obs["state"]
        if self.family == "dualarm":
            return dualarm_probe_actions(images["head"], images["left_wrist"], images["right_wrist"],
                                         state["joint_pos"], obs["instruction"], self.chunk)
        if self.family == "playtable":
            return playtable_probe_actions(images["static"], images["gripper"], state["eef_pos"],
                                           state["robot_obs"], obs["instruction"], self.chunk)
        return probe_actions(images["agentview"], images["wrist"], state["eef_pos"],
                             state["eef_axis_angle"], state["gripper_qpos"], obs["instruction"],
                             self.chunk)


class BatchedProbePolicy(ProbePolicy):
    """The probe answering batches: `--policy python:gauntlet_policies.probe:BatchedProbePolicy`.

    One object serves every episode of the run; each call answers the queries
    gathered from all episodes in flight, one chunk per observation, in order.
    The probe keeps nothing per episode, so it ignores obs["episode"].
    """

    def infer_batch(self, observations):
        return [self.act(obs) for obs in observations]
