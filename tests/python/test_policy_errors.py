"""A Python policy that fails ends its episodes as `error` with the reason and
the run goes on; a policy that cannot be made stops the run before it starts."""

import hashlib
import textwrap

import numpy as np
import pytest

import gauntlet

from gauntlet_test_support import SUITE, episodes, policy_row, run_cli

STATE_ONLY = {"cameras": [], "state_keys": []}


class Raising:
    spec = STATE_ONLY

    def act(self, obs):
        raise ValueError("boom at step %d" % obs["step"])


class RaisingInReset:
    spec = STATE_ONLY

    def reset(self, context):
        raise RuntimeError("cannot reset")

    def act(self, obs):
        return np.zeros(7)


class Returning:
    """Returns whatever it was given, at every step."""

    spec = STATE_ONLY

    def __init__(self, value):
        self.value = value

    def act(self, obs):
        return self.value


def run_one(policy, tmp_path, **kwargs):
    db = str(tmp_path / "errors.db")
    code = gauntlet.run(SUITE, policy, db=db, tasks=0, trials=1, quiet=True, **kwargs)
    return code, db


def test_an_exception_in_act_is_an_error_episode_with_its_text(tmp_path):
    code, db = run_one(Raising(), tmp_path)
    assert code == 0  # every episode stored
    (stored,) = episodes(db, f"{SUITE}-Raising").values()
    assert stored["status"] == "error" and stored["steps"] == 0
    assert "ValueError: boom at step 0" in stored["termination"]
    assert "test_policy_errors.py:" in stored["termination"] and "in act" in stored["termination"]


def test_an_exception_in_reset_is_an_error_episode(tmp_path):
    code, db = run_one(RaisingInReset(), tmp_path)
    (stored,) = episodes(db, f"{SUITE}-RaisingInReset").values()
    assert stored["status"] == "error"
    assert "reset" in stored["termination"] and "RuntimeError: cannot reset" in stored["termination"]


@pytest.mark.parametrize("value, reason", [
    (np.zeros((2, 5)), "action has 5 values, expected 7"),
    (np.full(7, np.nan), "is nan (not finite)"),
    ([0.0] * 7, "Returning.act returned a list, expected a numpy.ndarray"),
    (np.zeros(7, dtype=np.int64), "dtype int64"),
    (np.array([np.zeros(7), np.zeros(3)], dtype=object), "dtype object (a ragged list?)"),
    (np.zeros((1, 1, 7)), "3 dimensions"),
])
def test_a_bad_answer_is_an_error_episode_that_says_what_came_back(tmp_path, value, reason):
    code, db = run_one(Returning(value), tmp_path)
    assert code == 0
    (stored,) = episodes(db, f"{SUITE}-Returning").values()
    assert stored["status"] == "error"
    assert reason in stored["termination"]


def test_float32_actions_are_accepted(tmp_path):
    action = np.array([0, 0, 0, 0, 0, 0, -1], dtype=np.float32)
    code, db = run_one(Returning(action), tmp_path, run_name="float32")
    (stored,) = episodes(db, "float32").values()
    assert stored["status"] == "failure" and stored["steps"] == 220
    assert (stored["actions"] == action.astype(np.float64)).all()


def test_an_instance_cannot_serve_two_workers(tmp_path):
    with pytest.raises(ValueError, match="class"):
        run_one(Raising(), tmp_path, workers=2)


@pytest.mark.parametrize("spec, message", [
    ({"action_dims": 7}, "unknown key 'action_dims'"),
    ({"action_dim": "7"}, 'action_dim="7" (from Python attribute spec): expected an integer'),
    ({"image_size": [64]}, "image_size=[64] (from Python attribute spec): expected an integer or [width, height]"),
    ({"gripper": "open"}, "unknown gripper convention 'open'"),
    ({"cameras": "wrist"}, "expected a list of names"),
    ({"action_low": [-1, -1]}, "action_low='-1,-1' (from Python attribute spec): has 2 values"),
    ({"cameras": ["topdown"]}, "reads camera 'topdown'"),
])
def test_a_bad_spec_stops_the_run(tmp_path, capfd, spec, message):
    class BadSpec(Raising):
        pass

    BadSpec.spec = spec
    code, _ = run_one(BadSpec(), tmp_path)
    assert code == 2
    assert message in capfd.readouterr().err


MODULE = textwrap.dedent('''
    import numpy as np

    class Spinning:
        spec = {"cameras": [], "state_keys": []}

        def act(self, obs):
            while obs["step"] == 2:
                pass
            return np.array([0, 0, 0, 0, 0, 0, -1.0])

    class Raising:
        spec = {"cameras": [], "state_keys": []}

        def __init__(self, message="boom"):
            self.message = message

        def act(self, obs):
            raise KeyError(self.message)
''')


@pytest.fixture
def module_dir(tmp_path):
    (tmp_path / "my_policies.py").write_text(MODULE)
    return tmp_path


def test_cli_loads_a_module_from_the_working_directory_and_records_it(module_dir):
    db = str(module_dir / "cli.db")
    done = run_cli("--trials", "2", "--workers", "2", "--db", db, "--policy", "python:my_policies:Raising",
                   "--policy-opt", "message=kaput", cwd=module_dir)
    assert done.returncode == 0, done.stderr
    stored = episodes(db, f"{SUITE}-Raising")
    assert [e["status"] for e in stored.values()] == ["error", "error"]
    assert all("KeyError: 'kaput'" in e["termination"] for e in stored.values())
    row = policy_row(db, f"{SUITE}-Raising")
    module_file = str(module_dir / "my_policies.py")
    assert (row["name"], row["kind"]) == ("Raising", "python")
    assert row["source"] == f"my_policies:Raising ({module_file})"
    assert row["checkpoint_sha256"] == hashlib.sha256(MODULE.encode()).hexdigest()
    assert row["settings_json"] == '{"message":"kaput"}'


def test_cli_records_a_policy_that_never_returns_as_timeout_and_exits_cleanly(module_dir):
    # The scheduler's watchdog abandons the worker 30 s after --episode-timeout;
    # the interpreter must not be finalised under the thread still in Python.
    db = str(module_dir / "spinning.db")
    done = run_cli("--trials", "1", "--episode-timeout", "1", "--db", db, "--policy", "python:my_policies:Spinning",
                   cwd=module_dir)
    assert done.returncode == 0, done.stderr
    (stored,) = episodes(db, f"{SUITE}-Spinning").values()
    assert stored["status"] == "timeout" and "watchdog" in stored["termination"]
    assert "total (libero_spatial)" in done.stdout  # the summary was printed and flushed


@pytest.mark.parametrize("policy, options, message", [
    ("python:no_such_module:Policy", [], "No module named 'no_such_module'"),
    ("python:my_policies:Nope", [], "has no attribute 'Nope'"),
    ("python:my_policies", [], "expected module:Class"),
    ("python:my_policies:Raising", ["--policy-opt", "mesage=x"], "'mesage': not a setting"),
])
def test_cli_refuses_a_policy_it_cannot_make_with_exit_code_2(module_dir, policy, options, message):
    done = run_cli("--trials", "1", "--db", str(module_dir / "refused.db"), "--policy", policy, *options,
                   cwd=module_dir)
    assert done.returncode == 2
    assert message in done.stderr


def test_run_makes_a_python_policy_named_by_a_string_with_settings(module_dir, tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(module_dir))
    db = str(tmp_path / "string.db")
    code = gauntlet.run(SUITE, "python:my_policies:Raising", db=db, tasks=0, trials=1, quiet=True,
                        policy_options={"message": "from a string"})
    assert code == 0
    (stored,) = episodes(db, f"{SUITE}-Raising").values()
    assert "KeyError: 'from a string'" in stored["termination"]
