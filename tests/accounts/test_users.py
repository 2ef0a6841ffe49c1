"""User management: what an administrator may give (never above their own role or outside their
regions), the pages and the command line, passwords shown once and changed at first sign-in,
bulk creation of desa operators from a list, and the audit of every change."""

from __future__ import annotations

import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import polars as pl
import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from jaring.accounts.errors import AccountError
from jaring.accounts.models import User, UserRegion
from jaring.accounts.roles import Role, role_grantable, roles_grantable
from jaring.accounts.selectors import users_managed
from jaring.accounts.services import (
    UserSpec,
    user_active_set,
    user_create,
    user_password_reset,
    user_state,
    user_update,
    users_import,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

DESA = "35.71.01.1001"  # Kel. Bandar Lor, Kota Kediri


def test_no_role_grants_one_that_may_do_more() -> None:
    assert set(roles_grantable(Role.NATIONAL_ADMIN)) == set(Role)
    assert set(roles_grantable(Role.REGENCY_ADMIN)) == {
        Role.REGENCY_ADMIN,
        Role.VILLAGE_OPERATOR,
        Role.BPJS_VIEWER,
    }
    # A provincial admin sees no full NIK: every role that does is above it.
    assert roles_grantable(Role.PROVINCIAL_ADMIN) == [Role.PROVINCIAL_ADMIN]
    for role in (Role.VILLAGE_OPERATOR, Role.BPJS_VIEWER, Role.AUDITOR):
        assert roles_grantable(role) == []
    assert not role_grantable(Role.PROVINCIAL_ADMIN, by=Role.REGENCY_ADMIN)
    assert not role_grantable(Role.AUDITOR, by=Role.REGENCY_ADMIN)


def _spec(**fields: object) -> UserSpec:
    values: dict[str, object] = {
        "username": "op.bandarlor",
        "role": "village_operator",
        "regions": (DESA,),
        "name": "Siti Aminah",
    }
    values.update(fields)
    return UserSpec(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"role": "national_admin"}, "ROLE_ABOVE_YOURS"),
        ({"role": "auditor"}, "ROLE_ABOVE_YOURS"),
        ({"role": "provincial_admin", "regions": ("35.71",)}, "ROLE_ABOVE_YOURS"),
        ({"role": "kepala_desa"}, "ROLE_UNKNOWN"),
        ({"regions": ("36.72.01.1001",)}, "REGION_OUT_OF_SCOPE"),
        ({"regions": ("35",)}, "REGION_OUT_OF_SCOPE"),
        ({"regions": (DESA, "35.16")}, "REGION_OUT_OF_SCOPE"),
        ({"regions": ("35.71.99.9999",)}, "REGION_UNKNOWN"),
        ({"regions": ()}, "REGION_MISSING"),
        ({"username": "bad name!"}, "USERNAME_INVALID"),
        ({"username": "KEDIRI"}, "USERNAME_TAKEN"),
        ({"email": "not-an-address"}, "EMAIL_INVALID"),
    ],
)
def test_what_a_regency_admin_may_not_give(
    make_user: Callable[..., User], fields: dict[str, object], code: str
) -> None:
    admin = make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))
    before = (User.objects.count(), UserRegion.objects.count(), LogEntry.objects.count())
    with pytest.raises(AccountError) as refused:
        user_create(admin=admin, spec=_spec(**fields))
    assert refused.value.code == code
    assert str(refused.value)  # a sentence, in Indonesian by default
    after = (User.objects.count(), UserRegion.objects.count(), LogEntry.objects.count())
    assert after == before


def test_roles_without_user_management_create_nobody(make_user: Callable[..., User]) -> None:
    operator = make_user("op", Role.VILLAGE_OPERATOR, (DESA,))
    with pytest.raises(AccountError) as refused:
        user_create(admin=operator, spec=_spec())
    assert refused.value.code == "NOT_ALLOWED"


def test_an_admin_manages_only_users_wholly_inside_their_regions(
    make_user: Callable[..., User],
) -> None:
    kediri = make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))
    inside = make_user("op.in", Role.VILLAGE_OPERATOR, (DESA,))
    make_user("op.out", Role.VILLAGE_OPERATOR, ("36.72.01.1001",))
    make_user("op.both", Role.VILLAGE_OPERATOR, (DESA, "36.72.01.1001"))
    make_user("auditor", Role.AUDITOR, ("35.71",))  # a role above: not theirs to change
    make_user("province", Role.PROVINCIAL_ADMIN, ("35",))
    peer = make_user("kediri2", Role.REGENCY_ADMIN, ("35.71",))
    assert set(users_managed(kediri)) == {inside, peer, kediri}
    national = make_user("nasional", Role.NATIONAL_ADMIN)
    assert users_managed(national).count() == User.objects.count()
    # Nobody changes their own role, regions or access.
    with pytest.raises(AccountError) as refused:
        user_update(
            admin=kediri,
            user=kediri,
            expected_updated=user_state(kediri),
            name="x",
            role="regency_admin",
            regions=["35"],
        )
    assert refused.value.code == "USER_SELF"


def test_a_user_changed_meanwhile_is_refused(make_user: Callable[..., User]) -> None:
    admin = make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))
    created = user_create(admin=admin, spec=_spec())
    seen = user_state(created.user)
    user_update(
        admin=admin,
        user=created.user,
        expected_updated=seen,
        name="Siti A.",
        role="bpjs_viewer",
        regions=["35.71"],
    )
    with pytest.raises(AccountError) as refused:
        user_active_set(admin=admin, user=created.user, active=False, expected_updated=seen)
    assert refused.value.code == "STATE_CHANGED"
    assert User.objects.get(pk=created.user.pk).is_active


def test_every_change_is_audited_with_the_admin_and_the_region(
    make_user: Callable[..., User],
) -> None:
    admin = make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))
    created = user_create(admin=admin, spec=_spec())
    user = created.user
    user_update(
        admin=admin,
        user=user,
        expected_updated=user_state(user),
        name="Siti Aminah",
        role="village_operator",
        regions=["35.71.01.1002"],
    )
    user.refresh_from_db()
    user_password_reset(admin=admin, user=user, expected_updated=user_state(user))
    user.refresh_from_db()
    user_active_set(admin=admin, user=user, active=False, expected_updated=user_state(user))
    entries = LogEntry.objects.filter(actor=admin)
    assert entries.count() >= 6
    assert {e.additional_data["region"][:5] for e in entries} == {"35.71"}
    regions = entries.filter(content_type__model="userregion")
    assert {(e.action, e.object_repr.split(" → ")[1]) for e in regions} == {
        (LogEntry.Action.CREATE, DESA),
        (LogEntry.Action.DELETE, DESA),
        (LogEntry.Action.CREATE, "35.71.01.1002"),
    }
    # The password is never written into the trail; that it was reset is.
    user.refresh_from_db()
    assert all(user.password not in json.dumps(e.changes) for e in entries)
    assert entries.filter(additional_data__event="password_reset").count() == 1


def test_create_a_desa_operator_who_changes_the_password_at_first_sign_in(
    make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    admin = make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))
    client = login(admin)
    form = {"username": "op.bandarlor", "name": "Siti Aminah", "role": "village_operator"}
    answer = client.post(reverse("user-new"), {**form, "regions": DESA, "phone": "0812 3456 789"})
    page = answer.content.decode()
    assert "Pengguna dibuat" in page
    password = page.split('data-testid="password">')[1].split("<")[0]
    operator = User.objects.get(username="op.bandarlor")
    assert operator.must_change_password and operator.check_password(password)
    assert list(operator.region_scopes.values_list("region_id", flat=True)) == [DESA]
    # Outside the region, or a role above: refused on the page, nothing made.
    outside = client.post(reverse("user-new"), {**form, "username": "x", "regions": "36.72"})
    assert "di luar wilayah Anda" in outside.content.decode()
    above = client.post(
        reverse("user-new"), {**form, "username": "y", "regions": DESA, "role": "auditor"}
    )
    assert above.status_code == 200 and not User.objects.filter(username="y").exists()

    first = Client()
    assert first.post(reverse("login"), {"username": operator.username, "password": password})
    assert first.get(reverse("people-list")).url == reverse("password-change")  # type: ignore[attr-defined]
    changed = first.post(
        reverse("password-change"),
        {"old_password": password, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert changed.status_code == 302
    operator.refresh_from_db()
    assert not operator.must_change_password
    assert first.get(reverse("people-list")).status_code == 200


def test_deactivate_and_reset_on_the_page(
    make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    admin = make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))
    operator = make_user("op", Role.VILLAGE_OPERATOR, (DESA,))
    session = login(operator)
    assert session.get(reverse("home")).status_code == 200
    client = login(admin)
    edit = client.get(reverse("user-edit", args=[operator.pk]))
    assert edit.status_code == 200
    state = edit.context["state"]
    reset = client.post(reverse("user-password", args=[operator.pk]), {"state": state})
    password = reset.content.decode().split('data-testid="password">')[1].split("<")[0]
    operator.refresh_from_db()
    assert operator.check_password(password) and not operator.check_password(PASSWORD)
    # The old session ends with the password it was opened with.
    assert session.get(reverse("home")).status_code == 302
    deactivated = client.post(
        reverse("user-active", args=[operator.pk]), {"active": "0", "state": user_state(operator)}
    )
    assert deactivated.status_code == 302
    operator.refresh_from_db()
    assert not operator.is_active
    refused = Client()
    refused.post(reverse("login"), {"username": "op", "password": password})
    assert "_auth_user_id" not in refused.session


def test_users_outside_the_scope_are_not_found(
    make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    admin = make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))
    cilegon = make_user("op.cilegon", Role.VILLAGE_OPERATOR, ("36.72.01.1001",))
    auditor = make_user("auditor", Role.AUDITOR, ("35.71",))
    client = login(admin)
    for target in (cilegon, auditor):
        assert client.get(reverse("user-edit", args=[target.pk])).status_code == 404
        answer = client.post(reverse("user-active", args=[target.pk]), {"active": "0"})
        assert answer.status_code == 404
        assert client.post(reverse("user-password", args=[target.pk])).status_code == 404
    assert User.objects.get(pk=cilegon.pk).is_active
    # Roles without user management do not reach the pages.
    operator = login(make_user("op", Role.VILLAGE_OPERATOR, (DESA,)))
    assert operator.get(reverse("user-list")).status_code == 403
    assert operator.get(reverse("user-new")).status_code == 403


def test_user_list_queries_do_not_grow_with_the_users(
    make_user: Callable[..., User],
    login: Callable[[User], Client],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    admin = make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))
    for i in range(30):
        make_user(f"op{i}", Role.VILLAGE_OPERATOR, (DESA, "35.71.01.1002"))
    client = login(admin)
    # session, user, the admin's regions, count, page, their regions (with names)
    with django_assert_num_queries(6):
        page = client.get(reverse("user-list"))
    body = page.content.decode()
    assert "Kel. Bandar Lor" in body and "op29" in body


def _list_file(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    path = tmp_path / "operator.xlsx"
    frame = pl.DataFrame(rows).rename(
        {
            "username": "Username",
            "name": "Nama",
            "desa": "Kode desa",
            "role": "Peran",
            "contact": "HP atau email",
        }
    )
    frame.write_excel(path)
    return path


def _rows(n: int) -> list[dict[str, str]]:
    return [
        {
            "username": f"op.desa{i}",
            "name": f"Operator {i}",
            "desa": f"35.71.01.100{i % 9 + 1}",
            "role": "Operator desa",
            "contact": f"0812345678{i:02d}" if i % 2 else f"op{i}@desa.id",
        }
        for i in range(n)
    ]


def test_a_list_of_desa_operators_becomes_users_with_one_time_links(
    make_user: Callable[..., User], tmp_path: Path
) -> None:
    admin = make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))
    out = StringIO()
    call_command(
        "users",
        "import",
        str(_list_file(tmp_path, _rows(6))),
        "--user",
        "kediri",
        "--json",
        stdout=out,
    )
    result = json.loads(out.getvalue())
    assert result["created"] == 6
    first = result["users"][0]
    assert set(first) == {
        "username",
        "name",
        "role",
        "regions",
        "email",
        "phone",
        "password",
        "link",
        "must_change_password",
    }
    assert first["role"] == "village_operator" and first["password"] is None
    assert first["email"] == "op0@desa.id" and result["users"][1]["phone"] == "081234567801"
    assert LogEntry.objects.filter(actor=admin, action=LogEntry.Action.CREATE).count() == 6
    # The link lets the operator choose a password once.
    client = Client()
    form = client.get(first["link"], follow=True)
    assert form.status_code == 200 and "password-set" in form.content.decode()
    chosen = client.post(
        form.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    assert chosen.status_code == 302
    operator = User.objects.get(username="op.desa0")
    assert operator.check_password(PASSWORD) and not operator.must_change_password
    again = Client().get(first["link"], follow=True)
    assert "tidak berlaku lagi" in again.content.decode()


def test_a_list_with_a_problem_creates_nobody_and_names_each_row(
    make_user: Callable[..., User], tmp_path: Path
) -> None:
    make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))
    make_user("op.desa2", Role.VILLAGE_OPERATOR, (DESA,))
    rows = _rows(5)
    rows[1]["desa"] = "36.72.01.1001"  # row 3: outside Kota Kediri
    rows[3]["role"] = "auditor"  # row 5: above a regency admin
    before = User.objects.count()
    with pytest.raises(CommandError) as refused:
        call_command("users", "import", str(_list_file(tmp_path, rows)), "--user", "kediri")
    text = str(refused.value)
    assert "Tidak ada pengguna yang dibuat" in text
    assert "Baris 3" in text and "Baris 4" in text and "Baris 5" in text  # row 4: name taken
    assert User.objects.count() == before


def test_create_from_the_command_line(make_user: Callable[..., User]) -> None:
    out = StringIO()
    call_command(
        "users",
        "create",
        "op.wunut",
        "--role",
        "village_operator",
        "--region",
        "33.10.19.2018",
        "--name",
        "Operator Desa Wunut",
        "--json",
        stdout=out,
    )
    result = json.loads(out.getvalue())
    assert result["username"] == "op.wunut" and result["regions"] == ["33.10.19.2018"]
    assert result["must_change_password"] and len(result["password"]) == 14
    user = User.objects.get(username="op.wunut")
    assert user.check_password(result["password"]) and user.get_full_name() == result["name"]
    make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))
    with pytest.raises(CommandError, match="di luar wilayah Anda"):
        call_command(
            "users",
            "create",
            "x",
            "--role",
            "village_operator",
            "--region",
            "36.72",
            "--user",
            "kediri",
        )


def test_bulk_creation_needs_no_password_hashing(make_user: Callable[..., User]) -> None:
    admin = make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))
    rows = [
        {"username": f"op{i}", "region": DESA, "role": "village_operator", "name": f"Op {i}"}
        for i in range(200)
    ]
    created = users_import(admin=admin, rows=rows)
    assert len(created) == 200
    assert not any(User.objects.get(username="op7").has_usable_password() for _ in [0])
    assert UserRegion.objects.filter(region_id=DESA).count() == 200


def test_the_users_template_reads_back(
    make_user: Callable[..., User], login: Callable[[User], Client], tmp_path: Path
) -> None:
    client = login(make_user("kediri", Role.REGENCY_ADMIN, ("35.71",)))
    answer = client.get(reverse("user-import-template"))
    path = tmp_path / "templat.xlsx"
    path.write_bytes(answer.content)
    from jaring.accounts.services import users_file_read

    assert users_file_read(path) == [
        {
            "username": "op.bandarlor",
            "name": "Siti Aminah",
            "region": "35.71.01.1001",
            "role": "operator desa",
            "contact": "081234567890",
        }
    ]
