"""A throwaway PostgreSQL server for the tests and the shared-store benchmark.

Debian's ``postgresql`` package (installed by scripts/setup.sh) provides the server programs;
this starts a fresh cluster in a temporary folder on a free loopback port, never the system's
own cluster, and removes it afterwards. The server refuses to run as root, so as root it runs
as the unprivileged ``postgres`` account (created by the package) through ``runuser``.

Lives in devsupport/ (shared by tests and benchmarks, not shipped): the shared-store
benchmark and the tests' session fixture (tests/conftest.py) both use it.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SERVER_USER = "postgres"  # created by Debian's postgresql-common
PASSWORD_ROLE = "desk_pw"  # the one role that must authenticate with a password


class ClusterUnavailable(RuntimeError):
    """The PostgreSQL server programs are not installed (scripts/setup.sh installs them)."""


def server_bin() -> Path:
    if os.name == "nt":
        # The programs are Debian's (Linux): a Windows interpreter must not start them (under
        # Wine it would find them at Z:\usr\lib and die without a word).
        raise ClusterUnavailable("the throwaway PostgreSQL server runs on Linux only (Debian's "
                                 "postgresql package): not started on Windows")
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).parent
    raise ClusterUnavailable("PostgreSQL server programs not found: run scripts/setup.sh "
                             "(Debian package 'postgresql')")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Cluster:
    folder: Path
    port: int
    bin: Path
    user: str  # the database superuser's name
    _as_user: list[str]

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, dbname: str = "postgres", user: str | None = None) -> str:
        return f"postgresql://{user or self.user}@127.0.0.1:{self.port}/{dbname}"

    def _pg_ctl(self, *args: str, timeout: float = 60) -> None:
        subprocess.run([*self._as_user, str(self.bin / "pg_ctl"), "-D", str(self.data), *args],
                       check=True, timeout=timeout, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)

    def start(self) -> None:
        # Loopback only, sockets in our own folder; fsync stays on so a stop is a real stop.
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                   "-c max_connections=60 -c shared_buffers=32MB")
        self._pg_ctl("-l", str(self.folder / "server.log"), "-w", "-t", "60", "-o", options,
                     "start")

    def stop(self, mode: str = "fast") -> None:
        self._pg_ctl("-m", mode, "-w", "-t", "60", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def log_tail(self, lines: int = 20) -> str:
        with contextlib.suppress(OSError):
            text = (self.folder / "server.log").read_text(errors="replace")
            return "\n".join(text.splitlines()[-lines:])
        return ""

    def remove(self) -> None:
        if self.running():
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


PREFIX = "livedetect-pg-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(parent: str | Path | None = None) -> None:
    """Stop and remove clusters left by a run that was killed before it could clean up (its
    owner process is gone): a killed test run must not leave servers behind for ever."""
    for folder in Path(parent or tempfile.gettempdir()).glob(f"{PREFIX}*"):
        try:
            owner = int((folder / "owner.pid").read_text())
        except (OSError, ValueError):
            continue
        if not _alive(owner):
            with contextlib.suppress(Exception):
                Cluster(folder, 0, server_bin(), "postgres",
                        ["runuser", "-u", SERVER_USER, "--"] if os.geteuid() == 0 else []
                        ).remove()


def create(parent: str | Path | None = None) -> Cluster:
    """initdb a new cluster (trust authentication on loopback only) and start it."""
    binaries = server_bin()
    remove_stale(parent)
    folder = Path(tempfile.mkdtemp(prefix=PREFIX, dir=parent))
    (folder / "owner.pid").write_text(str(os.getpid()))
    as_user: list[str] = []
    if os.geteuid() == 0:
        import pwd  # POSIX only; server_bin() has refused Windows already

        try:
            account = pwd.getpwnam(SERVER_USER)
        except KeyError:
            shutil.rmtree(folder, ignore_errors=True)
            raise ClusterUnavailable(f"no '{SERVER_USER}' account to run the server as") from None
        os.chown(folder, account.pw_uid, account.pw_gid)
        as_user = ["runuser", "-u", SERVER_USER, "--"]
    superuser = "postgres"
    try:
        subprocess.run(
            [*as_user, str(binaries / "initdb"), "-D", str(folder / "data"), "-A", "trust",
             "-U", superuser, "-E", "UTF8", "--locale=C", "--no-instructions"],
            check=True, timeout=120, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        # One role that must give a password over TCP (the keyring path is tested with it);
        # everyone else is trusted, loopback only.
        hba = folder / "data" / "pg_hba.conf"
        # Rewritten in place, so the file keeps its owner.
        hba.write_text(f"host all {PASSWORD_ROLE} 127.0.0.1/32 scram-sha-256\n"
                       + hba.read_text())
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    # A port can be taken between the probe and the server's bind: try a few.
    last: Exception | None = None
    for _ in range(5):
        cluster = Cluster(folder, _free_port(), binaries, superuser, as_user)
        try:
            cluster.start()
            return cluster
        except subprocess.CalledProcessError as exc:
            last = exc
            time.sleep(0.2)
    tail = Cluster(folder, 0, binaries, superuser, as_user).log_tail()
    shutil.rmtree(folder, ignore_errors=True)
    raise RuntimeError(f"PostgreSQL did not start: {last}\n{tail}")


# A Windows test run (scripts/test-windows.sh, Windows Python under Wine) cannot start Debian's
# server itself: the script starts one on the Linux side (``python3 -m devsupport.pg_cluster
# serve FOLDER``) and names FOLDER to the tests in this variable. The tests reach the server
# over loopback TCP, as a Windows desk reaches its centre's, and ask for stops and starts by
# dropping request files into FOLDER.
SERVED = "DESK_TESTS_PG"
_REQUESTS = ("stop", "start")
_STOP_MODES = ("smart", "fast", "immediate")


@dataclass
class ServedCluster:
    """The Windows side's handle on a server started by ``serve`` (same methods as Cluster)."""

    folder: Path
    port: int
    user: str

    def url(self, dbname: str = "postgres", user: str | None = None) -> str:
        return f"postgresql://{user or self.user}@127.0.0.1:{self.port}/{dbname}"

    def _ask(self, request: str, detail: str = "", timeout: float = 90) -> None:
        done = self.folder / f"{request}.done"
        done.unlink(missing_ok=True)
        part = self.folder / f"{request}.request.part"  # whole or not at all, as answers are
        part.write_text(detail)
        os.replace(part, self.folder / f"{request}.request")
        deadline = time.monotonic() + timeout
        while not done.exists():
            if time.monotonic() > deadline:
                raise RuntimeError(f"the served PostgreSQL server did not {request} in time")
            time.sleep(0.05)
        answer = done.read_text()
        if answer != "ok":
            raise RuntimeError(f"the served PostgreSQL server could not {request}: {answer}")

    def stop(self, mode: str = "fast") -> None:
        self._ask("stop", mode)

    def start(self) -> None:
        self._ask("start")

    def running(self) -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 2):
            return True
        return False

    def remove(self) -> None:
        """The server belongs to ``serve``, which removes it when the run ends."""


def served() -> ServedCluster | None:
    """The server a Windows run was given, or None."""
    folder = os.environ.get(SERVED)
    if not folder:
        return None
    port, user = (Path(folder) / "port").read_text().split()
    return ServedCluster(Path(folder), int(port), user)


def serve(folder: Path, owner: int) -> None:
    """Linux side: a fresh cluster, its port and superuser written to ``folder``/port, stops
    and starts done on request, removed when ``folder``/quit appears or ``owner`` is gone."""
    cluster = create()
    try:
        (folder / "port.part").write_text(f"{cluster.port} {cluster.user}")
        os.replace(folder / "port.part", folder / "port")
        while not (folder / "quit").exists() and _alive(owner):
            for request in _REQUESTS:
                asked = folder / f"{request}.request"
                if asked.exists():
                    mode = asked.read_text().strip()
                    asked.unlink()
                    try:
                        if request == "stop":
                            # pg_ctl's shutdown modes only: the file comes from the test side.
                            cluster.stop(mode if mode in _STOP_MODES else "fast")
                        else:
                            cluster.start()
                        answer = "ok"
                    except (subprocess.SubprocessError, OSError) as exc:
                        answer = f"{exc}\n{cluster.log_tail()}"
                    # Whole or not at all: the other side reads it as soon as it appears.
                    (folder / f"{request}.part").write_text(answer)
                    os.replace(folder / f"{request}.part", folder / f"{request}.done")
            time.sleep(0.05)
    finally:
        cluster.remove()


if __name__ == "__main__":
    import sys

    if len(sys.argv) != 4 or sys.argv[1] != "serve":
        sys.exit("usage: python3 -m devsupport.pg_cluster serve FOLDER OWNER_PID")
    serve(Path(sys.argv[2]), int(sys.argv[3]))
