"""``livedetect credentials`` as a user runs it, with and without a usable keyring."""

from __future__ import annotations

import pytest

from tests.cli.conftest import SECRET, run


def test_credentials_commands_without_keyring_say_so(tmp_path) -> None:
    env = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    proc = run("credentials", "set", "--appid", "1", "--secret-id", "k", stdin=SECRET + "\n",
               env=env)
    assert proc.returncode == 2 and "No usable OS keyring" in proc.stderr
    assert SECRET not in proc.stderr + proc.stdout


def test_credentials_commands_in_real_keyring(tmp_path) -> None:
    from livedetect_gui.core.service.credentials import CredentialStore

    if not CredentialStore().available():
        pytest.skip("no usable keyring backend (the README test command provides one)")
    profile = "cli-test-profile"
    proc = run("credentials", "set", "--profile", profile, "--appid", "1", "--secret-id", "AKID",
               stdin=SECRET + "\n")
    try:
        assert proc.returncode == 0, proc.stderr
        shown = run("credentials", "show", "--profile", profile).stdout
        assert "AKID" in shown and SECRET not in shown and SECRET[-4:] in shown
        assert profile in run("credentials", "list").stdout
    finally:
        assert run("credentials", "delete", "--profile", profile).returncode == 0
    assert run("credentials", "show", "--profile", profile).returncode == 2
