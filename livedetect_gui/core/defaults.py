"""The defaults the CLI and the desk share, each defined once.

Kept in one module with no imports because the CLI's parser reads them at every start (its
``--help`` says them), before anything heavy is loaded; the core's own types take their
defaults from here (``ClientConfig``, ``Limits``, ``Reuse``), and so do the desk's settings.
The thresholds are the verdict's (``core/verdict.py``), the same for all.
"""

# Reuse an earlier judgement of the same photo made within this many days (0: never).
REUSE_WINDOW_DAYS = 30
# Show what a batch larger than this will cost before it starts (0: never).
CONFIRM_OVER = 20
# Checks in flight at once.
CONCURRENCY = 4
# Seconds: to connect; of silence within an answer; for a whole check with its retries.
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0
CHECK_DEADLINE = 120.0
# Seconds a legacy signature stays valid.
SIGNATURE_VALIDITY = 600
# Pixels: photos larger than this are scaled down before they are sent.
MAX_LONG_SIDE = 1280
MAX_SHORT_SIDE = 720
