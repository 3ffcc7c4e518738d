"""A Python policy that succeeds: the Python replay policy executes the actions a
CLI oracle run stored and reaches the same outcomes and final states."""

import gauntlet
from gauntlet_policies.replay import ReplayPolicy

from gauntlet_test_support import SUITE, assert_same_episodes, episodes, policy_row, run_cli


def test_oracle_reference_succeeds(oracle_reference):
    stored = episodes(*oracle_reference)
    assert [e["status"] for e in stored.values()] == ["success", "success"]


def test_python_replay_through_the_module_reaches_the_oracle_outcomes(oracle_reference, tmp_path):
    reference_db, reference_run = oracle_reference
    db = str(tmp_path / "replay.db")
    code = gauntlet.run(SUITE, lambda: ReplayPolicy(reference_db, reference_run), db=db, tasks="0", trials=2,
                        workers=2, quiet=True)
    assert code == 0
    assert_same_episodes(episodes(db, f"{SUITE}-ReplayPolicy"), episodes(*oracle_reference))


def test_cli_python_replay_with_settings_reaches_the_oracle_outcomes(oracle_reference, tmp_path):
    reference_db, reference_run = oracle_reference
    db = str(tmp_path / "replay_cli.db")
    done = run_cli("--trials", "2", "--db", db, "--policy", "python:gauntlet_policies.replay:ReplayPolicy",
                   "--policy-opt", f"db={reference_db}", "--policy-opt", f"run={reference_run}")
    assert done.returncode == 0, done.stderr
    assert_same_episodes(episodes(db, f"{SUITE}-ReplayPolicy"), episodes(*oracle_reference))
    row = policy_row(db, f"{SUITE}-ReplayPolicy")
    assert '"task_id":true' in row["spec_json"] and '"cameras":[]' in row["spec_json"]


def test_run_with_a_policy_spec_string_matches_the_cli(oracle_reference, tmp_path):
    db = str(tmp_path / "oracle.db")
    assert gauntlet.run(SUITE, "oracle", db=db, tasks="0", trials=2, quiet=True) == 0
    assert_same_episodes(episodes(db, f"{SUITE}-oracle"), episodes(*oracle_reference))
