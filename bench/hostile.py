"""Hostile servers, hostile files, crowded machines: memory and success figures.

Prints, each measured in this run:
- client peak RSS (a fresh process per case) checking one photo against a loopback server that
  answers with an endless body and with a gzip bomb; baseline: the same client against a
  well-behaved answer. Goal: at most 150 MB. The client's answer cap
  (core/service/client.py) bounds it;
  this measures whatever client the checkout has.
- ``livedetect check --sandbox`` peak RSS at the default concurrency over eight images near the
  audit's old 120 MP guard, and over eight images just inside today's decode limits (which are
  prepared, so the process-wide memory budget is what bounds them); baseline: a naive full
  decode of one of them. Goal: at most 500 MB.
- sandbox (its own process) successes out of 1000 simultaneous requests. Goal: 1000/1000.

    .venv/bin/python bench/hostile.py [--endless-mib 1024] [--skip-client]

Generating the images takes a minute and up to ~1 GB in a child process.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import sandbox_process  # noqa: E402

CLIENT_CHILD = r"""
import json, sys, time
from PIL import Image
import io
from livedetect_gui.core.service.client import ClientConfig, LiveDetectClient
from livedetect_gui.core.service.credentials import Credentials
from livedetect_gui.core.imaging.prepare import prepare_bytes

def status_kb(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])

buf = io.BytesIO()
Image.new("RGB", (640, 480), (120, 80, 60)).save(buf, "JPEG")
prepared = prepare_bytes(buf.getvalue())
client = LiveDetectClient(Credentials("1000001", "AKIDbench", "bench-secret-key"),
                          ClientConfig(endpoint=sys.argv[1], max_attempts=1, read_timeout=60,
                                       max_retry_seconds=0))
before = status_kb("VmRSS")
started = time.monotonic()
result = client.check_image(prepared, "bench.jpg")
print(json.dumps({"peak_mb": status_kb("VmHWM") / 1024, "before_mb": before / 1024,
                  "seconds": time.monotonic() - started,
                  "outcome": result.problem_key or f"code {result.code}"}))
"""

GENERATE_CHILD = r"""
import sys
from pathlib import Path
from PIL import Image, ImageDraw

folder, which = Path(sys.argv[1]), sys.argv[2]

def picture(mode, size):
    im = Image.new(mode, size, {"RGBA": (90, 120, 160, 255), "LA": (120, 255),
                                "I;16": 30000, "P": 3, "L": 120}.get(mode, (90, 120, 160)))
    draw = ImageDraw.Draw(im)
    w, h = size
    for i in range(12):
        x, y = (i * 7919) % w, (i * 104729) % h
        fill = {"RGBA": (i * 20, 200, 90, 255), "LA": (i * 20, 255), "I;16": i * 5000,
                "P": i, "L": i * 20}.get(mode, (i * 20, 200, 90))
        draw.ellipse([x, y, x + w // 5, y + h // 5], fill=fill)
    return im

if which == "old-guard":  # the audit's files, just under the old 120 MP guard
    side = 10950
    picture("RGB", (16383, 7300)).save(folder / "a-lossless.webp", lossless=True, method=0)
    picture("RGBA", (side, side)).save(folder / "b-rgba.png", compress_level=1)
    picture("I;16", (side, side)).save(folder / "c-16bit.png", compress_level=1)
    picture("P", (side, side)).save(folder / "d-large.gif")
    picture("LA", (side, side)).save(folder / "e-grey-alpha.png", compress_level=1)
    picture("RGB", (side, side)).save(folder / "f-deflate.tif", compression="tiff_adobe_deflate")
    picture("RGB", (side, side)).save(folder / "g-rgb.png", compress_level=1)
    picture("RGB", (side, side)).save(folder / "h-huge.jpg", quality=80)
else:  # just inside today's limits: these are decoded in full
    picture("RGB", (7200, 5500)).save(folder / "a-rgb.png", compress_level=1)
    picture("RGB", (4400, 4400)).save(folder / "b-lossless.webp", lossless=True, method=0)
    picture("RGBA", (6300, 6300)).save(folder / "c-rgba.png", compress_level=1)
    picture("I;16", (5000, 5000)).save(folder / "d-16bit.png", compress_level=1)
    picture("P", (7900, 7900)).save(folder / "e-large.gif")
    picture("RGB", (7200, 5500)).save(folder / "f-deflate.tif", compression="tiff_adobe_deflate")
    picture("LA", (6300, 6300)).save(folder / "g-grey-alpha.png", compress_level=1)
    picture("RGB", (10950, 10950)).save(folder / "h-huge.jpg", quality=80)
"""

NAIVE_CHILD = r"""
import sys
from PIL import Image
Image.MAX_IMAGE_PIXELS = None
for path in sys.argv[1:]:
    with Image.open(path) as im:
        im.load()
        im.convert("RGB")
"""


def _run_measured(args: list[str], env: dict[str, str] | None = None,
                  timeout: float = 600) -> tuple[float, str]:
    """Run a child; its peak RSS in MB (from wait4) and its stdout."""
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        return usage.ru_maxrss / 1024, out.read().decode(errors="replace")


# -- the client against hostile servers ---------------------------------------------------------


def _gzip_bomb(mib: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    spaces = b" " * (1 << 20)
    return b"".join(packer.compress(spaces) for _ in range(mib)) + packer.flush()


def _hostile_server(endless_bytes: int, bomb: bytes) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            kind = self.path.strip("/").split("/")[0]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if kind == "bomb":
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(bomb)))
                self.end_headers()
                self.wfile.write(bomb)
            elif kind == "endless":
                self.send_header("Connection", "close")  # no length: the body never ends
                self.end_headers()
                chunk, sent = b" " * (1 << 20), 0
                try:
                    while sent < endless_bytes:  # bounded so a bench run cannot take the machine
                        self.wfile.write(chunk)
                        sent += len(chunk)
                except OSError:
                    pass
                self.close_connection = True
            else:
                body = b'{"code": 0, "message": "OK", "data": {"score": 50}}'
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: object, client_address: object) -> None:
            pass  # a client that gives up on the endless answer is the expected outcome

    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def bench_client(endless_mib: int) -> None:
    print(f"client: gzip bomb of 1 GiB of spaces; endless answer capped at {endless_mib} MiB "
          "by the bench server")
    bomb = _gzip_bomb(1024)
    server = _hostile_server(endless_mib << 20, bomb)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    figures = {}
    try:
        for kind in ("normal", "endless", "bomb"):
            peak, out = _run_measured([sys.executable, "-c", CLIENT_CHILD, f"{base}/{kind}"])
            row = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
            figures[kind] = peak
            print(f"  {kind:8} peak RSS {peak:8.1f} MB  {row.get('seconds', float('nan')):6.1f} s  "
                  f"outcome: {row.get('outcome', 'no result (child failed)')}")
    finally:
        server.shutdown()
        server.server_close()
    for kind in ("endless", "bomb"):
        print(f"  {kind}: {figures[kind] / figures['normal']:.1f}x the well-behaved answer's peak "
              f"(goal: at most 150 MB) -> {'OK' if figures[kind] <= 150 else 'OVER'}")


# -- preparation of near-guard images -----------------------------------------------------------


def bench_preparation() -> None:
    env = dict(os.environ, XDG_DATA_HOME=tempfile.mkdtemp(prefix="hostile-xdg-"))
    for which, title in (("old-guard", "eight images near the audit's 120 MP guard"),
                         ("inside", "eight images just inside today's decode limits")):
        with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
            subprocess.run([sys.executable, "-c", GENERATE_CHILD, tmp, which], check=True,
                           cwd=ROOT)
            files = sorted(str(p) for p in Path(tmp).iterdir())
            size_mb = sum(os.path.getsize(f) for f in files) / 1e6
            naive, _ = _run_measured([sys.executable, "-c", NAIVE_CHILD, files[2]])
            peak, out = _run_measured([sys.executable, "-m", "livedetect_gui.cli", "check",
                                       "--sandbox", "--no-history", "--json", "--force",
                                       *files], env=env)
            outcomes = []
            for line in out.splitlines():
                try:
                    item = json.loads(line)
                except ValueError:
                    continue
                # A refusal before any call names its reason; a sent photo shows the code.
                # (--force: photos the pre-checks would hold are sent, to measure the whole way.)
                code = item.get("code")
                outcomes.append(f"refused (unbilled): {item.get('message')}" if code is None
                                else f"{item.get('verdict')} (code {code})")
        print(f"preparation: {title} ({size_mb:.1f} MB of files)")
        print(f"  livedetect check --sandbox, default concurrency: peak RSS {peak:.0f} MB "
              f"(goal: at most 500 MB) -> {'OK' if peak <= 500 else 'OVER'}")
        print(f"  baseline, naive full decode of {Path(files[2]).name} alone: {naive:.0f} MB "
              f"(ours over eight: {peak / naive:.2f}x of it)")
        print(f"  outcomes: {', '.join(str(o) for o in outcomes)}")


# -- a burst against the sandbox ----------------------------------------------------------------


def bench_sandbox_burst(count: int = 1000) -> None:
    from PIL import Image

    from livedetect_gui.core.service.signing_legacy import sign

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < count + 256:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, count + 256), hard))
    proc, url = sandbox_process.start()
    try:
        host, port = url.removeprefix("http://").split(":")
        buf = io.BytesIO()
        Image.radial_gradient("L").convert("RGB").resize((320, 240)).save(buf, "JPEG")
        signature = sign(sandbox_process.APPID, sandbox_process.SECRET_ID,
                         sandbox_process.SECRET_KEY, expires_in=600)
        boundary = "bench-boundary"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"appid\"\r\n\r\n"
                f"{sandbox_process.APPID}\r\n--{boundary}\r\nContent-Disposition: form-data; "
                f"name=\"image\"; filename=\"a.jpg\"\r\n\r\n").encode()
        body += buf.getvalue() + f"\r\n--{boundary}--\r\n".encode()
        request = (f"POST /face/livedetectpicture HTTP/1.1\r\nHost: {host}\r\n"
                   f"Authorization: {signature}\r\nContent-Type: multipart/form-data; "
                   f"boundary={boundary}\r\nContent-Length: {len(body)}\r\n"
                   f"Connection: close\r\n\r\n").encode() + body
        barrier = threading.Barrier(count, timeout=60)
        outcomes: list[str] = []
        lock = threading.Lock()

        def one() -> None:
            try:
                barrier.wait()
                with socket.create_connection((host, int(port)), timeout=60) as sock:
                    sock.sendall(request)
                    answer = b""
                    while chunk := sock.recv(65536):
                        answer += chunk
                outcome = "ok" if b'"code": 0' in answer else answer[9:12].decode("latin-1")
            except (OSError, threading.BrokenBarrierError) as exc:
                outcome = type(exc).__name__
            with lock:
                outcomes.append(outcome)

        threading.stack_size(256 * 1024)
        threads = [threading.Thread(target=one) for _ in range(count)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        elapsed = time.monotonic() - started
    finally:
        sandbox_process.stop(proc)
    ok = outcomes.count("ok")
    others: dict[str, int] = {}
    for o in outcomes:
        if o != "ok":
            others[o] = others.get(o, 0) + 1
    print(f"sandbox: {ok}/{count} simultaneous requests succeeded in {elapsed:.1f} s "
          f"(goal: {count}/{count}) -> {'OK' if ok == count else 'SHORT'}"
          + (f"; others: {others}" if others else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--endless-mib", type=int, default=1024)
    parser.add_argument("--skip-client", action="store_true")
    args = parser.parse_args()
    if not args.skip_client:
        bench_client(args.endless_mib)
    bench_preparation()
    bench_sandbox_burst()


if __name__ == "__main__":
    main()
