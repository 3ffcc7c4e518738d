"""gauntlet.Env: a task's world stepped from Python, as the runner steps it."""

import numpy as np
import pytest

import gauntlet
from gauntlet_policies.probe import probe_actions

from gauntlet_test_support import SUITE, episodes


def test_reset_twice_gives_identical_observations():
    env = gauntlet.Env(SUITE, 0)
    first, second = env.reset(0), env.reset(0)
    assert first["step"] == 0 and first["instruction"] == env.instruction
    assert sorted(first["images"]) == ["agentview", "wrist"]
    for camera, image in first["images"].items():
        assert image.shape == (128, 128, 3) and image.dtype == np.uint8
        assert np.array_equal(image, second["images"][camera])
    assert sorted(first["state"]) == sorted(env.observation_spec["state"])
    for key, values in first["state"].items():
        assert values.dtype == np.float64 and values.shape == (env.observation_spec["state"][key],)
        assert values.tobytes() == second["state"][key].tobytes()


def test_first_observation_is_what_the_runner_shows_a_policy(probe_reference):
    # The CLI probe's first chunk was computed from the runner's first observation.
    env = gauntlet.Env(SUITE, 0)
    obs = env.reset(1)
    chunk = probe_actions(obs["images"]["agentview"], obs["images"]["wrist"], obs["state"]["eef_pos"],
                          obs["state"]["eef_axis_angle"], obs["state"]["gripper_qpos"], obs["instruction"])
    assert chunk.tobytes() == episodes(*probe_reference)[1]["actions"][:4].tobytes()


def test_stepping_the_oracle_actions_reaches_success_and_the_stored_state(oracle_reference):
    stored = episodes(*oracle_reference)[0]
    env = gauntlet.Env(SUITE, "pick_up_the_black_bowl_between_the_plate_and_the_ramekin_and_place_it_on_the_plate",
                       cameras=[])
    assert env.task_index == 0
    obs = env.reset(0)
    assert obs["images"] == {}
    successes = []
    for action in stored["actions"]:
        obs, success, info = env.step(action, observe=False)
        assert obs is None and not info["diverged"]
        successes.append(success)
    assert successes == [False] * (len(successes) - 1) + [True]
    assert info["step"] == stored["steps"]
    assert env.state_hash() == stored["state_hash"]


def test_bad_actions_raise_value_errors_naming_the_problem():
    env = gauntlet.Env(SUITE, 0, cameras=[])
    with pytest.raises(RuntimeError, match="before Env.reset"):
        env.step(np.zeros(7))
    env.reset(0)
    with pytest.raises(ValueError, match=r"action\[2\] is nan"):
        env.step([0, 0, float("nan"), 0, 0, 0, -1])
    with pytest.raises(ValueError, match="3 values, expected 7"):
        env.step(np.zeros(3))
    with pytest.raises(ValueError, match="one-dimensional"):
        env.step(np.zeros((2, 7)))
    with pytest.raises(ValueError, match="not a sequence of numbers"):
        env.step(["a"] * 7)
    with pytest.raises(ValueError, match="initial state 99 does not exist"):
        env.reset(99)


def test_unknown_suite_task_or_camera_is_a_value_error():
    with pytest.raises(ValueError, match="no_such_suite"):
        gauntlet.Env("no_such_suite", 0)
    with pytest.raises(ValueError):
        gauntlet.Env(SUITE, 42)
    with pytest.raises(ValueError, match="camera 'topdown' is not offered"):
        gauntlet.Env(SUITE, 0, cameras=["topdown"])
