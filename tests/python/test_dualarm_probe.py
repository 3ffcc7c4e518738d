"""The probe's Python twin runs MergeVLA's setting A on the dual-arm family as
the C++ probe does (policies/probe_policy.h, family=dualarm): one task on
three embodiments, 14 joint targets per action, all three cameras read; the
same statuses, final states and executed actions, episode by episode."""

import os
import sqlite3
import subprocess

import numpy as np

from gauntlet_policies.probe import ProbePolicy

from gauntlet_test_support import binary

SETTING_A = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "suites",
                         "mergevla_robotwin_a.yaml")


def run_setting_a(db, policy):
    command = [binary(), "run", SETTING_A, "--trials", "1", "--image-size", "32", "--replan-steps", "4", "--quiet", "--db", db,
               "--policy-opt", "family=dualarm", "--policy", policy]
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


def stored(db):
    """[(suite, task, embodiment, status, steps, state_hash, actions)] in suite order."""
    connection = sqlite3.connect(db)
    try:
        rows = connection.execute(
            "SELECT e.suite, e.task, e.embodiment, e.status, e.steps, e.state_hash, e.action_dim, e.actions "
            "FROM episodes e ORDER BY e.suite, e.task, e.init_state").fetchall()
    finally:
        connection.close()
    return [(*r[:6], np.frombuffer(r[7], dtype="<f8").reshape(-1, r[6])) for r in rows]


def test_python_probe_runs_setting_a_like_the_cpp_probe(tmp_path):
    cpp_db, python_db = str(tmp_path / "cpp.db"), str(tmp_path / "python.db")
    done = run_setting_a(cpp_db, "probe")
    assert done.returncode == 0, done.stderr
    done = run_setting_a(python_db, "python:gauntlet_policies.probe:ProbePolicy")
    assert done.returncode == 0, done.stderr

    reference = stored(cpp_db)
    assert [(r[1], r[2]) for r in reference] == [
        ("place_container_plate", "aloha"), ("place_container_plate", "arx5"), ("place_container_plate", "piper")]
    for row in reference:
        assert row[3] == "failure" and row[6].shape == (row[4], 14), row[:5]
        # The arms moved: the targets are not the first action repeated.
        assert np.abs(row[6][-1, :6] - row[6][0, :6]).max() > 1e-3, row[:3]
    python = stored(python_db)
    assert [r[:6] for r in python] == [r[:6] for r in reference]
    for p, c in zip(python, reference):
        assert p[6].tobytes() == c[6].tobytes(), c[:3]


def test_python_probe_declares_the_dual_arm_interface():
    spec = ProbePolicy(family="dualarm").spec
    assert (spec["action_kind"], spec["action_dim"], spec["gripper"]) == ("dual_joint_pos", 14, "1open/0close")
    assert spec["cameras"] == ["head", "left_wrist", "right_wrist"] and spec["state_keys"] == ["joint_pos"]
