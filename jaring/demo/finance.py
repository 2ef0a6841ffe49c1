"""The finance part of the demo: the BPJS exchange, bills and payments of the seed reports,
through the same services as the pages and the command line.

- **Kota Kediri 2023**: the registration file of the 9,300 (recorded as an export), the branch's
  response — most registered with a KPJ, some non-active (Kediri found members "non-active"
  at BPJS although its decree listed them), two NIKs in no decree, one damaged — then the bills
  of September to December, each paid by SP2D: 9,300 × Rp 16,800 × 4 = Rp 624,960,000 billed
  and paid. The 2024 version's first two months are billed and paid too.
- **Kota Pekalongan 2022**: the 423 of a planned 1,000, billed and paid for twelve months
  against a ceiling for 423.
- **Kota Cilegon 2024**: its members billed for the year, of which the city paid the reported
  Rp 480,457,660 (the iuran side of the claims ratio, 164.4 %; the figure is UNVERIFIED).
- **Kabupaten Mojokerto 2024**: the APBD programme billed and paid for the year (its claims
  come in the claims demo).
- **Desa Wunut, this year**: a programme from three months ago whose APBDes money is late: the
  first month paid, the rest not, so its members are three months in arrears and the home page
  names them and the amount that keeps them covered.
"""

from __future__ import annotations

import io
import time
from datetime import date
from typing import TYPE_CHECKING

import polars as pl

from jaring.audit.models import Channel
from jaring.core.formats import number
from jaring.finance.exchange.applying import response_import
from jaring.finance.exchange.registration import registration_file_make
from jaring.finance.messages import month_label
from jaring.finance.models import Bill
from jaring.finance.services import bill_issue, payment_record
from jaring.programmes.models import Decree, DecreeStatus, Programme
from jaring.programmes.services import decree_draft, decree_sign, programme_create
from jaring.rules.months import Month

if TYPE_CHECKING:
    from jaring.accounts.models import User
    from jaring.demo.builder import Demo


def _programme(name_start: str) -> Programme | None:
    return Programme.objects.filter(name__startswith=name_start).order_by("pk").first()


def _pay(bill: Bill, user: User, *, day: date, reference: str, amount: int | None = None) -> None:
    payment_record(
        user=user,
        bill=bill,
        amount=bill.total if amount is None else amount,
        paid_on=day,
        reference=reference,
    )


def _bill_and_pay(
    programme: Programme, user: User, months: list[Month], *, tag: str, pay: bool = True
) -> list[Bill]:
    bills = []
    for month in months:
        bill = bill_issue(user=user, programme=programme, month=month)[0]
        if pay:
            _pay(bill, user, day=bill.due_date, reference=f"SP2D/{tag}/{month}")
        bills.append(bill)
    return bills


def _response(programme: Programme, decree: Decree, user: User, demo: Demo) -> dict[str, int]:
    """The branch's answer to the registration file: KPJs for most, some non-active."""
    buffer = io.BytesIO()
    registration_file_make(
        user=user, decree=decree, file_format="csv", output=buffer, channel=Channel.CLI
    )
    sent = pl.read_csv(buffer.getvalue(), infer_schema=False)
    n = sent.height
    nik = sent["NIK"]
    status = ["AKTIF"] * n
    reason = [""] * n
    for i in range(0, n, 97):  # about 1 in 100: non-active at the branch
        status[i] = "NON AKTIF"
        reason[i] = "Terdaftar di wadah lain (pemberi kerja lain)" if i % 2 else "Menunggak iuran"
    kpj = [f"{23_000_000_000 + i:011d}" if s == "AKTIF" else "" for i, s in enumerate(status)]
    answer = pl.DataFrame(
        {
            "NO": list(range(1, n + 1)),
            "NIK": nik,
            "NAMA PESERTA": sent["NAMA"],
            "NO KPJ": kpj,
            "STATUS KEPESERTAAN": status,
            "KETERANGAN": reason,
            "TMT": ["01/09/2023"] * n,
        }
    )
    extra = pl.DataFrame(
        {
            "NO": [n + 1, n + 2, n + 3],
            "NIK": ["3571015708850004", "3571024404790002", "35710244047"],
            "NAMA PESERTA": ["SITI AMINAH", "RUSDI", "DATA RUSAK"],
            "NO KPJ": ["23099000001", "23099000002", ""],
            "STATUS KEPESERTAAN": ["AKTIF", "AKTIF", "AKTIF"],
            "KETERANGAN": ["", "", ""],
            "TMT": ["01/09/2023"] * 3,
        }
    )
    path = demo.folder / "balasan-bpjs-kediri-2023.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("HASIL VERIFIKASI PENDAFTARAN PESERTA BPU KOLEKTIF\n")
        out.write("BPJS KETENAGAKERJAAN CABANG KEDIRI\n\n")
        out.write(pl.concat([answer, extra]).write_csv(separator=";"))
    result = response_import(user=user, programme=programme, path=path)
    return result.as_dict()  # type: ignore[return-value]


def _kediri(demo: Demo) -> None:
    user = demo.users["kediri"]
    programme = _programme("Jaminan Sosial Ketenagakerjaan Pekerja Rentan Kota Kediri")
    if programme is None:
        return
    decrees = list(
        Decree.objects.filter(programme=programme, status=DecreeStatus.SIGNED).order_by("version")
    )
    answer = _response(programme, decrees[0], user, demo)
    bills = _bill_and_pay(programme, user, [Month(2023, m) for m in (9, 10, 11, 12)], tag="KDR")
    _bill_and_pay(programme, user, [Month(2024, 1), Month(2024, 2)], tag="KDR")
    total = sum(b.total for b in bills)
    demo.say(
        f"  Kota Kediri: balasan BPJS {number(answer['registered'])} terdaftar, "
        f"{number(answer['inactive'])} nonaktif, {number(answer['not_in_sk'])} di luar SK; "
        f"tagihan Sep–Des 2023 Rp {number(total)} dibayar"
    )


def _pekalongan(demo: Demo) -> None:
    user = demo.users["pekalongan"]
    programme = _programme(
        "Jaminan Sosial Ketenagakerjaan Pekerja Informal Rentan Kota Pekalongan 2022"
    )
    if programme is None:
        return
    bills = _bill_and_pay(programme, user, [Month(2022, m) for m in range(1, 13)], tag="PKL")
    demo.say(f"  Kota Pekalongan 2022: {number(bills[0].people)} orang × 12 bulan dibayar")


#: Kota Cilegon's iuran paid in 2024 as reported beside its claims (RULES.md §8 C2; UNVERIFIED,
#: the source is truncated): Rp 790,000,000 of claims were 164.4 % of it.
CILEGON_IURAN_PAID = 480_457_660


def _cilegon(demo: Demo) -> None:
    """The year's twelve bills issued (Rp 3.9 bn for every member of the decree), of which the
    city paid the reported Rp 480,457,660: each month the same share, which pays the first
    lines of each bill (the same members every month) and leaves the rest unpaid."""
    user = demo.users["cilegon"]
    programme = _programme("Jaminan Sosial Ketenagakerjaan Pekerja Rentan dan Penyelenggara")
    if programme is None:
        return
    bills = _bill_and_pay(
        programme, user, [Month(2024, m) for m in range(1, 13)], tag="CLG", pay=False
    )
    share, rest = divmod(CILEGON_IURAN_PAID, len(bills))
    for i, bill in enumerate(bills):
        amount = share + (rest if i == len(bills) - 1 else 0)
        _pay(bill, user, day=bill.due_date, reference=f"SP2D/CLG/{bill.month:%Y-%m}", amount=amount)
    fresh = Bill.objects.filter(pk__in=[b.pk for b in bills])
    paid = sum(fresh.values_list("paid", flat=True))
    billed = sum(fresh.values_list("total", flat=True))
    demo.say(f"  Kota Cilegon 2024: tagihan Rp {number(billed)}, iuran dibayar Rp {number(paid)}")


def _mojokerto(demo: Demo) -> None:
    """Kabupaten Mojokerto's APBD programme billed and paid for 2024 (its members are covered
    when the claims of the year come)."""
    user = demo.users["mojokerto"]
    programme = _programme("Jaminan Sosial Ketenagakerjaan Petani Tembakau dan Pekerja Rentan")
    if programme is None:
        return
    bills = _bill_and_pay(programme, user, [Month(2024, m) for m in range(1, 13)], tag="MJK")
    demo.say(
        f"  Kab. Mojokerto 2024: {number(bills[0].people)} orang × 12 bulan dibayar "
        f"(Rp {number(sum(b.total for b in bills))})"
    )


def _late(demo: Demo) -> None:
    """A programme of this year whose money is late: three months in arrears now."""
    user = demo.users["operator.wunut"]
    admin = demo.users["nasional"]
    today = date.today()
    start = Month.of(today) + -3
    programme, _ = programme_create(
        user=user,
        region_code="33.10.19.2018",
        name=f"Jamsostek Pekerja Rentan Desa Wunut {today.year} (APBDes)",
        year=start.year,
        funder="apbdes",
        apbdes_source="add",
        first_month=start.first_day,
        months=6,
        legal_basis=f"Perdes Wunut (APBDes {start.year})",
    )
    decree_sign(
        user=user,
        decree=decree_draft(user=user, programme=programme),
        number=f"DEMO/KADES/{start.year}-2",
        signed_on=start.first_day,
    )
    months = [start + i for i in range(4)]
    bills = _bill_and_pay(programme, admin, months, tag="WNT", pay=False)
    _pay(bills[0], admin, day=bills[0].due_date, reference=f"SP2D/WNT/{start}")
    demo.say(
        f"  Desa Wunut {today.year}: {number(bills[0].people)} orang, "
        f"hanya {month_label(start)} dibayar — tunggakan 3 bulan, peringatan di beranda"
    )


def finance_build(demo: Demo) -> None:
    started = time.perf_counter()
    for step in (_kediri, _pekalongan, _cilegon, _mojokerto, _late):
        step(demo)
    demo.say(
        f"  {Bill.objects.count()} tagihan diterbitkan "
        f"({number(time.perf_counter() - started, 1)} detik)"
    )


__all__ = ["finance_build"]
