"""Shared fixtures: a real sandbox on 127.0.0.1, generated photos, a private data directory,
a real PostgreSQL server on loopback."""

from __future__ import annotations

import io
import os
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image

from devsupport import pg_cluster
from devsupport.photos import make_photo
from devsupport.windows import WINDOWS
from livedetect_gui.core.imaging.prepare import prepare_file
from livedetect_gui.core.paths import data_dir
from livedetect_gui.core.service.client import ClientConfig, LiveDetectClient
from livedetect_gui.core.service.credentials import Credentials
from livedetect_gui.sandbox.scoring import simulated_score
from livedetect_gui.sandbox.server import Faults, Sandbox, SandboxConfig

# Read when the QApplication is created: widgets render offscreen, no display needed.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


# Where platformdirs finds the data and settings folders: XDG on Linux; on Windows the known
# folders, which newer platformdirs let WIN_PD_OVERRIDE_* replace (older ones read
# LOCALAPPDATA/APPDATA when the shell API is not used). Child processes inherit them.
_FOLDER_VARIABLES = {
    "XDG_DATA_HOME": "data", "XDG_CONFIG_HOME": "config",
    "WIN_PD_OVERRIDE_LOCAL_APPDATA": "data", "LOCALAPPDATA": "data",
    "WIN_PD_OVERRIDE_APPDATA": "config", "APPDATA": "config",
}


def data_home(folder: str | Path) -> dict[str, str]:
    """The environment that points a child process's data folder at ``folder``, on Linux and
    Windows alike."""
    return {key: str(folder) for key, kind in _FOLDER_VARIABLES.items() if kind == "data"}


def config_home(folder: str | Path) -> dict[str, str]:
    """The same for the settings folder."""
    return {key: str(folder) for key, kind in _FOLDER_VARIABLES.items() if kind == "config"}


@pytest.fixture(autouse=True, scope="session")
def _private_dirs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """History, settings and keyring of the tests never touch the developer's own."""
    base = tmp_path_factory.mktemp("xdg")
    saved = {k: os.environ.get(k) for k in _FOLDER_VARIABLES}
    for key, folder in _FOLDER_VARIABLES.items():
        os.environ[key] = str(base / folder)
    for key in ("LIVEDETECT_APPID", "LIVEDETECT_SECRET_ID", "LIVEDETECT_SECRET_KEY",
                "LIVEDETECT_ENDPOINT"):
        os.environ.pop(key, None)
    if not data_dir().is_relative_to(base):
        pytest.exit(f"the tests would write into the real profile ({data_dir()}): this "
                    "platformdirs ignores the redirection; upgrade it", returncode=3)
    vault = None
    if WINDOWS:  # Credential Manager under this run's own names, in the commands it starts too
        import keyring

        from devsupport.windows_vault import TAG_VARIABLE, start_run_vault

        saved.update({k: os.environ.get(k)
                      for k in (TAG_VARIABLE, "PYTHON_KEYRING_BACKEND", "PYTHONPATH")})
        vault = start_run_vault()
        keyring.set_keyring(vault)
        # The commands load the vault by module name: wherever they start, they find it.
        root = str(Path(__file__).resolve().parent.parent)
        os.environ["PYTHONPATH"] = os.pathsep.join(
            p for p in (root, saved["PYTHONPATH"]) if p)
    yield
    if vault is not None:
        vault.remove_all()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value




@pytest.fixture
def photo(tmp_path: Path) -> Callable[..., Path]:
    """photo(seed, size=(w, h), fmt="JPEG", name=None, **save_options) -> path."""

    def make(seed: int = 0, size: tuple[int, int] = (640, 480), fmt: str = "JPEG",
             name: str | None = None, **options: object) -> Path:
        ext = {"JPEG": "jpg", "TIFF": "tif", "HEIF": "heic"}.get(fmt, fmt.lower())
        path = tmp_path / (name or f"photo{seed}.{ext}")
        make_photo(seed, size).save(path, fmt, **options)
        return path

    return make


def photo_with_verdict(path: Path, verdict: str, threshold: float = 87, start: int = 0,
                       size: tuple[int, int] = (640, 480)) -> int:
    """Write a JPEG whose simulated score gives ``verdict``; returns the score it will get.

    Scored exactly as the sandbox will: on the decoded bytes that preparation sends.
    """
    for seed in range(start, start + 2000):
        make_photo(seed, size).save(path, "JPEG", quality=90)
        with Image.open(io.BytesIO(prepare_file(path).data)) as sent:
            score = simulated_score(sent)
        if score is not None and (score > threshold) == (verdict == "pass"):
            return score
    raise AssertionError(f"no photo found that would {verdict}")


def simulated_verdict(path: Path, threshold: float = 87, scorer=simulated_score) -> str:
    """The sandbox's verdict on ``path`` as preparation sends it: "pass", "fail" or "error" (no
    score: "no face"). ``scorer``: the API 3.0 side's ``simulated_score`` for that generation."""
    with Image.open(io.BytesIO(prepare_file(path).data)) as sent:
        score = scorer(sent)
    if score is None:
        return "error"
    return "pass" if score > threshold else "fail"


@pytest.fixture
def start_sandbox() -> Iterator[Callable[..., Sandbox]]:
    started: list[Sandbox] = []

    def start(**options: object) -> Sandbox:
        fault_keys = {"latency_ms", "fail_rate", "reset_rate", "garbage_rate", "throttle_rate",
                      "seed"}
        faults = Faults(**{k: v for k, v in options.items() if k in fault_keys})
        rest = {k: v for k, v in options.items() if k not in fault_keys}
        sandbox = Sandbox(SandboxConfig(host="127.0.0.1", port=0, faults=faults, **rest)).start()
        started.append(sandbox)
        return sandbox

    yield start
    for sandbox in started:
        sandbox.stop()


@pytest.fixture
def sandbox(start_sandbox: Callable[..., Sandbox]) -> Sandbox:
    return start_sandbox()


def sandbox_credentials(sandbox: Sandbox) -> Credentials:
    acc = sandbox.account
    return Credentials(acc.appid, acc.secret_id, acc.secret_key)


FAST = dict(backoff_base=0.01, backoff_cap=0.05, connect_timeout=2.0, read_timeout=5.0,
            max_retry_seconds=10.0)


@pytest.fixture
def make_client() -> Iterator[Callable[..., LiveDetectClient]]:
    clients: list[LiveDetectClient] = []

    def make(sandbox: Sandbox, credentials: Credentials | None = None,
             **config: object) -> LiveDetectClient:
        settings = {**FAST, "endpoint": sandbox.url, **config}
        client = LiveDetectClient(credentials or sandbox_credentials(sandbox),
                                  ClientConfig(**settings))
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pg_cluster.Cluster | pg_cluster.ServedCluster]:
    """One throwaway PostgreSQL server for the session, started on first use (on Windows: the
    one scripts/test-windows.sh serves from Linux).

    Stopped and removed at the end of the session whatever the tests did. Under CI a missing
    server is an error, never a skip: the shared store must be tested for real.
    """
    try:
        cluster = pg_cluster.served() or pg_cluster.create()
    except pg_cluster.ClusterUnavailable as exc:
        if os.environ.get("CI") and sys.platform != "win32":
            raise
        pytest.skip(str(exc))
    try:
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture
def pg_url(pg_server: pg_cluster.Cluster | pg_cluster.ServedCluster) -> Iterator[str]:
    """A fresh, empty database on the session's server for one test; dropped afterwards."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server.url(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield pg_server.url(name)
    if pg_server.running():
        with psycopg.connect(pg_server.url(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
