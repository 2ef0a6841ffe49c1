"""Scratch files live in the data folder's own temporary area (0700), one folder per process;
a folder is removed once its process is gone, never while it runs, never another host's."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from jaring.core.scratch import (
    Owner,
    process_since,
    route_temp_files,
    scratch_folder,
    scratch_root,
    scratch_sweep,
    written_into_place,
)


def _ended_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_the_scratch_area_is_in_the_data_folder_and_private(settings: object) -> None:
    root = scratch_root()
    assert root == Path(settings.VAR_DIR) / "tmp"  # type: ignore[attr-defined]
    root.chmod(0o755)
    assert scratch_root().stat().st_mode & 0o777 == 0o700
    folder = scratch_folder()
    assert folder.parent == root and folder.stat().st_mode & 0o777 == 0o700
    assert Owner.from_folder_name(folder.name) == Owner.current()


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="process start times come from /proc")
def test_a_process_is_known_by_its_pid_and_its_start() -> None:
    me = Owner.current()
    assert me.alive() is True and process_since(os.getpid()) == me.since
    assert Owner(me.host, me.pid, "0-1").alive() is False  # a reused pid
    assert Owner(me.host, _ended_pid(), "").alive() is False
    assert Owner("another-server", me.pid, me.since).alive() is None


def test_the_sweep_removes_only_what_processes_that_are_gone_left() -> None:
    root = scratch_root()
    mine = scratch_folder()
    (mine / "jaring-bulk-live.sqlite3").write_bytes(b"x")
    gone = root / Owner(Owner.current().host, _ended_pid(), "0-1").folder_name
    gone.mkdir()
    (gone / "jaring-bulk-dead.sqlite3").write_bytes(b"\0" * 1000)
    elsewhere = root / Owner("another-server", 7, "0-1").folder_name
    elsewhere.mkdir()
    stray_old, stray_new = root / "old.upload", root / "new.upload"
    stray_old.write_bytes(b"x")
    stray_new.write_bytes(b"x")
    os.utime(stray_old, (0, 0))

    swept = scratch_sweep()

    assert (swept.folders, swept.bytes >= 1000) == (1, True)
    assert not gone.exists() and not stray_old.exists()
    assert (mine / "jaring-bulk-live.sqlite3").exists() and elsewhere.exists()
    assert stray_new.exists()
    stray_new.unlink()


def test_a_file_is_written_in_the_scratch_area_then_moved_into_place(tmp_path: Path) -> None:
    target = tmp_path / "keluar" / "orang.csv"
    with written_into_place(target) as partial:
        assert partial.parent.parent == scratch_folder()
        partial.write_text("nik\n")
        assert not target.exists()
    assert target.read_text() == "nik\n"
    assert not partial.parent.exists()

    failed = tmp_path / "gagal.csv"

    def write_half() -> Path:
        with written_into_place(failed) as partial:
            partial.write_text("half")
            raise RuntimeError(partial)

    with pytest.raises(RuntimeError) as stopped:
        write_half()
    assert not failed.exists() and not Path(str(stopped.value)).exists()


def test_a_move_to_another_disk_is_still_all_or_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_replace = Path.replace

    def cross_device(self: Path, target: Path) -> Path:
        if self.parent.parent == scratch_folder():
            raise OSError(18, "Invalid cross-device link")
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", cross_device)
    target = tmp_path / "ekspor"
    target.mkdir()  # an empty folder given as the destination
    with written_into_place(target) as partial:
        partial.mkdir()
        (partial / "people.parquet").write_bytes(b"PAR1")
    assert (target / "people.parquet").read_bytes() == b"PAR1"
    assert [p.name for p in tmp_path.iterdir()] == ["ekspor"]


def test_temporary_files_of_a_jaring_process_go_to_its_scratch_folder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", tempfile.tempdir)
    monkeypatch.setenv("TMPDIR", os.environ.get("TMPDIR", "/tmp"))
    folder = route_temp_files()
    with tempfile.NamedTemporaryFile() as handle:
        assert Path(handle.name).parent == folder
    assert os.environ["TMPDIR"] == str(folder)
