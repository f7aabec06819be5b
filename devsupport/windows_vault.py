"""Windows Credential Manager under names of one test run's own: the real OS store, as the
desk uses it, without touching the person's saved credentials.

The tests' own process and every ``livedetect`` command they start must use the same names,
else a key one of them keeps (the history spool's MAC key) cannot be read by the other. So the
run's tag travels in the environment, and keyring loads ``RunVault`` in child processes through
``PYTHON_KEYRING_BACKEND``. Windows only (imports keyring's Windows backend); test and CI
support, never shipped.
"""

from __future__ import annotations

import os
import uuid

from keyring.backends.Windows import WinVaultKeyring

# Not LIVEDETECT_*: tests that start a desk "from a clean environment" drop those.
TAG_VARIABLE = "DESK_TESTS_VAULT"
BACKEND = f"{__name__}.RunVault"
_NOT_FOUND = 1168  # ERROR_NOT_FOUND: CredEnumerate found nothing


class RunVault(WinVaultKeyring):
    """Every service name gets the run's tag in front (``<tag>/<service>``)."""

    def __init__(self) -> None:
        super().__init__()
        tag = os.environ.get(TAG_VARIABLE, "")
        if not tag.startswith("livedetect-tests-"):
            # Never fall back to the real names: a child without the tag must fail loudly.
            raise RuntimeError(f"{TAG_VARIABLE} is not set: no test vault to use")
        self.tag = tag

    def _own(self, service: str) -> str:
        return f"{self.tag}/{service}"

    def get_password(self, service: str, username: str) -> str | None:
        return super().get_password(self._own(service), username)

    def set_password(self, service: str, username: str, password: str) -> None:
        super().set_password(self._own(service), username, password)

    def delete_password(self, service: str, username: str) -> None:
        super().delete_password(self._own(service), username)

    def get_credential(self, service: str, username: str | None):  # noqa: ANN201
        return super().get_credential(self._own(service), username)

    def remove_all(self) -> list[str]:
        """Delete what this run (the tests and the commands they started) wrote; returns the
        target names deleted. Matched by the tag, which no one else's names carry."""
        from win32ctypes.pywin32 import pywintypes, win32cred

        try:
            found = win32cred.CredEnumerate(None, 0)
        except pywintypes.error as exc:
            if exc.winerror == _NOT_FOUND:
                return []
            raise
        removed = []
        for credential in found:
            target = credential["TargetName"]
            # "<tag>/<service>", or keyring's compound "<user>@<tag>/<service>".
            if target.startswith(f"{self.tag}/") or f"@{self.tag}/" in target:
                win32cred.CredDelete(target, credential["Type"])
                removed.append(target)
        return removed


def start_run_vault() -> RunVault:
    """A new tag for this run, in the environment (so the commands the tests start inherit it),
    and the vault that uses it."""
    os.environ[TAG_VARIABLE] = f"livedetect-tests-{uuid.uuid4().hex[:8]}"
    os.environ["PYTHON_KEYRING_BACKEND"] = BACKEND
    return RunVault()
