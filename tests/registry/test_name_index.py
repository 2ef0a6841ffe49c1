"""Name search on SQLite from the trigram side table (registry.nameindex): it stays in step with
the names through every writer — an import and a confirmed rename, an edit, a merge, a
deletion, a rebuilt table — and finds what the scan of every name found before. The
searches themselves run on both databases; the side table exists on SQLite only."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.registry import nameindex
from jaring.registry.filters import _spellings, name_like_q
from jaring.registry.matching.services import people_merge
from jaring.registry.models import Person, PersonStatus
from jaring.registry.paging import keyset_page

pytestmark = pytest.mark.django_db
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the side table is SQLite's (PostgreSQL: pg_trgm)"
)


def _in_step() -> None:
    if connection.vendor == "sqlite":
        assert nameindex.name_index_in_step(connection)


def _found(client: Client, typed: str) -> set[int]:
    listed = {p.pk for p in client.get(reverse("people-list"), {"q": typed}).context["page"]}
    api = {p["id"] for p in client.get("/api/people/", {"q": typed}).json()["results"]}
    assert listed == api
    return listed


def _side_table(typed: str) -> set[int]:
    """The ids the side table alone finds for a substring (SQLite)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM {nameindex.TABLE} WHERE {nameindex.TABLE} MATCH %s", [f'"{typed}"']
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def kediri(make_user: Callable[..., User], login: Callable[[User], Client]) -> Client:
    return login(make_user("kediri", Role.REGENCY_ADMIN, ("35.71",)))


def _cli_import(path: Path, *args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("import", str(path), *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def _list(tmp_path: Path, name: str, *rows: str) -> Path:
    path = tmp_path / name
    header = "NIK;Nama;Tgl Lahir;JK;Alamat;Kelurahan"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_an_import_and_a_confirmed_rename_are_found_by_their_names(
    tmp_path: Path, kediri: Client
) -> None:
    nik = "3571011708800001"
    first = _list(tmp_path, "desa.csv", f"{nik};Gandi Wacana;17-08-1980;L;Jl. Mawar 1;Bandar Lor")
    assert _cli_import(first, "--region", "35.71")["created"] == 1
    gandi = Person.objects.get()
    _in_step()
    assert _found(kediri, "wacana") == {gandi.pk}
    assert _found(kediri, "Wacena") == {gandi.pk}  # a letter changed
    rekap = _list(tmp_path, "rekap.csv", f"{nik};Gandi Wacono;17-08-1980;L;Jl. Mawar 1;Bandar Lor")
    recap = _cli_import(rekap, "--region", "35.71")
    call_command("import_changes", str(recap["batch"]), "--apply", stdout=io.StringIO())
    gandi.refresh_from_db()
    assert gandi.name_normalized == "gandi wacono"
    _in_step()
    assert _found(kediri, "wacono") == {gandi.pk}
    assert _found(kediri, "gandi wacona") == {gandi.pk}  # one letter from the new name
    assert _found(kediri, "wacanaa") == set()  # two from it
    if connection.vendor == "sqlite":
        assert _side_table("wacana") == set() and _side_table("wacono") == {gandi.pk}


def test_an_edited_name_is_found_and_the_old_one_not(
    add_people: Callable[..., pl.DataFrame], kediri: Client
) -> None:
    people = add_people(3, "35.71", seed=7)
    pk = int(people["id"][0])
    Person.objects.filter(pk=pk).update(name="Abyasa Wibowo", name_normalized="abyasa wibowo")
    assert _found(kediri, "abyasa") == {pk}
    person = Person.objects.get(pk=pk)
    person.name, person.name_normalized = "Sutrisno Hadi", "sutrisno hadi"
    person.save()
    _in_step()
    assert _found(kediri, "abyasa") == set() and _found(kediri, "abiasa") == set()
    assert pk in _found(kediri, "sutrisno hadi")


def test_a_merge_and_a_deletion_keep_the_side_table_in_step(
    add_people: Callable[..., pl.DataFrame], kediri: Client
) -> None:
    people = add_people(4, "35.71", seed=3)
    a, b, c = (int(pk) for pk in people["id"][:3])
    for pk in (a, b):
        Person.objects.filter(pk=pk).update(name="Abyasa Wibowo", name_normalized="abyasa wibowo")
    people_merge(survivor=Person.objects.get(pk=a), duplicate=Person.objects.get(pk=b), user=None)
    _in_step()
    assert _found(kediri, "abiasa") == {a}
    merged = kediri.get(reverse("people-list"), {"status": PersonStatus.MERGED, "q": "abyasa"})
    assert [p.pk for p in merged.context["page"]] == [b]
    Person.objects.filter(pk=c).update(name_normalized="kusumawati")
    assert _found(kediri, "kusumawati") == {c}
    Person.objects.filter(pk=c).delete()
    _in_step()
    assert _found(kediri, "kusumawati") == set()
    if connection.vendor == "sqlite":
        assert _side_table("kusumawati") == set()


@sqlite_only
def test_a_rebuilt_person_table_gets_its_triggers_and_names_back(
    add_people: Callable[..., pl.DataFrame],
) -> None:
    people = add_people(3, "35.71", seed=5)
    pk = int(people["id"][0])
    # What a migration that rebuilds registry_person on SQLite does: the triggers go with it.
    with connection.cursor() as cursor:
        for name in ("registry_person_name_ai", "registry_person_name_au"):
            cursor.execute(f"DROP TRIGGER {name}")
    Person.objects.filter(pk=pk).update(name_normalized="tanpa pemicu")
    assert _side_table("tanpa pemicu") == set()
    assert nameindex.name_index_ensure(connection)  # as every migrate does (post_migrate)
    assert _side_table("tanpa pemicu") == {pk}
    assert nameindex.name_index_in_step(connection)
    assert not nameindex.name_index_ensure(connection)  # nothing missing: nothing done


NAMES = [
    "abyasa wibowo",
    "abiasa",
    "abbiasa putra",
    "siti aminah",
    "sity rahayu",
    "sri lestari",
    "lestaru",
    "muhammad abi",
    "wahyudi",
    "wahyidi santoso",
    "kusuma",
    "kusyma dewi",
    "ade",
    "eka putri",
    "agus salim",
    "bagus",
    "dwi agustin",
]


def _by_scan(typed: str) -> set[str]:
    """What the scan of every name found before the side table (LIKE with '_' for a letter)."""
    patterns = [typed, *_spellings(typed)] if len(typed) >= 4 else [typed]
    regexes = [re.compile(re.escape(p).replace("_", "[a-z ]")) for p in patterns]
    return {n for n in NAMES if any(r.search(n) for r in regexes)}


@sqlite_only
@pytest.mark.parametrize(
    "typed",
    ["abiasa", "abyasa", "sity", "siti", "lestari", "wahyudi", "kusuma", "agus", "ade", "bgus",
     "eka putri", "ekaputri", "zzzz", "abi"],
)  # fmt: skip
def test_the_side_table_finds_what_the_scan_found(
    typed: str, add_people: Callable[..., pl.DataFrame]
) -> None:
    people = add_people(len(NAMES), "35.71", seed=11)
    for pk, name in zip(people["id"], NAMES, strict=True):
        Person.objects.filter(pk=pk).update(name_normalized=name)
    everyone = Person.objects.all()
    found = set(
        everyone.filter(name_like_q(everyone, typed)).values_list("name_normalized", flat=True)
    )
    exact = {n for n in NAMES if typed in n}
    assert found == (exact or _by_scan(typed))


def test_a_broad_scope_pages_like_a_narrow_one(
    add_people: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_people(30, "35.71", seed=5)
    add_people(10, "36.72", seed=6)
    user = make_user("k", Role.REGENCY_ADMIN, ("35.71",))
    people = Person.objects.restrict(user)
    pages = {}
    for broad in (False, True):
        seen, params = [], {}
        while True:
            page = keyset_page(people, params, 7, broad=broad)
            seen += [p.pk for p in page]
            if not page.has_next():
                break
            params = {"after": page.next_cursor}
        pages[broad] = seen
    assert pages[True] == pages[False]
    assert len(pages[True]) == 30
    monkeypatch.setattr("jaring.registry.selectors.BROAD_SCOPE", 30)
    from jaring.registry.selectors import people_scope_broad

    assert people_scope_broad(user) == (connection.vendor == "sqlite")
