"""One door for bulk personal data (issue 14, item 1): what each role can take away.

Every way a file or a bulk read of people leaves Jaring — the people export, an import's
result workbooks (page and API), the SK lampiran (csv, xlsx, PDF), the BPJS registration file,
API list pages beyond the first — is tried as every role. A door that opens writes exactly one
record; a door that stays shut answers 403 and writes none.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.audit.door import DoorClosed, masked
from jaring.audit.models import Channel, DataExport
from jaring.finance.exchange.registration import registration_file_make
from jaring.programmes.models import Decree
from jaring.programmes.services import decree_draft, decree_sign, programme_create
from jaring.regions.models import Region
from jaring.registry.imports.services import import_create, import_run
from jaring.registry.models import ImportBatch
from jaring.synthetic.messy import write_messy_file
from tests.programmes.conftest import born

pytestmark = pytest.mark.django_db

KEDIRI = "35.71"
ROLES = [
    Role.NATIONAL_ADMIN,
    Role.PROVINCIAL_ADMIN,
    Role.REGENCY_ADMIN,
    Role.VILLAGE_OPERATOR,
    Role.BPJS_VIEWER,
    Role.AUDITOR,
]


@dataclass
class World:
    users: dict[str, User]
    batch: ImportBatch
    decree: Decree


@pytest.fixture
def world(
    tmp_path: Path,
    make_user: Callable[..., User],
    register: Callable[..., pl.DataFrame],
) -> World:
    desa = Region.objects.filter(code__startswith=KEDIRI + ".", level=4).order_by("code").first()
    assert desa is not None
    scope = {
        Role.NATIONAL_ADMIN: (),
        Role.PROVINCIAL_ADMIN: ("35",),
        Role.REGENCY_ADMIN: (KEDIRI,),
        Role.VILLAGE_OPERATOR: (desa.code,),
        Role.BPJS_VIEWER: (KEDIRI,),
        Role.AUDITOR: (KEDIRI,),
    }
    users = {role.value: make_user(role.value, role, scope[role]) for role in ROLES}
    # A second desa operator of the same desa, who did not upload the list.
    users["other_operator"] = make_user("other_operator", Role.VILLAGE_OPERATOR, (desa.code,))
    register(60, KEDIRI, within=desa.code, occupation_code="becak", birth_date=born(40))
    register(60, KEDIRI, seed=2, within=desa.code)
    path = tmp_path / "daftar.csv"
    write_messy_file(path, rows=40, regency=KEDIRI, seed=21, fmt="csv", reference_date=date.today())
    with path.open("rb") as handle:
        batch = import_create(
            source=handle,
            file_name="daftar.csv",
            region_code=desa.code,
            source_name="RT 03",
            dry_run=True,
            user=users[Role.VILLAGE_OPERATOR.value],
        )
    import_run(batch.pk)
    batch.refresh_from_db()
    programme, _ = programme_create(
        user=None,
        region_code=KEDIRI,
        name="Jamsostek pekerja rentan 2024",
        year=2024,
        funder="apbd",
        first_month=date(2024, 1, 1),
        months=4,
    )
    decree = decree_sign(
        user=None,
        decree=decree_draft(user=None, programme=programme),
        number="188/1/2024",
        signed_on=date(2024, 1, 2),
        signatory_name="KEPALA DINAS",
    )
    assert decree.people > 0 and batch.status == "checked"
    return World(users=users, batch=batch, decree=decree)


def _web(user: User) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _api(user: User) -> APIClient:
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user)
    return client


def _pdf(user: User, decree: Decree) -> Any:
    """Ask for the PDF (rendered at once by the tests' task backend), then download it."""
    client = _web(user)
    asked = client.post(reverse("decree-pdf", args=[decree.pk]))
    if asked.status_code != 302:
        return asked
    return client.get(reverse("decree-pdf-download", args=[decree.pk]))


def _doors(world: World) -> dict[str, Callable[[User], Any]]:
    batch, decree = world.batch.pk, world.decree
    return {
        "people csv": lambda u: _web(u).get(
            reverse("people-export"), {"region": KEDIRI, "format": "csv"}
        ),
        "people xlsx": lambda u: _web(u).get(
            reverse("people-export"), {"region": KEDIRI, "format": "xlsx"}
        ),
        "import problems (page)": lambda u: _web(u).get(reverse("import-workbook", args=[batch])),
        "import all rows (page)": lambda u: _web(u).get(
            reverse("import-workbook", args=[batch]), {"semua": "1"}
        ),
        "import all rows (api)": lambda u: _api(u).get(
            f"/api/imports/{batch}/workbook/", {"all": "1"}
        ),
        "lampiran csv": lambda u: _web(u).get(reverse("decree-lampiran", args=[decree.pk, "csv"])),
        "lampiran xlsx": lambda u: _web(u).get(
            reverse("decree-lampiran", args=[decree.pk, "xlsx"])
        ),
        "lampiran pdf": lambda u: _pdf(u, decree),
        "registration file": lambda u: _web(u).post(
            reverse("finance-registration", args=[decree.programme_id]),
            {"decree": decree.pk, "file_format": "csv"},
        ),
        "api people page 2": lambda u: _api(u).get("/api/people/", {"page": 2}),
        "api people 1000 a page": lambda u: _api(u).get("/api/people/", {"page_size": 1000}),
        "api decree entries page 2": lambda u: _api(u).get(
            "/api/decree-entries/", {"decree": decree.pk, "page": 2}
        ),
        "api import problems 1000 a page": lambda u: _api(u).get(
            f"/api/imports/{batch}/problems/", {"page_size": 1000}
        ),
    }


EXPORTERS = {Role.NATIONAL_ADMIN.value, Role.REGENCY_ADMIN.value, Role.BPJS_VIEWER.value}
# Raw rows as uploaded cannot be masked field by field: only roles that see every field.
SEES_ALL = {Role.NATIONAL_ADMIN.value, Role.REGENCY_ADMIN.value}


def _expected(door: str, who: str) -> bool:
    if door == "import problems (page)":
        return who in SEES_ALL or who == Role.VILLAGE_OPERATOR.value  # the uploader
    if door.startswith("import all rows"):
        return who in SEES_ALL
    return who in EXPORTERS


def test_each_role_takes_away_exactly_what_its_export_right_allows_and_each_taking_is_recorded(
    world: World,
) -> None:
    taken: dict[tuple[str, str], bool] = {}
    wrong = []
    for door, open_door in _doors(world).items():
        for who, user in world.users.items():
            before = DataExport.objects.count()
            response = open_door(user)
            records = DataExport.objects.count() - before
            assert response.status_code != 500, (door, who)
            ok = response.status_code in (200, 302) and records == 1
            shut = response.status_code in (403, 404) and records == 0
            assert ok or shut, (door, who, response.status_code, records)
            taken[door, who] = ok
            if ok != _expected(door, who):
                wrong.append((door, who, response.status_code))
    assert wrong == []
    # Every role is refused somewhere and the uploader takes back only her own problem rows.
    assert not taken["import problems (page)", "other_operator"]
    assert not taken["import all rows (page)", Role.VILLAGE_OPERATOR.value]


def test_the_first_page_of_an_api_list_is_a_page_for_every_role_and_not_an_export(
    world: World,
) -> None:
    for who, user in world.users.items():
        response = _api(user).get("/api/people/")
        assert response.status_code == 200, who
        assert len(response.json()["results"]) <= 50
    assert not DataExport.objects.exists()


def test_a_page_beyond_the_first_is_recorded_with_its_row_count(world: World) -> None:
    admin = world.users[Role.REGENCY_ADMIN.value]
    response = _api(admin).get("/api/people/", {"page": 2})
    assert response.status_code == 200
    record = DataExport.objects.get()
    assert (record.actor, record.channel, record.kind) == (admin, Channel.API, "people-api")
    assert record.row_count == len(response.json()["results"]) > 0


def test_the_refusal_of_a_later_page_says_why(world: World) -> None:
    response = _api(world.users[Role.AUDITOR.value]).get("/api/people/", {"page": 2})
    assert response.status_code == 403
    assert "export" in response.json()["detail"].lower() or "ekspor" in response.json()["detail"]


def test_the_bpjs_viewer_takes_the_registration_file_with_phones_masked(world: World) -> None:
    out = io.BytesIO()
    registration_file_make(
        user=world.users[Role.BPJS_VIEWER.value],
        decree=world.decree,
        file_format="csv",
        output=out,
        channel=Channel.WEB,
    )
    full = io.BytesIO()
    registration_file_make(user=None, decree=world.decree, file_format="csv", output=full)
    masked_text, full_text = out.getvalue().decode(), full.getvalue().decode()
    assert masked_text != full_text
    assert "*" in masked_text and full_text.count("*") < masked_text.count("*")
    assert DataExport.objects.filter(kind="bpjs-registration").count() == 2


def test_a_role_without_the_export_right_is_refused_by_the_service_too(world: World) -> None:
    from jaring.registry.exports import people_export
    from jaring.registry.models import Person

    with pytest.raises(DoorClosed):
        people_export(
            people=Person.objects.all(),
            actor=world.users[Role.AUDITOR.value],
            channel=Channel.WEB,
            region_code=KEDIRI,
            file_format="csv",
            output=io.BytesIO(),
        )
    assert not DataExport.objects.exists()


def test_masking_is_column_wise_and_keeps_what_the_role_sees() -> None:
    frame = pl.DataFrame(
        {
            "nik": ["3571031708800002", None],
            "phone": ["+6281234567890", None],
            "birth_date": [date(1980, 8, 17), None],
            "tanggal": ["17 Agustus 1980", None],
        }
    )
    auditor = User(role=Role.AUDITOR)
    shown = masked(
        frame, auditor, nik=["nik"], phone=["phone"], birth_date=["birth_date", "tanggal"]
    )
    assert shown.row(0) == ("35**************", "+62812*****890", "1980", "1980")
    assert shown.row(1) == (None, None, None, None)
    assert masked(frame, None, nik=["nik"], phone=["phone"]).equals(frame)
