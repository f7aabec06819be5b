"""LiveDetect Desk: a review desk for the static-photo liveness API."""

__version__ = "0.1.0"

from pathlib import Path


def resource(name: str) -> Path:
    """A file from the top-level resources/ folder (shipped as livedetect_gui.resources)."""
    try:
        from importlib.resources import files

        candidate = Path(str(files("livedetect_gui.resources") / name))
        if candidate.exists():
            return candidate
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parent.parent / "resources" / name
