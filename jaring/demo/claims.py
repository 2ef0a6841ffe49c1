"""The claims part of the demo: the seed reports' claims, reported and taken through their steps
by the same services as the pages and the command line.

- **Kabupaten Mojokerto**: six deaths (JKM, Rp 42,000,000 each) and two deaths from work
  accidents (JKK, Rp 70,000,000 each) among the APBD programme's members in 2024, each handed
  over to the heir: Rp 392,000,000 = 6 × 42 + 2 × 70 million, as the Bupati reported.
- **Kota Cilegon**: seventeen JKM deaths, one JKK death and one work injury with six months of
  temporary incapacity (Rp 6,000,000) in 2024, all paid: Rp 790,000,000 against the
  Rp 480,457,660 of iuran the city paid (the finance demo) — 164.4 %, from the rows.
- **Desa Wunut**: a death in the first month of this year's late-paid programme (Rp 10,000,000
  under Permenaker 1/2025), submitted to BPJS and stalled past its service level.
- **Kota Pekalongan**: a death in May 2023, after the 2022 programme's months ran out — the
  membership had lapsed ("kepesertaan berakhir"), and the claim is refused with that reason.

Events of 2024 fall before Permenaker 1/2025, so every JKM death there is the full
Rp 42,000,000 whatever the tenure.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import TYPE_CHECKING

from jaring.claims.models import Claim, ClaimStatus
from jaring.claims.selectors import claims_summary
from jaring.claims.services import HeirSpec, claim_advance, claim_heirs_set, claim_open
from jaring.core.formats import date_label, number, percent
from jaring.finance.models import Bill, BillLine
from jaring.programmes.models import Programme
from jaring.registry.models import Person, PersonStatus
from jaring.rules.claims import add_working_days
from jaring.rules.problems import make_problem

if TYPE_CHECKING:
    from jaring.accounts.models import User
    from jaring.demo.builder import Demo

#: Heirs' names for the demo (data of the demo, not of anyone).
SPOUSES = (
    "Sri Wahyuni",
    "Siti Aminah",
    "Nur Hidayah",
    "Dwi Lestari",
    "Budi Santoso",
    "Eko Prasetyo",
)
BANKS = ("BRI", "Bank Jatim", "BNI", "Bank Mandiri", "BSI")


def _programme(name_start: str) -> Programme | None:
    return Programme.objects.filter(name__startswith=name_start).order_by("pk").first()


def _paid_people(programme: Programme, n: int, *, step: int = 37) -> list[Person]:
    """``n`` living members whose line of the programme's first bill was paid (the members the
    Pemda's money covered), spread over the bill."""
    bill = Bill.objects.filter(programme=programme).order_by("month").first()
    if bill is None:
        return []
    ids = list(
        BillLine.objects.filter(bill=bill, position__lte=bill.paid_through)
        .order_by("position")
        .values_list("person_id", flat=True)[: n * step : step]
    )
    people = Person.objects.filter(pk__in=ids, status=PersonStatus.REGISTERED)
    found = {p.pk: p for p in people}
    return [found[i] for i in ids if i in found][:n]


def _heirs(seed: int, *, children: int = 0) -> list[HeirSpec]:
    spouse = SPOUSES[seed % len(SPOUSES)]
    heirs = [
        HeirSpec(
            name=spouse,
            relation="spouse",
            nik=f"3516{(seed * 7919) % 10**12:012d}",
            payee=True,
            bank_name=BANKS[seed % len(BANKS)],
            account=f"{(seed * 104_729 + 7) % 10**10:010d}",
        )
    ]
    levels = ("sd", "smp")
    for k in range(children):
        heirs.append(HeirSpec(name=f"Anak {k + 1}", relation="child", school_level=levels[k]))
    return heirs


def _handed_over(
    user: User,
    person: Person,
    *,
    event: str,
    day: date,
    seed: int,
    cause: str,
    children: int = 0,
    incapacity_months: int | None = None,
) -> Claim:
    """Report, name the heirs, and take the claim to the handover (BPJS settling within its
    three working days)."""
    claim = claim_open(
        user=user,
        person=person,
        event=event,
        event_date=day,
        place=person.region.name if person.region_id else "",
        cause=cause,
        reporter="Kepala desa/lurah",
        incapacity_months=incapacity_months,
        reported_on=day + timedelta(days=3),
    )
    if event in ("death", "work_death"):
        claim_heirs_set(user=user, claim=claim, heirs=_heirs(seed, children=children))
    complete = day + timedelta(days=10)
    submitted = complete + timedelta(days=1)
    approved = add_working_days(submitted, 2)
    paid = add_working_days(submitted, 3)
    for to, on in (
        (ClaimStatus.DOCUMENTS_COMPLETE, complete),
        (ClaimStatus.SUBMITTED, submitted),
        (ClaimStatus.APPROVED, approved),
    ):
        claim_advance(user=user, claim=claim, to=to, on=on, confirm_documents=True)
    claim.refresh_from_db()
    claim_advance(user=user, claim=claim, to=ClaimStatus.PAID, on=paid, amount=claim.total)
    return claim_advance(
        user=user, claim=claim, to=ClaimStatus.HANDED_OVER, on=paid + timedelta(days=4)
    )


def _mojokerto(demo: Demo) -> None:
    user = demo.users["mojokerto"]
    programme = _programme("Jaminan Sosial Ketenagakerjaan Petani Tembakau dan Pekerja Rentan")
    if programme is None:
        return
    people = _paid_people(programme, 8)
    claims = []
    for i, person in enumerate(people):
        work = i >= 6
        claims.append(
            _handed_over(
                user,
                person,
                event="work_death" if work else "death",
                day=date(2024, 2 + i, 5 + i),
                seed=demo.seed + i,
                cause="kecelakaan kerja di ladang tembakau" if work else "sakit",
                children=2 if i == 6 else 0,
            )
        )
    total = sum(c.amount_received or 0 for c in claims)
    demo.say(
        f"  Kab. Mojokerto: {sum(1 for c in claims if c.event == 'death')} JKM + "
        f"{sum(1 for c in claims if c.event == 'work_death')} JKK diserahkan, Rp {number(total)}"
    )


def _cilegon(demo: Demo) -> None:
    user = demo.users["cilegon"]
    programme = _programme("Jaminan Sosial Ketenagakerjaan Pekerja Rentan dan Penyelenggara")
    if programme is None:
        return
    people = _paid_people(programme, 19, step=53)
    for i, person in enumerate(people):
        event, incapacity = "death", None
        if i == 17:
            event = "work_death"
        elif i == 18:
            event, incapacity = "work_injury", 6
        _handed_over(
            user,
            person,
            event=event,
            day=date(2024, 1 + i % 11, 3 + i),
            seed=demo.seed + 100 + i,
            cause={"death": "sakit", "work_death": "tenggelam saat melaut"}.get(
                event, "jatuh dari perahu"
            ),
            incapacity_months=incapacity,
        )
    summary = claims_summary(None, year=2024, region="36.72")
    demo.say(
        f"  Kota Cilegon 2024: {summary.claims} klaim, Rp {number(summary.paid)} dibayar; iuran "
        f"Rp {number(summary.iuran)}; rasio {percent(summary.as_dict()['ratio_percent'], 1)}"
    )


def _stalled(demo: Demo) -> None:
    """A death in the first month of Desa Wunut's late-paid programme, submitted to BPJS
    twelve days ago and not settled: past its service level."""
    user = demo.users["operator.wunut"]
    today = date.today()
    programme = _programme(f"Jamsostek Pekerja Rentan Desa Wunut {today.year}")
    if programme is None:
        return
    people = _paid_people(programme, 1)
    if not people:
        return
    person = people[0]
    day = programme.first_month + timedelta(days=12)
    claim = claim_open(
        user=user,
        person=person,
        event="death",
        event_date=day,
        place="Desa Wunut",
        cause="sakit",
        reporter="Kepala Desa Wunut",
        reported_on=day + timedelta(days=2),
    )
    claim_heirs_set(user=user, claim=claim, heirs=_heirs(demo.seed + 200, children=1))
    submitted = today - timedelta(days=12)
    claim_advance(
        user=user,
        claim=claim,
        to=ClaimStatus.DOCUMENTS_COMPLETE,
        on=submitted - timedelta(days=1),
        confirm_documents=True,
    )
    claim_advance(user=user, claim=claim, to=ClaimStatus.SUBMITTED, on=submitted)
    demo.say(
        f"  Desa Wunut: klaim #{claim.pk} (Rp {number(claim.total)}) diajukan "
        f"{date_label(submitted)}, belum dibayar — lewat batas "
        f"{date_label(add_working_days(submitted, 3))}"
    )


def _lapsed(demo: Demo) -> None:
    """A death in May 2023 of a member of Pekalongan's 2022 programme: five months unpaid
    after the programme ended, the membership had lapsed; refused with that reason."""
    user = demo.users["pekalongan"]
    programme = _programme(
        "Jaminan Sosial Ketenagakerjaan Pekerja Informal Rentan Kota Pekalongan 2022"
    )
    if programme is None:
        return
    people = _paid_people(programme, 1)
    if not people:
        return
    day = date(2023, 5, 15)
    claim = claim_open(
        user=user,
        person=people[0],
        event="death",
        event_date=day,
        place="Kota Pekalongan",
        cause="sakit",
        reporter="Lurah",
        reported_on=day + timedelta(days=4),
    )
    reason = claim.findings.filter(role="reason").first()
    why = (
        f"{make_problem(reason.code, **reason.params).message.render('id')} ({reason.code})"
        if reason
        else "—"
    )
    claim_advance(
        user=user,
        claim=claim,
        to=ClaimStatus.REJECTED,
        on=day + timedelta(days=9),
        note="Ditolak BPJS: kepesertaan berakhir April 2023 (iuran 2023 tidak dibayar)",
    )
    demo.say(f"  Kota Pekalongan: klaim #{claim.pk} ditolak — {why}")


def claims_build(demo: Demo) -> None:
    """The seed reports' claims (see the module docstring)."""
    started = time.perf_counter()
    for step in (_mojokerto, _cilegon, _stalled, _lapsed):
        step(demo)
    demo.say(f"  {Claim.objects.count()} klaim ({number(time.perf_counter() - started, 1)} detik)")


__all__ = ["claims_build"]
