"""Masking that holds (issue 14, item 2): a masked role cannot rebuild NIKs.

A NIK is the kecamatan of issue (6 digits), the birth date (DDMMYY, day + 40 for women) and a
serial (4 digits). The attack of the issue: read the masked NIK and the fields shown beside it
(desa, birth date, sex) and fill in the hidden digits, then confirm the guess with a full-NIK
search. Here each masked role fetches everything it can — the people pages and API, every
person's page and API record, the change log, the import pages and problems, the decree's
pages and entries, and every export door — and an attacker who knows how NIKs are built tries
to rebuild each person's NIK with at most ``GUESSES`` confirming searches. Fewer than 1 % may
succeed; the rate per role is printed (docs/security.md quotes it).
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from jaring.accounts.models import User
from jaring.accounts.roles import CAPABILITIES, Role
from jaring.audit.services import RecordChange, record_bulk_updates
from jaring.programmes.services import decree_draft, decree_sign, programme_create
from jaring.registry.imports.services import import_create, import_run
from jaring.registry.models import Person
from jaring.synthetic.messy import write_messy_file

pytestmark = pytest.mark.django_db

KEDIRI = "35.71"
GUESSES = 10  # confirming full-NIK searches an attacker spends per person
MASKED = [role for role in Role if not CAPABILITIES[role].see_full_nik]
MONTHS = {
    **{m: i for i, m in enumerate(calendar.month_name) if m},
    **{
        m: i + 1
        for i, m in enumerate(
            [
                "Januari",
                "Februari",
                "Maret",
                "April",
                "Mei",
                "Juni",
                "Juli",
                "Agustus",
                "September",
                "Oktober",
                "November",
                "Desember",
            ]
        )
    },
}


# "2 Des 2026", "2 Dec 2026": the first three letters of either language's month.
ABBREVIATED = {m[:3].lower(): n for m, n in MONTHS.items()} | {"agu": 8, "okt": 10, "des": 12}


def _dates_in(text: str) -> set[date]:
    """Every full date written in ``text`` in the formats Jaring's pages and API use."""
    found: set[date] = set()
    for d, m, y in re.findall(r"\b(\d{1,2})-(\d{1,2})-(\d{4})\b", text):
        found |= _date(int(y), int(m), int(d))
    for y, m, d in re.findall(r"\b(\d{4})-(\d{2})-(\d{2})\b", text):
        found |= _date(int(y), int(m), int(d))
    for d, month, y in re.findall(r"\b(\d{1,2}) ([A-Z][a-z]+) (\d{4})\b", text):
        number = MONTHS.get(month) or ABBREVIATED.get(month[:3].lower())
        if number:
            found |= _date(int(y), number, int(d))
    return found


def _date(y: int, m: int, d: int) -> set[date]:
    try:
        return {date(y, m, d)}
    except ValueError:
        return set()


def _nik_guesses(
    kecamatan: str, sex: str, birth: date | None, year: int | None, visible: str
) -> Iterator[str]:
    """The attacker's guesses in order: the desa's kecamatan, each birth date still possible,
    serials from 0001 up (serials are issued from 1), kept only when they fit the digits the
    mask shows."""
    if birth is not None:
        days = [birth]
    elif year is not None:
        start = date(year, 1, 1)
        days = [start + timedelta(n) for n in range(366) if (start + timedelta(n)).year == year]
    else:
        return
    for serial in range(1, 10_000):
        for day in days:
            dd = day.day + (40 if sex == "P" else 0)
            nik = f"{kecamatan}{dd:02d}{day.month:02d}{day.year % 100:02d}{serial:04d}"
            if all(v == "*" or v == n for v, n in zip(visible, nik, strict=False)):
                yield nik


def _fetch_everything(client: Client, api: APIClient, ids: list[int], extra: dict[str, Any]) -> Any:
    """What the role can read: per person (page and API record) and in lists and logs."""
    per_person: dict[int, str] = {}
    records: dict[int, dict[str, Any]] = {}
    for pk in ids:
        page = client.get(reverse("person-detail", args=[pk])).content.decode()
        answer = api.get(f"/api/people/{pk}/")
        record = answer.json() if answer.status_code == 200 else {}
        records[pk] = record
        per_person[pk] = page + json.dumps(record)
    shared: list[str] = []
    listing = reverse("people-list")
    page_no = 1
    while True:
        response = client.get(listing, {"page": page_no})
        shared.append(response.content.decode())
        if f"page={page_no + 1}" not in shared[-1]:
            break
        page_no += 1
    for desa in {r.get("village_code") for r in records.values() if r}:
        for sex in ("L", "P"):
            shared.append(json.dumps(api.get("/api/people/", {"region": desa, "sex": sex}).json()))
    for path in (
        "/api/people/?page=2",
        "/api/people/?page_size=1000",
        f"/api/imports/{extra['batch']}/problems/",
        f"/api/imports/{extra['batch']}/workbook/?all=1",
        f"/api/decree-entries/?decree={extra['decree']}",
    ):
        answer = api.get(path)
        shared.append(answer.content.decode(errors="replace") if answer.status_code == 200 else "")
    for name, args, query in (
        ("people-export", [], {"region": KEDIRI}),
        ("import-detail", [extra["batch"]], {}),
        ("import-workbook", [extra["batch"]], {"semua": "1"}),
        ("decree-detail", [extra["decree"]], {}),
        ("decree-lampiran", [extra["decree"], "csv"], {}),
    ):
        response = client.get(reverse(name, args=args), query)
        if response.status_code == 200 and not response.streaming:
            shared.append(response.content.decode(errors="replace"))
        elif response.status_code == 200:
            shared.append(b"".join(response.streaming_content).decode(errors="replace"))
    page_no = 1
    while True:
        response = client.get(reverse("audit-log"), {"page": page_no})
        if response.status_code != 200:
            break
        shared.append(response.content.decode())
        if f"page={page_no + 1}" not in shared[-1]:
            break
        page_no += 1
    return per_person, records, "\n".join(shared)


def _near(text: str, needle: str, width: int = 600) -> Iterator[str]:
    for found in re.finditer(re.escape(needle), text):
        yield text[max(0, found.start() - width) : found.end() + width]


@pytest.fixture
def registry(
    tmp_path: Path, register: Callable[..., pl.DataFrame], make_user: Callable[..., User]
) -> dict[str, Any]:
    people = pl.concat(
        [register(80, KEDIRI, seed=31, occupation_code="becak"), register(120, KEDIRI, seed=32)],
        how="diagonal_relaxed",
    )
    # The first 80 people's birth dates corrected by a later list: the change log holds a
    # wrong date before and the right one after (as an import writes them).
    first = people.head(80)
    record_bulk_updates(
        Person,
        (
            RecordChange(
                pk,
                name,
                {"birth_date": [(born - timedelta(400)).isoformat(), born.isoformat()]},
                {},
            )
            for pk, name, born in zip(
                first["id"].to_list(),
                first["name"].to_list(),
                first["birth_date"].to_list(),
                strict=True,
            )
        ),
        actor=None,
    )
    path = tmp_path / "daftar.csv"
    write_messy_file(path, rows=60, regency=KEDIRI, seed=33, fmt="csv", reference_date=date.today())
    uploader = make_user("uploader", Role.REGENCY_ADMIN, (KEDIRI,))
    with path.open("rb") as handle:
        batch = import_create(
            source=handle,
            file_name="daftar.csv",
            region_code=KEDIRI,
            source_name="Kiriman",
            dry_run=True,
            user=uploader,
        )
    import_run(batch.pk)
    programme, _ = programme_create(
        user=None, region_code=KEDIRI, name="P", year=2024, funder="apbd"
    )
    decree = decree_sign(
        user=None,
        decree=decree_draft(user=None, programme=programme),
        number="1/2024",
        signed_on=date(2024, 1, 2),
        signatory_name="KEPALA",
    )
    niks = dict(zip(people["id"].to_list(), people["nik"].to_list(), strict=True))
    return {"niks": niks, "batch": batch.pk, "decree": decree.pk}


@pytest.mark.parametrize("role", MASKED)
def test_a_masked_role_rebuilds_fewer_than_one_percent_of_niks(
    role: Role,
    registry: dict[str, Any],
    make_user: Callable[..., User],
    capsys: pytest.CaptureFixture[str],
) -> None:
    user = make_user(
        f"masked-{role}", role, ("35",) if role == Role.PROVINCIAL_ADMIN else (KEDIRI,)
    )
    client = Client(raise_request_exception=False)
    client.force_login(user)
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(user)
    niks: dict[int, str] = registry["niks"]
    per_person, records, shared = _fetch_everything(client, api, list(niks), registry)

    # No NIK is ever written whole, anywhere.
    everything = shared + "".join(per_person.values())
    assert not [n for n in niks.values() if n in everything]

    rebuilt = 0
    for pk, nik in niks.items():
        record = records[pk]
        assert record, pk
        name = record["name"]
        known_dates = _dates_in(per_person[pk])
        for around in _near(shared, name):
            known_dates |= _dates_in(around)
        birth_year = record.get("birth_year")
        candidates = [d for d in known_dates if birth_year is None or d.year == birth_year]
        birth = candidates[0] if len(candidates) == 1 else None
        kecamatan = record["village_code"].replace(".", "")[:6]
        guesses = _nik_guesses(kecamatan, record["sex"], birth, birth_year, record["nik"])
        tried = [g for _, g in zip(range(GUESSES), guesses, strict=False)]
        rebuilt += nik in tried
    rate = rebuilt / len(niks)
    with capsys.disabled():
        print(f"\nNIK rebuild, {role.value}: {rebuilt} of {len(niks)} ({rate:.1%})")
    assert rate < 0.01


@pytest.mark.parametrize("role", MASKED)
def test_a_full_nik_search_by_a_masked_role_finds_the_person_without_writing_the_nik_back(
    role: Role, registry: dict[str, Any], make_user: Callable[..., User]
) -> None:
    user = make_user(
        f"masked-{role}", role, ("35",) if role == Role.PROVINCIAL_ADMIN else (KEDIRI,)
    )
    client = Client()
    client.force_login(user)
    pk, nik = next(iter(registry["niks"].items()))
    found = client.get(reverse("people-list"), {"q": nik}).content.decode()
    assert reverse("person-detail", args=[pk]) in found
    assert nik not in found
    spaced = f"{nik[:6]} {nik[6:12]} {nik[12:]}"
    assert nik not in client.get(reverse("people-list"), {"q": spaced}).content.decode()
    api = APIClient()
    api.force_authenticate(user)
    answer = api.get("/api/people/", {"q": nik})
    assert [r["id"] for r in answer.json()["results"]] == [pk]
    assert nik not in answer.content.decode()
    # A partial NIK finds nobody (it is not a name either).
    assert api.get("/api/people/", {"q": nik[:12]}).json()["count"] == 0


def test_a_role_outside_the_region_learns_nothing_from_a_full_nik_search(
    registry: dict[str, Any], make_user: Callable[..., User]
) -> None:
    user = make_user("cilegon", Role.AUDITOR, ("36.72",))
    client = Client()
    client.force_login(user)
    nik = next(iter(registry["niks"].values()))
    api = APIClient()
    api.force_authenticate(user)
    assert api.get("/api/people/", {"q": nik}).json()["count"] == 0
    assert nik not in client.get(reverse("people-list"), {"q": nik}).content.decode()


@pytest.mark.parametrize("role", [*MASKED, Role.REGENCY_ADMIN])
def test_import_problems_quote_values_so_a_masked_role_sees_only_their_counts(
    role: Role, registry: dict[str, Any], make_user: Callable[..., User]
) -> None:
    user = make_user(f"u-{role}", role, ("35",) if role == Role.PROVINCIAL_ADMIN else (KEDIRI,))
    client = Client()
    client.force_login(user)
    page = client.get(reverse("import-detail", args=[registry["batch"]]))
    api = APIClient()
    api.force_authenticate(user)
    problems = api.get(f"/api/imports/{registry['batch']}/problems/")
    sees = CAPABILITIES[role].see_full_nik
    assert page.status_code == 200 and ("problems" in page.context) == sees
    assert (b'data-testid="problems-hidden"' in page.content) != sees
    assert problems.status_code == (200 if sees else 403)
