"""The finance API: the CLI's JSON keys for issue, pay, status, reconciliation and budget; writes
need the finance capability; every list is restricted to the user's regions; bad input changes
nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.finance.models import Bill, Payment
from tests.finance.conftest import Signed

pytestmark = pytest.mark.django_db


def test_issue_pay_and_read(
    signed_programme: Callable[..., Signed],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
) -> None:
    programme = signed_programme(10).programme
    admin = login(make_user("disnaker", Role.REGENCY_ADMIN, ("35.71",)))
    viewer = login(make_user("analis", Role.BPJS_VIEWER, ("35.71",)))
    outsider = login(make_user("cilegon", Role.REGENCY_ADMIN, ("36.72",)))

    body = {"programme": programme.pk, "month": "2023-09"}
    assert viewer.post("/api/bills/issue/", body).status_code == 403
    assert outsider.post("/api/bills/issue/", body).status_code == 404
    assert Bill.objects.count() == 0

    issued = admin.post("/api/bills/issue/", body)
    assert issued.status_code == 201
    result = issued.json()
    assert {"bill", "lines", "total", "due_date"} <= result.keys()
    assert (result["lines"], result["total"], result["due_date"]) == (10, 168_000, "2023-09-15")
    again = admin.post("/api/bills/issue/", body)
    assert again.status_code == 400 and "sudah" in again.json()["detail"].lower()
    assert Bill.objects.count() == 1

    bill = result["bill"]
    pay = {"amount": 100_000, "date": "2023-09-14", "reference": "SP2D-1/2023"}
    assert viewer.post(f"/api/bills/{bill}/pay/", pay).status_code == 403
    paid = admin.post(f"/api/bills/{bill}/pay/", pay).json()
    assert paid["paid"] == 100_000 and paid["outstanding"] == 68_000
    above = admin.post(f"/api/bills/{bill}/pay/", {**pay, "amount": 100_000, "reference": "X"})
    assert above.status_code == 400
    negative = admin.post(f"/api/bills/{bill}/pay/", {**pay, "amount": -5, "reference": "Y"})
    assert negative.status_code == 400
    assert Payment.objects.count() == 1

    lines = viewer.get(f"/api/bill-lines/?bill={bill}").json()
    assert lines["count"] == 10 and {line["amount"] for line in lines["results"]} == {16_800}
    assert outsider.get("/api/bills/").json()["count"] == 0
    assert outsider.get("/api/bill-lines/").json()["count"] == 0
    assert outsider.get("/api/payments/").json()["count"] == 0

    base = f"/api/programme-finance/{programme.pk}"
    status = viewer.get(f"{base}/status/?on=2023-09-20").json()
    assert {"active", "arrears_1", "arrears_2", "arrears_3", "lapsed", "outstanding"} <= (
        status.keys()
    )
    assert status["outstanding"] == 68_000
    assert viewer.get(f"{base}/status/?on=20-09-2023").status_code == 400
    reconciliation = viewer.get(f"{base}/reconciliation/?on=2023-09-20").json()
    assert {"in_sk_not_active", "active_not_in_sk", "kpj_conflicts"} <= reconciliation.keys()
    assert reconciliation["in_sk_not_active"] == 10  # nobody has a KPJ yet
    budget = viewer.get(f"{base}/budget/?more_people=5&jht=1").json()
    assert {"ceiling", "billed", "paid", "projected"} <= budget.keys()
    assert (budget["billed"], budget["paid"]) == (168_000, 100_000)
    assert outsider.get(f"{base}/status/").status_code == 404
