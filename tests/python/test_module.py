"""The module loads into a running interpreter: it must not bring a second one."""

import subprocess

import gauntlet


def test_module_does_not_link_libpython():
    linked = subprocess.run(["ldd", gauntlet.__file__], capture_output=True, text=True, check=True).stdout
    assert "libpython" not in linked

