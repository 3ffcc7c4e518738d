"""The probe's Python twin, through each door into the harness, executes the
C++ probe's actions bit for bit and ends in the same states: observations
reach Python unaltered and actions come back unaltered."""

import hashlib

import gauntlet
import gauntlet_policies.probe
from gauntlet_policies.probe import ProbePolicy

from gauntlet_test_support import SUITE, assert_same_episodes, episodes, policy_row, run_cli


def test_python_probe_through_the_module_matches_the_cpp_probe(probe_reference, tmp_path):
    db = str(tmp_path / "module.db")
    code = gauntlet.run(SUITE, ProbePolicy(), db=db, tasks=0, trials=2, replan_steps=4, quiet=True)
    assert code == 0
    assert_same_episodes(episodes(db, f"{SUITE}-ProbePolicy"), episodes(*probe_reference))


def test_python_probe_class_with_two_workers_matches_the_cpp_probe(probe_reference, tmp_path):
    db = str(tmp_path / "module_workers.db")
    code = gauntlet.run(SUITE, ProbePolicy, db=db, tasks=[0], trials=2, workers=2, replan_steps=4, quiet=True)
    assert code == 0
    assert_same_episodes(episodes(db, f"{SUITE}-ProbePolicy"), episodes(*probe_reference))


def test_cli_python_probe_with_two_workers_matches_the_cpp_probe(probe_reference, tmp_path):
    db = str(tmp_path / "cli.db")
    done = run_cli("--trials", "2", "--workers", "2", "--replan-steps", "4", "--db", db,
                   "--policy", "python:gauntlet_policies.probe:ProbePolicy")
    assert done.returncode == 0, done.stderr
    run = f"{SUITE}-ProbePolicy"
    assert_same_episodes(episodes(db, run), episodes(*probe_reference))
    row = policy_row(db, run)
    module_file = gauntlet_policies.probe.__file__
    assert (row["name"], row["kind"]) == ("ProbePolicy", "python")
    assert row["source"].startswith("gauntlet_policies.probe:ProbePolicy (")
    assert module_file in row["source"]
    with open(module_file, "rb") as f:
        assert row["checkpoint_sha256"] == hashlib.sha256(f.read()).hexdigest()
    assert '"chunk":"4"' in row["settings_json"]
