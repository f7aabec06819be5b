"""What the tests need to know on Windows: whether this is Wine, and the access-control list
of a folder (where POSIX mode bits mean nothing, a file's privacy is its ACL). The test run's
own keyring inside Credential Manager is devsupport/windows_vault.py.

Test and CI support only, never shipped. Imported on every platform; the Windows parts load
their Windows-only modules when called.
"""

from __future__ import annotations

import ctypes
import sys

WINDOWS = sys.platform == "win32"
POSIX_ONLY = "POSIX only (Windows has no such signal, module or mode bits)"

# Well-known SIDs of groups that hold other people: none may read a private folder.
BROAD_GROUPS = {
    "S-1-1-0": "Everyone",
    "S-1-5-7": "Anonymous",
    "S-1-5-11": "Authenticated Users",
    "S-1-5-32-545": "Users",
    "S-1-5-32-546": "Guests",
}
_READ_DATA = 0x0001  # FILE_READ_DATA / FILE_LIST_DIRECTORY
_GENERIC_READ = 0x80000000
_GENERIC_ALL = 0x10000000
_ACCESS_ALLOWED = 0


def under_wine() -> bool:
    """Wine has no real per-user ACLs: it derives them from the Unix mode bits."""
    if not WINDOWS:
        return False
    return hasattr(ctypes.WinDLL("ntdll"), "wine_get_version")


def readers_beyond_owner(path: str) -> list[str]:
    """Names of the broad groups the folder's DACL lets read ``path`` (empty: private)."""
    from ctypes import wintypes

    advapi = ctypes.WinDLL("advapi32", use_last_error=True)
    advapi.GetNamedSecurityInfoW.argtypes = [
        wintypes.LPCWSTR, ctypes.c_int, wintypes.DWORD, ctypes.c_void_p, ctypes.c_void_p,
        ctypes.POINTER(ctypes.c_void_p), ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]
    advapi.GetAce.argtypes = [ctypes.c_void_p, wintypes.DWORD, ctypes.POINTER(ctypes.c_void_p)]
    advapi.ConvertSidToStringSidW.argtypes = [ctypes.c_void_p, ctypes.POINTER(wintypes.LPWSTR)]
    kernel = ctypes.WinDLL("kernel32")
    kernel.LocalFree.argtypes = [ctypes.c_void_p]
    dacl, descriptor = ctypes.c_void_p(), ctypes.c_void_p()
    error = advapi.GetNamedSecurityInfoW(path, 1, 4, None, None, ctypes.byref(dacl), None,
                                         ctypes.byref(descriptor))  # file object, DACL
    if error:
        raise OSError(error, f"cannot read the ACL of {path}")
    try:
        if not dacl.value:
            return ["everyone (no DACL at all)"]
        count = ctypes.c_uint16.from_address(dacl.value + 4).value  # ACL.AceCount
        found = []
        for index in range(count):
            ace = ctypes.c_void_p()
            advapi.GetAce(dacl, index, ctypes.byref(ace))
            kind = ctypes.c_ubyte.from_address(ace.value).value  # ACE_HEADER.AceType
            mask = ctypes.c_uint32.from_address(ace.value + 4).value
            text = wintypes.LPWSTR()
            advapi.ConvertSidToStringSidW(ace.value + 8, ctypes.byref(text))
            sid = text.value or ""
            kernel.LocalFree(text)
            if kind == _ACCESS_ALLOWED and sid in BROAD_GROUPS and \
                    mask & (_READ_DATA | _GENERIC_READ | _GENERIC_ALL):
                found.append(BROAD_GROUPS[sid])
        return found
    finally:
        kernel.LocalFree(descriptor)
