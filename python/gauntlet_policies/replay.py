"""Replays the actions a stored run executed: the Python twin of `--policy replay`.

    gauntlet run libero_spatial --policy python:gauntlet_policies.replay:ReplayPolicy \\
        --policy-opt db=results.db --policy-opt run=libero_spatial-oracle

Each episode replays the stored episode of the same task and initial state
(episodes.actions: steps x action_dim float64, little-endian, row-major), so
with the same world and configuration it reaches the stored outcome and final
state hash. State-only: it renders nothing.
"""

import sqlite3

import numpy as np


def stored_actions(db, run):
    """{(task, init_state): (steps, action_dim) float64 array} of one run."""
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT e.task, e.init_state, e.action_dim, e.actions FROM episodes e "
            "JOIN runs r ON r.run_id = e.run_id WHERE r.name = ?", (run,)).fetchall()
    finally:
        connection.close()
    if not rows:
        raise ValueError(f"{db} has no episodes of run '{run}'")
    recordings = {}
    for task, init_state, dim, blob in rows:
        values = np.frombuffer(blob or b"", dtype="<f8")
        recordings[(task, init_state)] = values.reshape(-1, dim) if dim else values.reshape(0, 0)
    return recordings


class ReplayPolicy:
    """Settings: db (the results file), run (the run whose actions are replayed)."""

    def __init__(self, db, run):
        self.recordings = stored_actions(db, run)
        self.source = f"run '{run}' in {db}"
        dims = {a.shape[1] for a in self.recordings.values() if a.size}
        self.spec = {"action_dim": dims.pop() if len(dims) == 1 else 7, "cameras": [],
                     "state_keys": [], "task_id": True}
        self.current = None

    def reset(self, context):
        key = (context["task"], context["init_state"])
        if key not in self.recordings:
            raise KeyError(f"{self.source} has no episode for task '{key[0]}' initial state {key[1]}")
        self.current = self.recordings[key]

    def act(self, obs):
        step = obs["step"]
        if step >= len(self.current):
            raise IndexError(f"the recording ends after {len(self.current)} steps")
        # Everything from this step on: replan_steps and full chunk modes
        # execute the recording as it was (ensembling would average it).
        return self.current[step:]
