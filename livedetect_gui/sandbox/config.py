"""What a sandbox is started with, and the server-layer limits its settings default to.

The sandbox runs inside the desk, so a hostile or broken client must cost it bounded memory,
threads and time: each limit below says what it bounds and why it is that large.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from livedetect_gui.core.imaging.prepare import SERVICE_BODY_LIMIT
from livedetect_gui.core.service.signing_legacy import Account
from livedetect_gui.sandbox.faults import Faults

# Connections the kernel queues before accept: a burst of 1000 simultaneous requests waits
# instead of being reset (Linux caps it at net.core.somaxconn, 4096 by default).
LISTEN_BACKLOG = 1024
# Connections open at once (each has a thread, mostly blocked in a read); beyond it a clear
# 503 and close. Above the 1000-request burst the sandbox must serve, far below the file
# descriptors a process gets (the sandbox raises its soft limit to at least this plus room).
MAX_CONNECTIONS = 1100
# A kept-alive connection may wait this long for its next request (clients reuse within ms).
IDLE_TIMEOUT = 15.0
# One request, from its first byte to its last: a full 6 MB body at 1 Mbit/s takes 48 s.
REQUEST_DEADLINE = 60.0
# Longest silence within a request: a stalled client is dropped, not waited for.
READ_TIMEOUT = 10.0
# Request line plus headers: API 3.0 takes a GET of up to 32 kB (its parameters in the query);
# a POST's head is under 1 kB. The stdlib alone would take 100 lines of 64 kB each.
MAX_HEADER_BYTES = 40 * 1024
# Any text taken from a request and put in an answer or a log is cut to this.
MAX_ECHO_CHARS = 200
# Bodies held at once while read and decoded: ten full 6 MB bodies; others wait their turn
# with their connection open instead of multiplying memory.
BODY_MEMORY_BYTES = 64_000_000


@dataclass
class SandboxConfig:
    host: str = "127.0.0.1"
    port: int = 0
    accounts: list[Account] = field(default_factory=list)
    faults: Faults = field(default_factory=Faults)
    # Requests per second per appid before code 15; 0 means no limit.
    rate_limit: float = 0.0
    max_body_bytes: int = SERVICE_BODY_LIMIT
    # PEM files to serve https (to exercise TLS verification and custom CA bundles).
    tls_cert: str | None = None
    tls_key: str | None = None
    # URL mode fetches from loopback (127.0.0.0/8, ::1) only when this is set: for local
    # testing. Private, link-local and other non-global addresses are always refused.
    allow_loopback_urls: bool = False
    max_connections: int = MAX_CONNECTIONS
    idle_timeout: float = IDLE_TIMEOUT
    request_deadline: float = REQUEST_DEADLINE
    read_timeout: float = READ_TIMEOUT

    @staticmethod
    def demo_account() -> Account:
        return Account(
            appid=str(1_000_000 + secrets.randbelow(9_000_000)),
            secret_id="AKIDsandbox" + secrets.token_hex(12),
            secret_key=secrets.token_urlsafe(24),
        )
