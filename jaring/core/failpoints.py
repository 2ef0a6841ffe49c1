"""Named points where a crash test stops a process, to kill it there.

``JARING_STOP_AT=<point>`` makes the process, on reaching ``point``, write its pid and the
point's name to the file ``JARING_STOP_FILE`` and wait there forever; the test then kills it
with SIGKILL at a known place instead of after a guessed delay (tests/registry/imports/
test_crash.py). Unset — always, outside the tests — a point costs one dictionary look-up. A
production process (``JARING_ENV=production``) never stops.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


def reached(point: str) -> None:
    if os.environ.get("JARING_STOP_AT") != point:
        return
    if os.environ.get("JARING_ENV") == "production":
        return
    if marker := os.environ.get("JARING_STOP_FILE"):
        partial = Path(f"{marker}.{os.getpid()}")
        partial.write_text(f"{os.getpid()} {point}\n")
        partial.replace(marker)
    while True:
        time.sleep(3600)
