"""Scratch files: only in the data folder's own temporary area, each process in its own folder,
and what a killed process left behind removed at the next start.

An import of a million rows writes about 460 MB of scratch files (:mod:`jaring.core.bulk`)
holding names, birth dates and addresses in plain text; an upload passes through a temporary
file, a result workbook or an export is written beside its place before it is renamed into it.
A process that ends normally removes them; one killed with SIGKILL (the OOM killer, a power
cut, ``systemctl kill``) cannot. So:

- every scratch file lives under ``<JARING_VAR_DIR>/tmp`` (mode 0700), never in the system's
  ``/tmp`` or beside a file the user named: :func:`scratch_root`;
- each process writes in a folder named after itself — host, pid and the moment the process
  started (:class:`Owner`): :func:`scratch_folder`. :func:`route_temp_files` points Python's
  :mod:`tempfile` (Django's upload files, xlsxwriter's worksheets) and ``TMPDIR`` (polars,
  child processes) there too;
- at the next start (``jaring serve``, the worker, ``jaring import``) :func:`scratch_sweep`
  removes the folders of processes of this host that are gone. A folder of a live process is
  never touched, and neither is one of another host (a container, a second server sharing the
  folder), whose processes this one cannot see.

The owner's start time makes a reused pid harmless: a new process with the dead one's number
started later, so it is not the owner.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import os
import re
import shutil
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

_HOST_CHARACTERS = re.compile(r"[^A-Za-z0-9-]+")


@cache
def _boot_id() -> str:
    """This boot of the machine (Linux); a process's start ticks count from the boot."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()[:8]
    except OSError:
        return ""


def process_since(pid: int) -> str | None:
    """When the process ``pid`` started, as ``<boot>-<clock ticks since boot>`` (Linux; ``""``
    where /proc does not say), or ``None`` when no such process exists."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    except OSError:
        return "" if _pid_exists(pid) else None
    # The command name (field 2) may hold spaces and parentheses: count from the last ")".
    fields = stat[stat.rindex(")") + 2 :].split()
    if fields[0] in {"Z", "X"}:  # a zombie has ended; only its exit status is left
        return None
    return f"{_boot_id()}-{fields[19]}"


def _pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass(frozen=True)
class Owner:
    """A process: its host, pid and start (see :func:`process_since`)."""

    host: str
    pid: int
    since: str

    @classmethod
    def current(cls) -> Owner:
        return _current(os.getpid())

    @property
    def here(self) -> bool:
        """On this host: whether it is alive can be told."""
        return self.host == _host()

    def alive(self) -> bool | None:
        """Whether the process still runs; ``None`` for another host's (nobody here knows)."""
        if not self.here:
            return None
        since = process_since(self.pid)
        if since is None:
            return False
        # Without /proc (not Linux) the pid alone has to do.
        return not self.since or not since or since == self.since

    @property
    def folder_name(self) -> str:
        return f"{self.host}.{self.pid}.{self.since}"

    @classmethod
    def from_folder_name(cls, name: str) -> Owner | None:
        host, _, rest = name.partition(".")
        pid, _, since = rest.partition(".")
        if not host or not pid.isdigit():
            return None
        return cls(host, int(pid), since)


@cache
def _host() -> str:
    # Dots would split a folder name; a host name without them is still one host.
    return _HOST_CHARACTERS.sub("-", socket.gethostname())[:60] or "host"


@cache
def _current(pid: int) -> Owner:
    return Owner(_host(), pid, process_since(pid) or "")


def scratch_root() -> Path:
    """``<JARING_VAR_DIR>/tmp``, readable by the service's account only (0700)."""
    root = Path(settings.VAR_DIR) / "tmp"
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    if root.stat().st_mode & 0o077:
        root.chmod(0o700)
    return root


def scratch_folder() -> Path:
    """This process's own scratch folder (created on first use)."""
    folder = scratch_root() / Owner.current().folder_name
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def route_temp_files() -> Path:
    """Send this process's temporary files (Python's :mod:`tempfile`, and through ``TMPDIR``
    polars' and child processes') into its scratch folder; again in a forked child (gunicorn's
    workers), which gets a folder of its own. Called by the ``jaring`` command and the WSGI
    entry point, not by the settings (the tests keep the system's). The folder goes when the
    process ends normally; a killed process's, at the next start (:func:`scratch_sweep`)."""
    folder = scratch_folder()
    tempfile.tempdir = str(folder)
    os.environ["TMPDIR"] = str(folder)
    atexit.register(_remove_own_folder, os.getpid(), folder)
    if not getattr(route_temp_files, "_forks", False):
        os.register_at_fork(after_in_child=route_temp_files)
        route_temp_files._forks = True  # type: ignore[attr-defined]
    return folder


def _remove_own_folder(pid: int, folder: Path) -> None:
    if os.getpid() == pid:  # not in a forked child that inherited the hook
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def scratch_file(*, prefix: str = "jaring-", suffix: str = "") -> Iterator[Path]:
    """A new empty file in this process's scratch folder, removed when the block ends."""
    handle, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=scratch_folder())
    os.close(handle)
    path = Path(name)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


@contextlib.contextmanager
def written_into_place(target: Path) -> Iterator[Path]:
    """A scratch path to write ``target``'s content to (a file or a folder), moved into place
    when the block ends without an error and removed otherwise: a reader never sees half a
    file, and a killed writer leaves its half in the scratch area only."""
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="out-", dir=scratch_folder()))
    path = scratch / target.name
    try:
        yield path
        _move(path, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _move(source: Path, target: Path) -> None:
    if source.is_dir() and target.is_dir():
        target.rmdir()  # an empty folder given as the destination; a full one refuses
    try:
        source.replace(target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:  # the target is on another disk
            raise
        # Copied beside the target under a hidden name, then renamed: still all or nothing.
        hidden = target.with_name(f".{target.name}.partial")
        if source.is_dir():
            shutil.copytree(source, hidden)
        else:
            shutil.copyfile(source, hidden)
        hidden.replace(target)


@dataclass(frozen=True)
class Sweep:
    folders: int
    bytes: int


def scratch_sweep() -> Sweep:
    """Remove the scratch folders of this host's processes that are gone (and stray files of
    the scratch area older than a day); a live process's folder, and another host's, stay."""
    folders = removed = 0
    root = scratch_root()
    for entry in root.iterdir():
        owner = Owner.from_folder_name(entry.name) if entry.is_dir() else None
        if owner is None:
            if _older_than_a_day(entry):
                removed += _size(entry)
                _remove(entry)
            continue
        if owner.alive() is False:
            removed += _size(entry)
            folders += 1
            _remove(entry)
    return Sweep(folders=folders, bytes=removed)


def _older_than_a_day(path: Path) -> bool:
    import time

    try:
        return time.time() - path.lstat().st_mtime > 24 * 3600
    except OSError:
        return False


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    total = 0
    for child in path.rglob("*"):
        with contextlib.suppress(OSError):
            if child.is_file():
                total += child.stat().st_size
    return total


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
