"""``demo_build``: the demo, one app's scenario after another, lowest layer first.

Each app's part of the demo is one module of this package with one function taking the
:class:`Demo` (``registry.registry_build``); a new app adds its module and one call below,
after the apps it builds on, and reads what they made through their selectors and models.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from jaring.accounts.models import User
from jaring.core.formats import number
from jaring.demo.claims import claims_build
from jaring.demo.finance import finance_build
from jaring.demo.monitoring import monitoring_build
from jaring.demo.programmes import programmes_build
from jaring.demo.registry import registry_build
from jaring.demo.users import users_create
from jaring.registry.models import Person


@dataclass(frozen=True)
class Demo:
    """What every scenario step is given: the seed (a step adds its own offsets, so steps stay
    deterministic apart), where to report progress, the demo users by username, and a scratch
    folder for the files it writes (removed when the demo is built)."""

    seed: int
    say: Callable[[str], None]
    users: dict[str, User]
    folder: Path


def demo_build(*, seed: int, say: Callable[[str], None]) -> int:
    """Fill an empty database with the demo; returns the number of people registered."""
    started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="jaring-demo-"))
    try:
        demo = Demo(seed=seed, say=say, users=users_create(), folder=folder)
        registry_build(demo)
        programmes_build(demo)
        finance_build(demo)
        claims_build(demo)
        monitoring_build(demo)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    total = Person.objects.count()
    say(
        f"Demo selesai: {number(total)} orang dalam "
        f"{number(time.perf_counter() - started, 1)} detik."
    )
    return total


def demo_exists() -> bool:
    return Person.objects.exists()
