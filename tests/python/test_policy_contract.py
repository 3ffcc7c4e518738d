"""What a Python policy is given: the declared cameras and state keys only, and
the task's identity only when it declares task_id."""

import numpy as np

import gauntlet

from gauntlet_test_support import SUITE, episodes


class Recorder:
    """Keeps the first observation and every reset context, then ends the episode."""

    def __init__(self, declared=None):
        self.declared = declared
        self.observations, self.contexts = [], []

    def spec(self):
        return self.declared

    def reset(self, context):
        self.contexts.append(context)

    def act(self, obs):
        self.observations.append(obs)
        raise RuntimeError("recorded")


def record(tmp_path, policy, **kwargs):
    db = str(tmp_path / "contract.db")
    assert gauntlet.run(SUITE, policy, db=db, tasks=0, trials=1, quiet=True, **kwargs) == 0
    (stored,) = episodes(db, f"{SUITE}-Recorder").values()
    assert "RuntimeError: recorded" in stored["termination"]
    return policy.observations[0], policy.contexts[0]


def test_defaults_give_both_cameras_and_every_state_key(tmp_path):
    obs, context = record(tmp_path, Recorder())
    assert sorted(obs) == ["images", "instruction", "state", "step"]
    assert sorted(obs["images"]) == ["agentview", "wrist"]
    assert all(i.shape == (128, 128, 3) and i.dtype == np.uint8 for i in obs["images"].values())
    assert sorted(obs["state"]) == ["eef_axis_angle", "eef_pos", "eef_quat", "gripper_qpos", "joint_pos",
                                    "joint_vel"]
    assert all(v.dtype == np.float64 and v.ndim == 1 for v in obs["state"].values())
    assert obs["step"] == 0 and obs["instruction"].startswith("pick up the black bowl")
    assert sorted(context) == ["embodiment", "init_state", "instruction", "seed", "subtask", "suite"]
    assert context["subtask"] == 0  # single-goal episodes are position 0
    assert (context["suite"], context["embodiment"], context["init_state"]) == (SUITE, "panda", 0)


def test_only_declared_inputs_are_passed_and_task_id_adds_the_task(tmp_path):
    # Rendered at 128, resized to the declared 64 by the adapter the run asks for.
    declared = {"cameras": ["wrist"], "image_size": 64, "state_keys": ["eef_pos"], "task_id": True}
    obs, context = record(tmp_path, Recorder(declared), adapters=["resize_pad"])
    assert list(obs["images"]) == ["wrist"] and obs["images"]["wrist"].shape == (64, 64, 3)
    assert list(obs["state"]) == ["eef_pos"]
    assert context["task_index"] == 0 and context["task"].startswith("pick_up_the_black_bowl")
