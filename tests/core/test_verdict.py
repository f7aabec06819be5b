"""The verdict thresholds: each generation's default and presets."""

from __future__ import annotations

from livedetect_gui.core.service.credentials import (
    Api,
)
from livedetect_gui.core.verdict import default_threshold, threshold_presets


def test_threshold_defaults_and_presets_per_backend() -> None:
    assert default_threshold("legacy") == 87 and default_threshold(Api.TC3) == 40
    assert threshold_presets("tc3") == (5, 10, 40, 70, 90)
