"""What the protocol modules (legacy, tc3) see of one request and of the sandbox serving it.

The server's request handler and its Sandbox satisfy these; the protocols depend on them, not
on the server, so the server can route to the protocols without an import circle.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from email.message import Message
from typing import Protocol

from livedetect_gui.core.imaging.decode_memory import MemoryBudget
from livedetect_gui.core.service.signing_legacy import Account
from livedetect_gui.sandbox.config import SandboxConfig
from livedetect_gui.sandbox.throttle import RateLimiter


class Service(Protocol):
    """The sandbox's state shared by every request."""

    config: SandboxConfig
    accounts: Mapping[str, Account]
    limiter: RateLimiter
    bodies: MemoryBudget

    def count(self, key: str) -> None: ...


class Exchange(Protocol):
    """One request (its head already parsed, its body still to read) and its answer."""

    command: str
    path: str
    headers: Message
    rfile: io.BufferedIOBase
    close_connection: bool

    @property
    def service(self) -> Service: ...

    def reply(self, payload: dict | None = None, status: int = 200, raw: bytes | None = None,
              content_type: str = "application/json", close: bool = False) -> None: ...

    def drop(self) -> None: ...

    def inject_fault(self) -> str | None:
        """Latency and the request's fault draw (see faults.inject)."""
        ...
