"""The permission matrix (issue 14, item 4): every URL × every role × an object in and out of
the role's regions → the expected answer, generated from the URL patterns.

Every URL pattern of the project (pages of every app and the API router) is read from the
resolver; a URL whose parameters the matrix cannot fill makes the test fail, so a new page or
endpoint joins the matrix before it lands. For each URL, role (and the anonymous visitor),
object (one in Kota Kediri, one in Kota Cilegon) and method (GET, and an empty POST), one
request, rolled back afterwards. The rules:

* no answer is a server error;
* the anonymous visitor is sent to sign in (pages) or refused (API), except on the public
  pages (sign-in, language);
* an object outside the role's regions is never answered with data: 400, 403, 404 or 405;
* a page that requires a capability answers 403 to a role without it;
* the national administrator reads every page (GET answers 2xx/3xx, or 405 for a POST-only
  action, or 400 for a form that needs its fields).

The size of the matrix and its failures are printed (docs/security.md quotes them).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from jaring.accounts.models import User, UserRegion
from jaring.accounts.roles import CAPABILITIES, Role
from jaring.claims.models import EventKind
from jaring.claims.services import claim_document_receive, claim_open
from jaring.finance.models import BillLine, ResponseFile
from jaring.finance.services import bill_issue
from jaring.finance.services.payments import payment_record
from jaring.programmes.models import Membership
from jaring.programmes.services import decree_draft, decree_sign, programme_create
from jaring.regions.models import Region
from jaring.registry.imports.services import import_create, import_run
from jaring.registry.models import MatchCandidate, MatchRun, Person
from jaring.rules.months import Month
from jaring.synthetic.messy import write_messy_file

pytestmark = pytest.mark.django_db

IN, OUT = "35.71", "36.72"  # Kota Kediri (every regional role's), Kota Cilegon (nobody's)

# What fills a URL's ``pk``: the kind of object, by the URL's name.
KIND_BY_NAME: dict[str, str] = {
    "person-detail": "person",
    "person-edit": "person",
    "person-status": "person",
    "user-edit": "user",
    "user-active": "user",
    "user-password": "user",
    "api-person-detail": "person",
    **dict.fromkeys(
        (
            "import-detail",
            "import-mapping",
            "import-progress",
            "import-commit",
            "import-workbook",
            "import-discard",
            "import-changes",
            "import-held",
            "api-import-detail",
            "api-import-commit",
            "api-import-problems",
            "api-import-workbook",
        ),
        "batch",
    ),
    **dict.fromkeys(
        (
            "duplicate-detail",
            "duplicate-decide",
            "api-duplicate-detail",
            "api-duplicate-distinct",
            "api-duplicate-merge",
        ),
        "candidate",
    ),
    **dict.fromkeys(
        (
            "programme-detail",
            "programme-edit",
            "programme-draft",
            "finance-programme",
            "finance-issue",
            "finance-status",
            "finance-reconcile",
            "finance-budget",
            "finance-exchange",
            "finance-registration",
            "finance-response-upload",
            "finance-statement",
            "api-programme-detail",
            "api-programme-draft",
            "api-programme-finance-budget",
            "api-programme-finance-reconciliation",
            "api-programme-finance-status",
        ),
        "programme",
    ),
    **dict.fromkeys(
        (
            "decree-detail",
            "decree-sign",
            "decree-entry",
            "decree-lampiran",
            "decree-pdf",
            "decree-pdf-progress",
            "decree-pdf-download",
            "api-decree-detail",
            "api-decree-diff",
            "api-decree-sign",
        ),
        "decree",
    ),
    **dict.fromkeys(
        (
            "finance-bill",
            "finance-pay",
            "finance-correct",
            "api-bill-detail",
            "api-bill-correct",
            "api-bill-pay",
        ),
        "bill",
    ),
    "finance-proof": "payment",
    **dict.fromkeys(
        (
            "claim-detail",
            "claim-advance",
            "claim-heirs",
            "claim-assess",
            "claim-instalment",
            "claim-document",
            "claim-document-file",
            "claim-photo",
            "api-claim-detail",
            "api-claim-advance",
            "api-claim-assess",
            "api-claim-entitlement",
        ),
        "claim",
    ),
    "api-payment-detail": "payment",
    "finance-response": "response",
    "api-membership-detail": "membership",
    "api-bill-line-detail": "bill_line",
    "api-region-detail": "region",
    "region-detail": "region",
    "monev-dashboard": "region",
    "monev-map": "region",
    "monev-report": "region",
    "monev-award": "province",
}
# Other parameters, the same in and out of scope.
FIXED = {
    "action": "remove",
    "file_format": "xlsx",
    "month": "2023-09",
    "uidb64": "MQ",
    "token": "abc-123",
}
# Pages anyone may open (signing in, choosing the language, asking for a token).
PUBLIC = {"login", "set_language", "api-token", "logout", "password-set", "favicon"}
# Regions (and their data) are public knowledge, not personal data: open to every signed-in
# role wherever they are.
NOT_SCOPED = {"api-region-detail", "region-detail", "monev-award", "monev-map"}
# Found only once made (a decree's PDF on request, a claim's handover photo): 404 before.
MADE_ON_REQUEST = {"decree-pdf-download", "claim-photo"}
SKIPPED = {"api-root", "api-schema", "api-docs"}  # served by the libraries (tested elsewhere)


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    callback: Any


def _routes() -> Iterator[Route]:
    def walk(patterns: list[Any], prefix: str) -> Iterator[Route]:
        for p in patterns:
            if isinstance(p, URLResolver):
                if str(p.pattern).startswith("admin/"):
                    continue
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and p.name:
                yield Route(p.name, prefix + str(p.pattern), p.callback)

    yield from walk(get_resolver().url_patterns, "")


def _path(route: Route, values: dict[str, str]) -> str:
    text = route.route.replace("^", "").replace("$", "").replace("\\.", ".")
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values[m.group(1)], text)
    text = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], text)
    return "/" + text


def _parameters(route: Route) -> list[str]:
    return re.findall(r"\(\?P<(\w+)>", route.route) + re.findall(r"<(?:\w+:)?(\w+)>", route.route)


# Pages whose personal data leaves through the door (jaring.audit.door): the export right.
DOOR = {"people-export", "decree-lampiran", "decree-pdf", "decree-pdf-download"}


def _capability(route: Route) -> str | None:
    """The capability a page demands (``capability_required`` marks its wrapper)."""
    if route.name in DOOR:
        return "export_personal_data"
    return getattr(route.callback, "required_capability", None)


# --- the two worlds -------------------------------------------------------------------------


def _world(region: str, seed: int, tmp: Path, register: Callable[..., pl.DataFrame]) -> dict:
    desa = Region.objects.filter(code__startswith=region + ".", level=4).order_by("code").first()
    assert desa is not None
    people = register(6, region, seed=seed, within=desa.code, occupation_code="becak",
                      birth_date=date(1980, 5, 17))  # fmt: skip
    path = tmp / f"daftar-{region}.csv"
    write_messy_file(
        path, rows=12, regency=region, seed=seed, fmt="csv", reference_date=date.today()
    )
    with path.open("rb") as handle:
        batch = import_create(
            source=handle,
            file_name=path.name,
            region_code=region,
            source_name="RT",
            dry_run=True,
        )
    import_run(batch.pk)
    run = MatchRun.objects.create(kind="full", region_id=region, threshold=0.5)
    ids = people["id"].to_list()
    evidence = {
        f"evidence_{f}": "exact" for f in ("name", "birth_date", "nik", "sex", "village", "phone")
    }
    weights = {f"weight_{f}": 1.0 for f in ("name", "birth_date", "nik", "sex", "village", "phone")}
    candidate = MatchCandidate.objects.create(
        run=run, person_low_id=ids[0], person_high_id=ids[1], probability=0.9,
        match_weight=3.0, **evidence, **weights,
    )  # fmt: skip
    programme, _ = programme_create(
        user=None, region_code=region, name=f"P {region}", year=2023, funder="dbhcht",
        first_month=date(2023, 9, 1), months=4,
    )  # fmt: skip
    decree = decree_sign(
        user=None,
        decree=decree_draft(user=None, programme=programme),
        number=f"188/{seed}/2023",
        signed_on=date(2023, 8, 28),
    )
    bill = bill_issue(user=None, programme=programme, month=Month(2023, 9))[0]
    decree_person = Membership.objects.filter(decree=decree).first().person_id  # type: ignore[union-attr]
    payment = payment_record(
        user=None, bill=bill, amount=1000, paid_on=date(2023, 9, 14), reference=f"SP2D-{seed}",
        proof=io.BytesIO(b"%PDF-1.4 proof"), proof_name="sp2d.pdf", today=date(2023, 9, 15),
    )  # fmt: skip
    response = ResponseFile.objects.create(
        programme=programme, file_name="balasan.xlsx", sha256="0" * 64, size=1,
        file_format="xlsx", header_row=1, nik_column="NIK",
    )  # fmt: skip
    claim = claim_open(
        user=None,
        person=Person.objects.get(pk=decree_person),
        event=EventKind.DEATH,
        event_date=date(2023, 10, 5),
        reported_on=date(2023, 10, 9),
        today=date(2023, 10, 9),
    )
    document = claim_document_receive(
        user=None,
        claim=claim,
        code=claim.documents.first().code,  # type: ignore[attr-defined]
        upload=io.BytesIO(b"%PDF-1.4 scan"),
        name="ktp.pdf",
    )
    colleague = User.objects.create_user(username=f"operator-{region}", role=Role.VILLAGE_OPERATOR)
    UserRegion.objects.create(user=colleague, region=desa)
    return {
        "claim": str(claim.pk),
        "doc": str(document.pk),
        "user": str(colleague.pk),
        "person": str(ids[0]),
        "batch": str(batch.pk),
        "candidate": str(candidate.pk),
        "programme": str(programme.pk),
        "decree": str(decree.pk),
        "other": str(decree.pk),
        "bill": str(bill.pk),
        "payment": str(payment.pk),
        "response": str(response.pk),
        "membership": str(Membership.objects.filter(decree=decree).first().pk),  # type: ignore[union-attr]
        "bill_line": str(BillLine.objects.filter(bill=bill).first().pk),  # type: ignore[union-attr]
        "region": region,
        "province": f"{region[:2]}/2024",
    }


@pytest.fixture
def worlds(
    tmp_path: Path, register: Callable[..., pl.DataFrame], make_user: Callable[..., User]
) -> dict[str, Any]:
    inside = _world(IN, 41, tmp_path, register)
    outside = _world(OUT, 42, tmp_path, register)
    desa = Region.objects.filter(code__startswith=IN + ".", level=4).order_by("code").first()
    scope = {
        Role.NATIONAL_ADMIN: (),
        Role.PROVINCIAL_ADMIN: ("35",),
        Role.REGENCY_ADMIN: (IN,),
        Role.VILLAGE_OPERATOR: (desa.code,),  # type: ignore[union-attr]
        Role.BPJS_VIEWER: (IN,),
        Role.AUDITOR: (IN,),
    }
    users = {role: make_user(role.value, role, scope[role]) for role in Role}
    return {"in": inside, "out": outside, "users": users}


def _values(route: Route, world: dict[str, str]) -> dict[str, str]:
    values = dict(FIXED)
    kind = KIND_BY_NAME.get(route.name)
    for name in _parameters(route):
        if name in FIXED:
            continue
        if kind is None:
            raise LookupError(route.name)
        if kind == "province" and name in ("province", "year"):
            province, year = world["province"].split("/")
            values[name] = province if name == "province" else year
        elif name in ("other", "doc"):
            values[name] = world[name]
        else:
            values[name] = world[kind]
    return values


def _request(client: Any, method: str, path: str) -> int:
    with transaction.atomic():
        response = client.get(path) if method == "GET" else client.post(path, {})
        transaction.set_rollback(True)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return response.status_code


def test_every_url_every_role_in_and_out_of_scope_gets_the_expected_answer(
    worlds: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    routes = [r for r in _routes() if r.name not in SKIPPED]
    unfilled = [r.name for r in routes if _parameters(r) and r.name not in KIND_BY_NAME
                and set(_parameters(r)) - set(FIXED)]  # fmt: skip
    assert unfilled == [], f"add these URLs to the matrix: {unfilled}"
    users: dict[Role, User] = worlds["users"]
    failures: list[tuple[str, str, str, str, int, str]] = []
    requests = 0
    for route in routes:
        is_api = route.route.startswith("api/")
        scoped = bool(_parameters(route)) and route.name not in NOT_SCOPED
        for where in ("in", "out") if scoped else ("in",):
            path = _path(route, _values(route, worlds[where]))
            for who in [None, *Role]:
                if who is not None and where == "out" and CAPABILITIES[who].all_regions:
                    continue  # the whole country is the national administrator's scope
                client: Any = APIClient() if is_api else Client()
                client.raise_request_exception = False
                if who is not None:
                    if is_api:
                        client.force_authenticate(users[who])
                    else:
                        client.force_login(users[who])
                for method in ("GET", "POST"):
                    status = _request(client, method, path)
                    requests += 1
                    why = _judge(route, who, where, method, status, is_api)
                    if why:
                        failures.append((route.name, str(who), where, method, status, why))
    with capsys.disabled():
        print(f"\npermission matrix: {len(routes)} URLs, {requests} requests, "
              f"{len(failures)} failures")  # fmt: skip
        for failure in failures:
            print("  ", failure)
    assert failures == []


def _judge(
    route: Route, who: Role | None, where: str, method: str, status: int, is_api: bool
) -> str:
    if status >= 500:
        return "server error"
    if route.name in PUBLIC:
        return ""
    if who is None:
        refused = {401, 403} if is_api else {302, 403, 405}
        return "" if status in refused else "anonymous let in"
    if where == "out":
        return "" if status in {400, 403, 404, 405} else "out of scope answered"
    capability = _capability(route)
    if capability and not getattr(CAPABILITIES[who], capability):
        return "" if status in {403, 404, 405} else f"lacks {capability} but answered"
    answered = {200, 302, 400, 405} | ({404} if route.name in MADE_ON_REQUEST else set())
    if who == Role.NATIONAL_ADMIN and method == "GET" and status not in answered:
        return "national administrator refused"
    return ""


def test_a_number_too_large_for_the_database_is_a_bad_request_not_a_server_error(
    make_user: Callable[..., User],
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(make_user("nasional", Role.NATIONAL_ADMIN))
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(make_user("nasional2", Role.NATIONAL_ADMIN))
    huge = "9" * 30
    assert client.get(f"/orang/{huge}/").status_code in (400, 404)
    assert client.get(f"/sk/{huge}/").status_code in (400, 404)
    assert api.get(f"/api/people/{huge}/").status_code in (400, 404)
    for path, query in [
        ("/api/bill-lines/", {"bill": huge}),
        ("/api/decree-entries/", {"decree": huge}),
        ("/api/memberships/", {"person": huge}),
    ]:
        assert api.get(path, query).status_code in (200, 400), path  # PostgreSQL: none found
