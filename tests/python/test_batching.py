"""Python policies with infer_batch: one object answers the queries of every
episode in flight, batched; results do not depend on how episodes are
batched or on how many workers run them; each episode keeps its own state;
a failing call costs only the episodes in it; and the simulation goes on
while Python answers."""

import json
import os
import re
import sqlite3
import subprocess

import pytest

import gauntlet
from batching_policies import (BadItems, BatchedHistoryPolicy, FailingBatches, Handshake, HistoryPolicy)
from gauntlet_policies.probe import BatchedProbePolicy, ProbePolicy

from gauntlet_test_support import SUITE, assert_same_episodes, binary, episodes

HERE = os.path.dirname(os.path.abspath(__file__))
# Eight short episodes (the probe never succeeds, so every episode runs to
# max_steps): E = 16 runs all of them at once; the CI budget keeps it at that
# (the scheduler's own test covers the rest).
TRIALS, MAX_STEPS = 8, 24


@pytest.fixture(scope="module")
def short_suite(tmp_path_factory):
    """LIBERO-Spatial with episodes of MAX_STEPS policy steps (a copy of its file)."""
    suites = os.path.join(HERE, "..", "..", "suites")
    with open(os.path.join(suites, f"{SUITE}.yaml")) as f:
        text = f.read()
    assert "  max_steps: 220\n" in text
    text = text.replace("  max_steps: 220\n", f"  max_steps: {MAX_STEPS}\n")
    text = re.sub(r"(file|init_states): libero_spatial/", rf"\1: {os.path.abspath(suites)}/libero_spatial/", text)
    path = tmp_path_factory.mktemp("suite") / "libero_spatial_short.yaml"
    path.write_text(text)
    return str(path)


def run_cli(suite, *args, cwd=None):
    """`gauntlet run SUITE --tasks 0 --replan-steps 4 ... args`; the finished process."""
    command = [binary(), "run", suite, "--tasks", "0", "--replan-steps", "4", "--quiet", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)


# The batcher dispatches as soon as every episode in flight waits for an
# answer, so a long max_wait_ms costs nothing here and makes batches as full
# as the schedule allows, whatever the machine's load.
def run(suite, db, policy, run_name, *, workers=1, in_flight=1, batch_size=1, trials=TRIALS, max_wait_ms=2000.0):
    code = gauntlet.run(suite, policy, db=db, tasks=0, trials=trials, workers=workers, in_flight=in_flight,
                        batch_size=batch_size, max_wait_ms=max_wait_ms, replan_steps=4, run_name=run_name,
                        quiet=True)
    assert code == 0
    return episodes(db, run_name)


def batch_sizes(db, run_name):
    """The largest batch each episode's queries were answered in (policy_timing events)."""
    connection = sqlite3.connect(db)
    try:
        rows = connection.execute(
            "SELECT v.payload_json FROM events v JOIN runs r ON r.run_id = v.run_id "
            "WHERE r.name = ? AND v.kind = 'policy_timing'", (run_name,)).fetchall()
    finally:
        connection.close()
    return [json.loads(payload)["batch_size"]["max"] for (payload,) in rows]


def execution(db, run_name):
    connection = sqlite3.connect(db)
    try:
        (text,) = connection.execute("SELECT execution_json FROM runs WHERE name = ?", (run_name,)).fetchone()
    finally:
        connection.close()
    return json.loads(text)


@pytest.fixture(scope="module")
def probe_rows(short_suite, tmp_path_factory):
    """The probe's Python twin answering one query per act call, one episode at a time."""
    db = str(tmp_path_factory.mktemp("batching") / "reference.db")
    return run(short_suite, db, ProbePolicy(), "act")


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("in_flight, batch", [(1, 1), (8, 4), (16, 16)])
def test_batched_probe_matches_the_act_probe_whatever_the_batching(probe_rows, short_suite, tmp_path, workers,
                                                                    in_flight, batch):
    db = str(tmp_path / "batched.db")
    rows = run(short_suite, db, BatchedProbePolicy(), "batched", workers=workers, in_flight=in_flight, batch_size=batch)
    assert len(rows) == TRIALS and all(r["steps"] == MAX_STEPS for r in rows.values())
    assert_same_episodes(rows, probe_rows)
    recorded = execution(db, "batched")
    assert (recorded["workers"], recorded["in_flight"], recorded["batch_size"]) == (workers, in_flight, batch)
    assert recorded["policy_batches"] is True and recorded["max_wait_ms"] == 2000.0
    sizes = batch_sizes(db, "batched")
    assert len(sizes) == TRIALS and max(sizes) <= batch
    if in_flight > workers:
        # Episodes waited for the policy together: a worker kept stepping its
        # other episodes while one's query was out.
        assert max(sizes) > 1


def test_cpp_probe_and_act_probe_per_slot_match_the_reference(probe_rows, short_suite, tmp_path):
    db = str(tmp_path / "others.db")
    assert_same_episodes(run(short_suite, db, "probe", "cpp"), probe_rows)
    # A class that cannot batch: one instance per episode in flight.
    assert_same_episodes(run(short_suite, db, ProbePolicy, "per-slot", workers=2, in_flight=8), probe_rows)


def test_cli_runs_the_batched_probe(probe_rows, short_suite, tmp_path):
    db = str(tmp_path / "cli.db")
    done = run_cli(short_suite, "--trials", str(TRIALS), "--workers", "2",
                   "--in-flight", "8", "--batch-size", "4", "--db", db, "--run-name", "cli",
                   "--policy", "python:gauntlet_policies.probe:BatchedProbePolicy")
    assert done.returncode == 0, done.stderr
    assert "batches of up to 4" in done.stderr
    assert_same_episodes(episodes(db, "cli"), probe_rows)


def test_each_episode_keeps_its_own_state_under_batching(short_suite, tmp_path):
    db = str(tmp_path / "history.db")
    one_at_a_time = run(short_suite, db, HistoryPolicy, "act", trials=8)
    policy = BatchedHistoryPolicy()
    batched = run(short_suite, db, policy, "batched", trials=8, workers=2, in_flight=8, batch_size=4)
    assert max(policy.batch_sizes) > 1
    assert_same_episodes(batched, one_at_a_time)
    # Every episode was reset under its own id, ended once, and its state dropped.
    assert len(set(policy.reset_episodes)) == 8
    assert sorted(policy.ended) == sorted(policy.reset_episodes)
    assert policy.histories == {}


def test_a_call_that_raises_ends_its_episodes_as_errors_and_the_run_goes_on(short_suite, tmp_path):
    db = str(tmp_path / "raises.db")
    rows = run(short_suite, db, FailingBatches(), "raises", trials=6, in_flight=4, batch_size=4)
    errors = {i: r for i, r in rows.items() if r["status"] == "error"}
    assert 1 in errors
    assert errors[1]["steps"] == 0
    for r in errors.values():
        reason = "batching_policies:FailingBatches.infer_batch: ValueError: cannot answer init state 1"
        assert reason in r["termination"]
        assert "batching_policies.py:" in r["termination"]
    # Episodes 4 and 5 started after the failing call (a slot frees only when
    # an episode ends): they never shared a call with episode 1.
    for i in (4, 5):
        assert rows[i]["status"] == "failure" and rows[i]["steps"] == MAX_STEPS


@pytest.mark.parametrize("mode, reason", [
    ("shape", r"batching_policies:BadItems.infer_batch item \d+ \(episode \d+\) has actions of 5 values, "
              r"the policy declares 7"),
    ("exception", r"batching_policies:BadItems.infer_batch item \d+ \(episode \d+\): RuntimeError: "
                  r"no answer for this one"),
])
def test_a_bad_item_ends_its_own_episode_only(short_suite, tmp_path, mode, reason):
    db = str(tmp_path / "items.db")
    rows = run(short_suite, db, BadItems(mode), "items", trials=3, in_flight=3, batch_size=3)
    assert rows[1]["status"] == "error" and re.search(reason, rows[1]["termination"]), rows[1]["termination"]
    for i in (0, 2):
        assert rows[i]["status"] == "failure" and rows[i]["steps"] == MAX_STEPS


def test_a_wrong_number_of_answers_names_both_counts(short_suite, tmp_path):
    db = str(tmp_path / "count.db")
    rows = run(short_suite, db, BadItems("count"), "count", trials=3, in_flight=3, batch_size=3)
    for r in rows.values():
        assert r["status"] == "error"
        counts = re.search(r"BadItems.infer_batch returned (\d+) answers for (\d+) observations", r["termination"])
        assert counts, r["termination"]
        assert int(counts.group(1)) == int(counts.group(2)) + 1


def test_an_instance_with_only_act_cannot_serve_several_episodes_at_once(short_suite, tmp_path):
    with pytest.raises(ValueError, match="infer_batch"):
        run(short_suite, str(tmp_path / "refused.db"), HistoryPolicy(), "refused", in_flight=2)


HANDSHAKE = dict(trials=3, workers=1, in_flight=3, batch_size=1, max_wait_ms=0.0)


def check_handshake(findings):
    assert findings == {"first_call_size": 1, "second_reset_found_the_call_open": True,
                        "third_reset_during_first_call": True}


def test_the_worker_simulates_while_an_infer_batch_call_is_open(short_suite, tmp_path):
    policy = Handshake()
    rows = run(short_suite, str(tmp_path / "handshake.db"), policy, "handshake", **HANDSHAKE)
    assert [r["status"] for r in rows.values()] == ["failure"] * 3
    check_handshake(policy.findings)


def test_cli_worker_simulates_while_an_infer_batch_call_is_open(short_suite, tmp_path):
    report = tmp_path / "findings.json"
    db = str(tmp_path / "handshake.db")
    done = run_cli(short_suite, "--trials", "3", "--workers", "1",
                   "--in-flight", "3", "--batch-size", "1", "--max-wait-ms", "0", "--db", db, "--run-name", "cli",
                   "--policy", "python:batching_policies:Handshake", "--policy-opt", f"report={report}", cwd=HERE)
    assert done.returncode == 0, done.stderr
    assert [r["status"] for r in episodes(db, "cli").values()] == ["failure"] * 3
    check_handshake(json.loads(report.read_text()))
