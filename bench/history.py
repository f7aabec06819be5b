"""The audit trail at 100,000 records: append throughput, opening the history view, verifying
the chain, and exporting everything, each against a naive baseline measured in the same run.

- open: the view's first page (count + 500 rows, SQL paging) vs reading every row into Python
  (what a list-backed view must do before it can show "N of M").
- export: the streamed export vs building the whole list first; wall time and peak memory,
  each in a fresh process (growth of peak RSS over the RSS before it ran, Linux /proc).
- view: a real HistoryPanel (Qt offscreen) from refresh to its first page on screen.

    .venv/bin/python bench/history.py [--records 100000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import csv, io, json, os, sys, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from livedetect_gui.core.trail.history import EXPORT_COLUMNS, History, Query, export_row

def rss_kb(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1])
    return 0

path, which, out = sys.argv[1], sys.argv[2], sys.argv[3]
before = rss_kb("VmRSS:")
started = time.perf_counter()
history = History(path)
result = {}
if which == "open":
    q = Query()
    result["rows"] = len(history.page(q, 0, 500)); result["total"] = history.count(q)
elif which == "open_naive":
    rows = list(history.stream(Query()))
    result["rows"] = result["total"] = len(rows)
elif which == "export":
    result["rows"] = history.export_file(out)
elif which == "export_naive":
    rows = list(history.stream(Query()))
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f); w.writerow(EXPORT_COLUMNS)
        for r in rows:
            w.writerow(export_row(r))
    result["rows"] = len(rows)
elif which == "verify":
    state = history.verify()
    result["rows"] = state.count; result["intact"] = state.intact
elif which == "view":
    from PySide6.QtCore import QDate, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from livedetect_gui.core.trail.lazy_history import LazyHistory as SharedHistory
    from livedetect_gui.ui.audit.history_view import HistoryPanel
    from livedetect_gui.ui.common.tasks import Pools, TaskRunner
    history.close()
    started = time.perf_counter()
    pools = Pools()
    panel = HistoryPanel(SharedHistory(path), TaskRunner(), pools.trail)
    panel.since.setDate(QDate(2000, 1, 1))
    panel.show()
    loop = QEventLoop()
    panel.model.loaded.connect(loop.quit)
    QTimer.singleShot(60000, loop.quit)
    panel.refresh()
    loop.exec()
    result["seconds"] = time.perf_counter() - started
    result["rows"] = len(panel.model.rows); result["total"] = panel.model.total
    panel.pool.waitForDone(60000)  # the chain walk started beside the first page
    result["chain_seconds"] = time.perf_counter() - started
result.setdefault("seconds", time.perf_counter() - started)
result["peak_mb"] = (rss_kb("VmHWM:") - before) / 1024
print(json.dumps(result))
"""


def child(path: Path, which: str, out: Path) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD, str(path), which, str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from devsupport.sample_trail import fill
    from livedetect_gui.core.trail.history import History

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "h.sqlite3"
        history = History(path)
        started = time.perf_counter()
        written = fill(history, args.records, seed=1)
        elapsed = time.perf_counter() - started
        history.close()
        print(f"records: {written:,}  (generated and appended in {elapsed:.1f} s, "
              f"{written / elapsed:,.0f} records/s in batches of 5,000, one writer)")
        out = Path(tmp) / "out.csv"
        results = {w: child(path, w, out) for w in ("open", "open_naive", "view", "verify",
                                                    "export", "export_naive")}
        o, on = results["open"], results["open_naive"]
        print(f"open (count + first page): {o['seconds'] * 1000:.0f} ms, {o['peak_mb']:.1f} MB; "
              f"naive (all rows): {on['seconds'] * 1000:.0f} ms, {on['peak_mb']:.1f} MB; "
              f"{on['seconds'] / o['seconds']:.0f}x faster")
        v = results["view"]
        print(f"history view (Qt, offscreen) to first page: {v['seconds'] * 1000:.0f} ms "
              f"({v['rows']:,} of {v['total']:,} shown); chain state shown after "
              f"{v['chain_seconds']:.1f} s (walked on a worker meanwhile)")
        print(f"verify chain: {results['verify']['seconds']:.2f} s "
              f"(intact: {results['verify']['intact']})")
        e, en = results["export"], results["export_naive"]
        print(f"export {e['rows']:,} records: {e['seconds']:.2f} s, peak +{e['peak_mb']:.1f} MB; "
              f"naive {en['seconds']:.2f} s, peak +{en['peak_mb']:.1f} MB; memory "
              f"{en['peak_mb'] / max(0.1, e['peak_mb']):.1f}x less, CSV "
              f"{out.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
