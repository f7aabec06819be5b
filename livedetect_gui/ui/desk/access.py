"""What views borrow from the desk for work of their own (the history's pages, the camera's
files, the credentials dialog's keyring calls): the desk's task runner and one of its named
pools, and the domain objects that work needs. Views never create pools of their own."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import QThreadPool

from livedetect_gui.core.service.credentials import CredentialStore
from livedetect_gui.core.trail.kept_photos import KeptPhotos
from livedetect_gui.core.trail.lazy_history import LazyHistory
from livedetect_gui.ui.common.tasks import TaskRunner


@dataclass(frozen=True)
class Background:
    """Where a view's background work runs and reports back to the GUI thread."""

    tasks: TaskRunner
    pool: QThreadPool


@dataclass(frozen=True)
class TrailAccess:
    """For the history view: the trail, the photos kept with it (None: not kept), and the
    trail pool (pages, the chain walk and exports side by side)."""

    history: LazyHistory
    photos: KeptPhotos | None
    work: Background


@dataclass(frozen=True)
class KeyringAccess:
    """For the credentials dialog: the credential store, the environment the connection
    policy reads, and the io pool (keyring calls in order, off the GUI thread)."""

    store: CredentialStore
    env: Mapping[str, str]
    work: Background
