"""Python policies for the batching tests (tests/python/test_batching.py).

A module of its own so that the CLI's embedded interpreter can import them
too (`--policy python:batching_policies:Class`, run from this folder).
"""

import json
import threading

import numpy as np

STATE_ONLY = {"cameras": [], "state_keys": ["eef_pos"], "chunk": 4}
# How long a test policy waits for something that, when the engine is right,
# happens in milliseconds: only a broken engine ever waits this long.
HANG_GUARD_S = 120.0


def history_chunk(history, eef_pos):
    """A (4, 7) chunk from the hand's position and the episode's own past.

    The episode's earlier answers (their count and the last chunk) are mixed
    in, so an episode handed another episode's history acts differently.
    """
    goal = np.array([-0.05, 0.05, 1.0])
    base = np.clip(5.0 * (goal - np.asarray(eef_pos, dtype=np.float64)), -1.0, 1.0)
    queries = history["queries"]
    chunk = np.zeros((4, 7))
    for k in range(4):
        chunk[k, :3] = 0.5 * base * (4 - k) / 4.0 + 0.5 * history["last"][k, :3]
    chunk[:, 3] = 0.01 * ((queries % 5) - 2)
    chunk[:, 4] = 0.002 * queries
    chunk[:, 6] = -1.0 if queries % 3 else 1.0
    history["queries"] = queries + 1
    history["last"] = chunk
    return chunk


def fresh_history():
    return {"queries": 0, "last": np.zeros((4, 7))}


class HistoryPolicy:
    """One episode at a time: its history lives on the object."""

    spec = STATE_ONLY

    def reset(self, context):
        self.history = fresh_history()

    def act(self, obs):
        return history_chunk(self.history, obs["state"]["eef_pos"])


class BatchedHistoryPolicy:
    """Every episode at once: each episode's history under its id."""

    spec = STATE_ONLY

    def __init__(self):
        self.histories = {}
        self.reset_episodes = []  # ids reset, in order
        self.ended = []           # ids given to end_episode
        self.batch_sizes = []

    def reset(self, context):
        self.reset_episodes.append(context["episode"])
        self.histories[context["episode"]] = fresh_history()

    def infer_batch(self, observations):
        self.batch_sizes.append(len(observations))
        return [history_chunk(self.histories[obs["episode"]], obs["state"]["eef_pos"]) for obs in observations]

    def end_episode(self, episode):
        self.ended.append(episode)
        del self.histories[episode]


def hold_still():
    chunk = np.zeros((4, 7))
    chunk[:, 6] = -1.0
    return chunk


class FailingBatches:
    """Raises in every call that holds a query of the episode of `init_state`;
    answers the others with a chunk that holds the hand still."""

    spec = STATE_ONLY

    def __init__(self, init_state="1"):
        self.doomed = int(init_state)
        self.init_states = {}

    def reset(self, context):
        self.init_states[context["episode"]] = context["init_state"]

    def infer_batch(self, observations):
        if any(self.init_states[obs["episode"]] == self.doomed for obs in observations):
            raise ValueError(f"cannot answer init state {self.doomed}")
        return np.stack([hold_still() for _ in observations])  # one array (N, H, D)


class BadItems:
    """Answers the episode of init state 1 with `mode`: "shape" a (4, 5)
    chunk, "exception" an exception instance; "count" answers one item too many
    in every call."""

    spec = STATE_ONLY

    def __init__(self, mode):
        self.mode = mode
        self.init_states = {}

    def reset(self, context):
        self.init_states[context["episode"]] = context["init_state"]

    def infer_batch(self, observations):
        answers = []
        for obs in observations:
            doomed = self.init_states[obs["episode"]] == 1
            if doomed and self.mode == "shape":
                answers.append(np.zeros((4, 5)))
            elif doomed and self.mode == "exception":
                answers.append(RuntimeError("no answer for this one"))
            else:
                answers.append(hold_still())
        if self.mode == "count":
            answers.append(hold_still())
        return answers


class Handshake:
    """Shows that the simulation goes on while an infer_batch call is open.

    Run with one worker, three episodes in flight and batches of one: the
    worker starts episode 1 and hands its query over, then starts episodes 2
    and 3 (reset, settle steps, first observation). The second reset waits
    until the first call is open; the first call stays open until the third
    reset. So episode 2's settling and episode 3's world reset ran on the
    worker while the call was open, and the worker and this call each took
    the GIL in turn. Both waits release the GIL; either one timing out means
    the worker could not go on (the GIL or the worker held by the call).
    `report` names a JSON file the findings are written to when the first
    call ends (for the CLI, whose process the test cannot look into).
    """

    spec = STATE_ONLY

    def __init__(self, report=""):
        self.report_path = report
        self.lock = threading.Lock()
        self.resets = 0
        self.call_open = threading.Event()
        self.third_reset = threading.Event()
        self.findings = {}

    def reset(self, context):
        with self.lock:
            self.resets += 1
            n = self.resets
        if n == 2:
            self.findings["second_reset_found_the_call_open"] = self.call_open.wait(HANG_GUARD_S)
        if n == 3:
            self.third_reset.set()

    def infer_batch(self, observations):
        if not self.call_open.is_set():
            self.call_open.set()
            self.findings["first_call_size"] = len(observations)
            self.findings["third_reset_during_first_call"] = self.third_reset.wait(HANG_GUARD_S)
            if self.report_path:
                with open(self.report_path, "w") as f:
                    json.dump(self.findings, f)
        return [hold_still() for _ in observations]
