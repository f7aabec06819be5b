"""The desk's settings store: corrupt or out-of-range values fall back to defaults, values per
backend persist, and a proxy password never reaches the settings file."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from livedetect_gui.ui.desk import settings as desk_settings
from livedetect_gui.ui.desk.settings import DeskSettings


def test_per_backend_settings_persist_and_bad_values_fall_back(qtbot) -> None:

    from livedetect_gui.ui.desk import settings as desk_settings

    store = desk_settings.settings_store()
    try:
        desk_settings.save(DeskSettings(threshold=80, tc3_threshold=70, sandbox_api="tc3"),
                           store)
        loaded = desk_settings.load(store)
        assert (loaded.threshold, loaded.tc3_threshold, loaded.sandbox_api) == (80, 70, "tc3")
        assert (loaded.threshold_for("legacy"), loaded.threshold_for("tc3")) == (80, 70)
        store.setValue("desk/tc3_threshold", "-5")
        store.setValue("desk/sandbox_api", "api4")
        loaded = desk_settings.load(store)
        assert loaded.tc3_threshold == 0 and loaded.sandbox_api == "legacy"
    finally:
        store.remove("desk")


def test_corrupt_settings_fall_back_to_defaults(qtbot) -> None:
    store = desk_settings.settings_store()
    store.setValue("desk/concurrency", "lots")
    store.setValue("desk/threshold", "500")
    loaded = desk_settings.load(store)
    assert loaded.concurrency == DeskSettings().concurrency and loaded.threshold == 100
    store.remove("desk")


def test_proxy_password_never_reaches_the_settings_file(qtbot, tmp_path) -> None:
    path = tmp_path / "settings.ini"
    store = QSettings(str(path), QSettings.Format.IniFormat)
    desk_settings.save(DeskSettings(proxy="http://desk:s3cret-proxy-pw@proxy.example:3128"),
                       store)
    store.sync()
    text = path.read_text()
    assert "s3cret-proxy-pw" not in text and "proxy.example" in text
    assert desk_settings.load(store).proxy == "http://desk@proxy.example:3128"
