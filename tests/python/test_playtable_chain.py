"""The probe's Python twin runs a CALVIN chain on the play table exactly as the
C++ probe does (policies/probe_policy.h, family=playtable): the same subtask
rows, the same final state, the same actions."""

import numpy as np

from gauntlet_policies.probe import ProbePolicy, playtable_probe_actions

from gauntlet_test_support import CALVIN, assert_same_episodes, episodes, policy_row, run_chains_cli, subtasks


def test_python_probe_runs_a_calvin_chain_like_the_cpp_probe(tmp_path):
    db = str(tmp_path / "calvin.db")
    common = ("--replan-steps", "4", "--workers", "1", "--db", db, "--policy-opt", "family=playtable")
    done = run_chains_cli("0", *common, "--run-name", "cpp", "--policy", "probe")
    assert done.returncode == 0, done.stderr
    done = run_chains_cli("0", *common, "--run-name", "python",
                          "--policy", "python:gauntlet_policies.probe:ProbePolicy")
    assert done.returncode == 0, done.stderr

    reference = subtasks(db, "cpp")
    # The probe hovers above the desk: the chain's first subtask fails after
    # CALVIN's 360 steps, and the chain stops there.
    assert len(reference) == 1
    chain, position, subtask, success, steps, instruction = reference[0]
    assert (chain, position, success, steps) == ("chain0000", 0, 0, 360)
    assert subtask and instruction
    assert subtasks(db, "python") == reference
    assert_same_episodes(episodes(db, "python"), episodes(db, "cpp"))
    assert '"family":"playtable"' in policy_row(db, "python")["settings_json"]


def test_python_probe_declares_the_play_tables_interface():
    spec = ProbePolicy(family="playtable").spec
    assert (spec["gripper"], spec["rotation"]) == ("+1open/-1close", "euler_xyz")
    assert spec["cameras"] == ["static", "gripper"] and spec["state_keys"] == ["eef_pos", "robot_obs"]


def test_playtable_actions_follow_the_instructions_length():
    image = np.full((4, 4, 3), 51, dtype=np.uint8)
    robot_obs = np.zeros(15)
    robot_obs[5], robot_obs[6] = 1.5, 0.08
    pos = np.array([0.0, -0.2, 0.6])
    at_goal = playtable_probe_actions(image, image, pos, robot_obs, "abcde")  # length 0 mod 5: at the goal
    assert at_goal[:, 0:3].tolist() == [[0.0, 0.0, 0.0]] * 4
    assert at_goal[0, 3:].tolist() == [0.2 * (0.2 - 0.5), 0.2 * (0.2 - 0.5), 0.1 * 1.5, 1.0]
    moved = playtable_probe_actions(image, image, pos, robot_obs, "abcdef")  # goal 0.02 m further along x
    assert moved[:, 0].tolist() == [5.0 * 0.02 * f for f in (1.0, 0.75, 0.5, 0.25)]
    robot_obs[6] = 0.05
    assert playtable_probe_actions(image, image, pos, robot_obs, "abcde")[0, 6] == -1.0


class SubtaskRecorder:
    """Records every reset context and observation keys, then ends the chain."""

    spec = {"cameras": [], "state_keys": ["robot_obs", "scene_obs"], "action_dim": 7,
            "gripper": "+1open/-1close", "rotation": "euler_xyz"}

    def __init__(self):
        self.contexts, self.states = [], []

    def reset(self, context):
        self.contexts.append(context)

    def act(self, obs):
        self.states.append({key: len(value) for key, value in obs["state"].items()})
        raise RuntimeError("recorded")


def test_the_module_runs_a_chain_slice_and_tells_the_policy_its_subtask(tmp_path):
    import gauntlet
    db = str(tmp_path / "module.db")
    policy = SubtaskRecorder()
    assert gauntlet.run(CALVIN, policy, db=db, chains="1", quiet=True, run_name="rec") == 0
    (stored,) = episodes(db, "rec").values()
    assert "RuntimeError: recorded" in stored["termination"]
    (context,) = policy.contexts
    assert context["subtask"] == 0 and context["suite"] == "calvin"
    assert context["instruction"] == "press the button to turn off the led light"  # CALVIN's chain 1 begins so
    assert policy.states[0] == {"robot_obs": 15, "scene_obs": 24}
