"""A warm ``jaring`` for the crash test: Django is loaded once, then each command line read on
stdin runs in a forked child — the ``jaring`` command's own entry point, in a new process with
its own pid, start time and scratch folder — so twenty imports can be killed in seconds, not
in twenty interpreter starts. The child's pid is written back on stdout; the test kills it.

Request (one JSON line): ``{"args": [...], "env": {...}, "log": "path"}``.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import traceback


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
    import django

    django.setup()
    from django.db import connections

    import jaring.core.bulk
    from jaring.__main__ import main as jaring

    # The children are reaped by the kernel: a killed one is gone at once, not a zombie.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    for line in sys.stdin:
        request = json.loads(line)
        connections.close_all()  # each child opens its own
        pid = os.fork()
        if pid:
            print(pid, flush=True)
            continue
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.environ.update(request["env"])
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(log, 1)
        os.dup2(log, 2)
        code = 1
        try:
            code = jaring(request["args"])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)


if __name__ == "__main__":
    main()
