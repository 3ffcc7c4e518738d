"""Reference runs made once per session with the CLI, compared against by several tests."""

import pytest

from gauntlet_test_support import SUITE, run_cli


def _reference_run(tmp_path_factory, policy, *args):
    db = str(tmp_path_factory.mktemp(policy) / "reference.db")
    done = run_cli("--trials", "2", "--policy", policy, "--db", db, *args)
    assert done.returncode == 0, done.stderr
    return db, f"{SUITE}-{policy}"


@pytest.fixture(scope="session")
def probe_reference(tmp_path_factory):
    """The C++ probe through the CLI: (db, run name)."""
    return _reference_run(tmp_path_factory, "probe", "--replan-steps", "4")


@pytest.fixture(scope="session")
def oracle_reference(tmp_path_factory):
    """The scripted expert through the CLI (state-only, succeeds): (db, run name)."""
    return _reference_run(tmp_path_factory, "oracle")
