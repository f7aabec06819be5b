"""The sandbox: a local emulator of both generations of the service (a separate program; it uses
the core's signing, never the UI or the CLI).
"""
