"""How the desk names the two generations of the service and API 3.0's regions."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from livedetect_gui.core.service.credentials import Api


def backend_name(api: str | Api) -> str:
    """Short, in the desk's language: "Legacy API" or "API 3.0"."""
    if str(api) == Api.TC3.value:
        return QCoreApplication.translate("Backend", "API 3.0")
    return QCoreApplication.translate("Backend", "Legacy API")


def backend_title(api: str | Api) -> str:
    """With the call's name, where there is room (the credentials dialog, the banner)."""
    if str(api) == Api.TC3.value:
        return QCoreApplication.translate("Backend", "API 3.0 (DetectLiveFaceAccurate)")
    return QCoreApplication.translate("Backend", "Legacy API (livedetectpicture)")


def region_name(region: str) -> str:
    """A region code with its city, e.g. "Guangzhou (ap-guangzhou)"; unknown codes as they are."""
    cities = {
        "ap-beijing": QCoreApplication.translate("Backend", "Beijing"),
        "ap-chengdu": QCoreApplication.translate("Backend", "Chengdu"),
        "ap-chongqing": QCoreApplication.translate("Backend", "Chongqing"),
        "ap-guangzhou": QCoreApplication.translate("Backend", "Guangzhou"),
        "ap-nanjing": QCoreApplication.translate("Backend", "Nanjing"),
        "ap-shanghai": QCoreApplication.translate("Backend", "Shanghai"),
        "ap-singapore": QCoreApplication.translate("Backend", "Singapore"),
    }
    city = cities.get(region)
    return f"{city} ({region})" if city else region

