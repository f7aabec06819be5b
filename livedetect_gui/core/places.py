"""Where the desk keeps its files: the platform's per-user data directory."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import platformdirs

APP_NAME = "livedetect-gui"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def history_path() -> Path:
    return data_dir() / "history.sqlite3"


def captures_dir() -> Path:
    return data_dir() / "captures"


def capture_name(moment: datetime | None = None) -> str:
    """Timestamped, sortable, unique to the millisecond: capture-20261124-193012-123.jpg."""
    moment = moment or datetime.now()
    return f"capture-{moment:%Y%m%d-%H%M%S}-{moment.microsecond // 1000:03d}.jpg"
