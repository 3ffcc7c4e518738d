"""What the Python tests share: the CLI, and episodes and policies as stored in SQLite.

Real MuJoCo, real SQLite. Runs are kept short: LIBERO-Spatial task 0, one or
two initial states, the probe replanning every 4 steps; on CALVIN's play
table, one instruction chain.
"""

import os
import sqlite3
import subprocess

import numpy as np
import pytest

SUITE = "libero_spatial"
CALVIN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "suites", "calvin.yaml")


def binary():
    path = os.environ.get("GAUNTLET_BINARY")
    if not path or not os.path.exists(path):
        pytest.fail("GAUNTLET_BINARY must name the built gauntlet CLI (ctest sets it)")
    return path


def run_cli(*args, cwd=None):
    """`gauntlet run SUITE --tasks 0 ... args`; the finished process."""
    command = [binary(), "run", SUITE, "--tasks", "0", "--quiet", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)


def run_chains_cli(chains, *args):
    """`gauntlet run suites/calvin.yaml --chains CHAINS ... args`; the finished process."""
    command = [binary(), "run", CALVIN, "--chains", chains, "--quiet", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def subtasks(db, run):
    """[(chain, position, subtask, success, steps, instruction)] of one run, in chain order."""
    connection = sqlite3.connect(db)
    try:
        return connection.execute(
            "SELECT s.task, s.position, s.subtask, s.success, s.steps, s.instruction FROM subtasks s "
            "JOIN runs r ON r.run_id = s.run_id WHERE r.name = ? ORDER BY s.task, s.position", (run,)).fetchall()
    finally:
        connection.close()


def episodes(db, run):
    """{init_state: row} of one run; row has status, steps, state_hash, termination, actions (steps x dim)."""
    connection = sqlite3.connect(db)
    connection.row_factory = sqlite3.Row
    try:
        rows = connection.execute(
            "SELECT e.init_state, e.status, e.steps, e.state_hash, e.termination, e.action_dim, e.actions "
            "FROM episodes e JOIN runs r ON r.run_id = e.run_id WHERE r.name = ?", (run,)).fetchall()
    finally:
        connection.close()
    out = {}
    for r in rows:
        actions = np.frombuffer(r["actions"] or b"", dtype="<f8")
        out[r["init_state"]] = {
            "status": r["status"], "steps": r["steps"], "state_hash": r["state_hash"],
            "termination": r["termination"],
            "actions": actions.reshape(-1, r["action_dim"]) if r["action_dim"] else actions,
        }
    return out


def policy_row(db, run):
    connection = sqlite3.connect(db)
    connection.row_factory = sqlite3.Row
    try:
        return connection.execute(
            "SELECT p.* FROM policies p JOIN runs r ON r.policy_id = p.policy_id WHERE r.name = ?",
            (run,)).fetchone()
    finally:
        connection.close()


def assert_same_episodes(actual, expected):
    """Identical status, steps, final state hash and executed actions, episode by episode."""
    assert sorted(actual) == sorted(expected)
    for init_state, e in expected.items():
        a = actual[init_state]
        assert (a["status"], a["steps"], a["state_hash"]) == (e["status"], e["steps"], e["state_hash"]), init_state
        assert a["actions"].shape == e["actions"].shape, init_state
        assert a["actions"].tobytes() == e["actions"].tobytes(), init_state
