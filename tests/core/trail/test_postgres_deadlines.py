"""A shared server that stops answering (TCP still acknowledging) never hangs the desk: every
exchange has a client-side deadline. Real PostgreSQL behind a loopback proxy that stalls."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from devsupport.stalling_proxy import StallingProxy
from devsupport.windows import under_wine
from livedetect_gui.core.result import CheckResult
from livedetect_gui.core.trail.history import History, HistoryError, open_history
from livedetect_gui.core.trail.location import parse

DEADLINE = 1.5
BOUND = 15.0  # deadline + cancel attempt + cut + reconnect (connect_timeout 5 s): well within


def _bounded(action, seconds: float = BOUND):
    """Run ``action`` on a thread: it must end within ``seconds`` (the test fails, never
    hangs, on a call that waits for ever)."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(action())
        except Exception as exc:
            outcome.append(exc)

    started = time.monotonic()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still waiting after {seconds} s"
    return outcome[0], time.monotonic() - started


@pytest.fixture
def proxied(pg_url: str):
    parts = urlsplit(pg_url)
    proxy = StallingProxy(parts.hostname or "127.0.0.1", parts.port or 5432).start()
    yield proxy, pg_url.replace(f":{parts.port}/", f":{proxy.port}/")
    proxy.close()


# The deadline frees a read blocked on a stalled server by shutting its socket down; Wine 8's
# select() never reports a socket shut down from this side as readable (Linux's does; real
# Windows is not verified here: CI runs Windows under Wine too), so the read stays blocked.
WINE_SELECT = pytest.mark.skipif(under_wine(), reason="Wine 8's select() ignores a local "
                                 "shutdown: the deadline's cut cannot free the read there")


def _check(n: int) -> CheckResult:
    return CheckResult(source=f"p{n}.jpg", threshold=87, score=90, code=0, sha256=f"{n:064x}",
                       attempts=1, api="legacy")


def _open(url: str, tmp_path: Path) -> History:
    return open_history(parse(url), operator="ann", spool=tmp_path / "spool.sqlite3",
                        forward=False, deadline=DEADLINE)


@WINE_SELECT
def test_lookup_append_close_and_verify_end_when_the_server_stalls(proxied, tmp_path) -> None:
    proxy, url = proxied
    history = _open(url, tmp_path)
    history.record(_check(1))
    assert history.store.flush() == 1  # the proxy forwards: all is well
    assert history.verify().intact
    proxy.stall()

    found, took = _bounded(lambda: history.find_judged([f"{1:064x}"], 0, api="legacy"))
    assert found is None and took < BOUND
    # The next lookups do not wait again: the batch goes on paying, not hanging.
    found, took = _bounded(lambda: history.find_judged([f"{1:064x}"], 0, api="legacy"))
    assert found is None and took < 1.0

    history.record(_check(2))  # spooled at once: the desk's own disk
    failed, _ = _bounded(history.store.flush)
    assert isinstance(failed, HistoryError) and failed.key == "unavailable"
    assert "no answer" in failed.detail or "closed" in failed.detail or failed.detail

    failed, _ = _bounded(history.verify)
    assert isinstance(failed, HistoryError)

    _, took = _bounded(history.close)
    assert history.store.pending == 1  # kept for the next start, not lost


@WINE_SELECT
def test_a_forwarder_stuck_on_a_stalled_server_lets_close_return(proxied, tmp_path) -> None:
    proxy, url = proxied
    history = open_history(parse(url), operator="ann", spool=tmp_path / "spool.sqlite3",
                           deadline=DEADLINE)
    history.record(_check(1))
    deadline = time.monotonic() + 20
    while history.store.pending and time.monotonic() < deadline:
        time.sleep(0.05)
    assert history.store.pending == 0
    proxy.stall()
    history.record(_check(2))  # the forwarder takes it and waits on the silent server
    _, took = _bounded(history.close, 30)
    assert history.store.pending == 1
