"""The batch of checks: one engine for the CLI and the desk (copies, reuse, holds, pacing,
interruption), recording, intake and the saved queue.
"""
