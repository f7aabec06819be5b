"""Append throughput of the shared (PostgreSQL) history with concurrent desks.

Starts a throwaway PostgreSQL server (devsupport/pg_cluster.py), then runs writer processes that
start together and each append N check records, two ways:

- ``direct``: one record per transaction straight to the server, the worst case (every desk
  appending each check the moment it ends, all contending for the one chain's head lock);
- ``desk``: the desk's own path, ``History.record`` into the spool with the forwarder
  sending batches, timed until the last record is on the server.

Prints records/s for 1 writer (the baseline, measured in the same run) and for W writers, and
the ratio. Usage: python -m bench.shared_store [--writers 4] [--records 500]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from devsupport import pg_cluster  # noqa: E402


def writer(url: str, count: int, mode: str, start_at: float, spool: str, tag: str) -> None:
    from livedetect_gui.core.result import CheckResult, PreparedInfo
    from livedetect_gui.core.trail.history import open_history
    from livedetect_gui.core.trail.location import parse

    history = open_history(parse(url), operator=tag, spool=spool, forward=(mode == "desk"))
    store = history.store
    results = [CheckResult(source=f"{tag}-{n}.jpg", threshold=87, score=50 + n % 50, code=0,
                           prepared=PreparedInfo(640, 480, 30000), sha256=f"{n:064x}",
                           endpoint="http://127.0.0.1/face/livedetectpicture", attempts=1,
                           elapsed_ms=300) for n in range(count)]
    history.count()  # connected and migrated before the clock starts
    time.sleep(max(0.0, start_at - time.time()))
    for result in results:
        if mode == "direct":
            store.append_now([history.check_record(result)])  # type: ignore[attr-defined]
        else:
            history.record(result)
    while store.pending:  # type: ignore[attr-defined]
        time.sleep(0.005)
    print(time.time(), flush=True)
    history.close()


def run(url: str, writers: int, count: int, mode: str, folder: Path) -> float:
    start_at = time.time() + 2.0  # every writer imported and connected by then
    procs = [subprocess.Popen(
        [sys.executable, "-m", "bench.shared_store", "--writer", url, str(count), mode,
         str(start_at), str(folder / f"spool-{mode}-{writers}-{w}.sqlite3"), f"w{w}"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True) for w in range(writers)]
    ends = []
    for proc in procs:
        out, _ = proc.communicate(timeout=600)
        if proc.returncode:
            raise SystemExit(f"a writer failed (exit {proc.returncode})")
        ends.append(float(out.strip().splitlines()[-1]))
    return writers * count / (max(ends) - start_at)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--writer":
        url, count, mode, start_at, spool, tag = sys.argv[2:8]
        writer(url, int(count), mode, float(start_at), spool, tag)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--records", type=int, default=500, help="per writer")
    args = parser.parse_args()

    import psycopg

    cluster = pg_cluster.create()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            for mode in ("direct", "desk"):
                rates = {}
                for writers in (1, args.writers):
                    db = f"bench_{mode}_{writers}"
                    with psycopg.connect(cluster.url(), autocommit=True) as admin:
                        admin.execute(f"CREATE DATABASE {db}")
                    rates[writers] = run(cluster.url(db), writers, args.records, mode, folder)
                    with psycopg.connect(cluster.url(db)) as conn:
                        stored = conn.execute("SELECT count(*) FROM records").fetchone()[0]
                    assert stored == writers * args.records, stored
                print(f"{mode:>6}: 1 writer {rates[1]:7.0f} records/s; {args.writers} writers "
                      f"{rates[args.writers]:7.0f} records/s "
                      f"(x{rates[args.writers] / rates[1]:.2f} of one writer)")
    finally:
        cluster.remove()


if __name__ == "__main__":
    main()
