"""URL mode: the sandbox fetches an image for the caller, as the service does.

Only http(s), a few redirects each checked like the first URL, one deadline for everything,
a byte cap, and never an internal destination: the check is on the addresses a name resolves
to and the connection goes to the address checked (no DNS rebinding).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from urllib.parse import urljoin, urlsplit

# One deadline for resolution, connection, redirects and body; a few redirects.
URL_DOWNLOAD_TIMEOUT = 10.0
MAX_URL_REDIRECTS = 3
MAX_URL_CHARS = 2048


def _allowed_address(address: str, allow_loopback: bool) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return allow_loopback
    return ip.is_global and not ip.is_multicast


def _checked_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, target) of an http(s) URL, or ValueError saying what is wrong."""
    if len(url) > MAX_URL_CHARS:
        raise ValueError("url is too long")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise ValueError("url contains spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValueError("url is malformed") from None
    if parts.scheme not in ("http", "https"):
        raise ValueError("only http and https urls")
    if not parts.hostname:
        raise ValueError("url names no host")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), target


def _resolve(host: str, port: int, allow_loopback: bool, timeout: float) -> str:
    """One address for ``host``, refused unless every address it resolves to is public (or
    loopback, when allowed): the check is on what the name resolves to, so any spelling of an
    internal host (localhost, 0, 2130706433, a DNS name pointing inside) is refused."""
    result: list = []

    def lookup() -> None:
        try:
            result.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as exc:
            result.append(exc)

    worker = threading.Thread(target=lookup, daemon=True)  # getaddrinfo has no timeout
    worker.start()
    worker.join(timeout)
    if not result or isinstance(result[0], BaseException):
        raise ValueError("could not fetch the image")
    addresses = [info[4][0] for info in result[0]]
    if not addresses or not all(_allowed_address(a, allow_loopback) for a in addresses):
        raise ValueError("url points to a local or private address")
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the address already checked, not to whatever the name resolves to next."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def fetch_image(url: str, cap: int, *, allow_loopback: bool = False,
                timeout: float = URL_DOWNLOAD_TIMEOUT) -> bytes:
    """The bytes at an http(s) URL, at most ``cap`` of them, within ``timeout`` seconds in
    all, following a few redirects that are checked like the first URL. ValueError says what
    went wrong without telling a closed port from an open one."""
    deadline = time.monotonic() + timeout
    for _ in range(MAX_URL_REDIRECTS + 1):
        scheme, host, port, target = _checked_url(url)
        address = _resolve(host, port, allow_loopback, max(0.1, deadline - time.monotonic()))
        kind = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
        conn = kind(host, port, address, max(0.1, deadline - time.monotonic()))
        try:
            conn.request("GET", target, headers={"User-Agent": "LiveDetectSandbox",
                                                 "Accept-Encoding": "identity"})
            response = conn.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location") or ""
                url = urljoin(url, location[:MAX_URL_CHARS])
                continue
            if response.status != 200:
                raise ValueError("could not fetch the image")
            return _read_capped(conn, response, cap, deadline)
        except (OSError, http.client.HTTPException, ssl.SSLError):
            raise ValueError("could not fetch the image") from None
        finally:
            conn.close()
    raise ValueError("too many redirects")


def _read_capped(conn: http.client.HTTPConnection, response: http.client.HTTPResponse,
                 cap: int, deadline: float) -> bytes:
    data = bytearray()
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ValueError("the image server answered too slowly")
        if conn.sock is not None:
            conn.sock.settimeout(remaining)
        chunk = response.read1(65536) if hasattr(response, "read1") else response.read(65536)
        if not chunk:
            return bytes(data)
        data += chunk
        if len(data) > cap:
            raise ValueError("image at url is too large")
