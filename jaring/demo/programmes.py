"""The programmes' part of the demo: the decrees of the seed reports, drafted from the registry
and signed through the same services as the pages and the command line.

- **Kota Kediri** (DBHCHT, Perwali 34/2023): the 2023 SK of 9,300 pekerja rentan for four
  months (Rp 624,960,000), and the 2024 version of 9,695 (+395, +4.25 %): members who died or
  passed 65 leave, newly listed workers come in.
- **Kota Pekalongan** (APBD, Perwal 19 B/2022): a target of 1,000, a budget that paid for 423;
  the 2023 programme with its target of 2,000, still a draft.
- **Kota Cilegon** (APBD 2024): seven categories with the counts the city reported (their sum,
  19,185, beside the 17,000 it announced).
- **Kabupaten Mojokerto**: the APBD programme, and a CSR sponsor's six-month GN Lingkaran
  package — three people a reviewer added although the APBD already covers them are flagged
  as covered twice.
- **Desa Wunut** (APBDes, ADD): the village's own programme.

Decree numbers are marked DEMO: they are not the real decrees' numbers. The registry has the
listed people (:mod:`jaring.demo.registry`); this step adds the lists each decree needs beyond
them (workers listed later, or young enough at the programme's start), through the import
pipeline like any list.
"""

from __future__ import annotations

import time
from datetime import date
from typing import TYPE_CHECKING

from jaring.core.formats import number
from jaring.demo.registry import _import, _mix
from jaring.programmes.models import (
    Decree,
    DecreeEntry,
    DecreeMember,
    DecreeStatus,
    EntryStatus,
    Programme,
)
from jaring.programmes.selectors import decree_diff
from jaring.programmes.services import (
    CategorySpec,
    decree_draft,
    decree_sign,
    entry_add,
    entry_remove,
    programme_create,
    programme_update,
)
from jaring.registry.models import OnExisting, Person, PersonStatus
from jaring.rules.months import Month
from jaring.synthetic.people import generate_people, write_clean_list

if TYPE_CHECKING:
    from jaring.accounts.models import User
    from jaring.demo.builder import Demo

KEDIRI_GROUPS = {
    "ketua_rt_rw": ("Ketua RT", "Ketua RW"),
    "kader": ("Kader Posyandu", "Kader PKK"),
    "guru_informal": ("Guru Ngaji", "Guru TPQ"),
    "becak": ("Tukang Becak",),
    "ojek_pangkalan": ("Ojek Pangkalan",),
    "tukang_parkir": ("Juru Parkir",),
    "pedagang_keliling": ("Pedagang Keliling",),
    "buruh_pabrik_rokok": ("Buruh Pabrik Rokok",),
    "buruh_harian_lepas": ("Buruh Harian Lepas",),
}
CILEGON_REPORTED = {
    "ketua_rt_rw": 1528,
    "kader": 2650,
    "adhoc_kpu": 11658,
    "adhoc_bawaslu": 1363,
    "nelayan": 332,
    "petugas_kebersihan": 61,
    "linmas": 1593,
}
CILEGON_ANNOUNCED = 17_000
PEKALONGAN_GROUPS = (
    "becak",
    "sopir_angkot",
    "tukang_pijat",
    "pengatur_lalu_lintas",
    "lebe_modin",
    "penggali_kubur",
    "buruh_harian_lepas",
    "kuli_bangunan",
    "pedagang_keliling",
    "kuli_panggul",
    "ojek_pangkalan",
)


def _supplement(
    demo: Demo,
    *,
    region: str,
    counts: dict[str, int],
    source: str,
    funder: str,
    user: User,
    on: date,
    seed: int,
) -> int:
    """Import a list of workers aged 18–65 on ``on`` (one per category count); returns how
    many people it registered."""
    mix = _mix(*((code, (code.replace("_", " ").title(),), n, 0.4) for code, n in counts.items()))
    people = generate_people(
        sum(counts.values()), regency=region, seed=seed, mix=mix, reference_date=on
    )
    path = demo.folder / f"tambahan-{region}-{seed}.csv"
    write_clean_list(people, path)
    batch = _import(
        path, region=region, source=source, funder=funder, user=user, on_existing=OnExisting.SKIP
    )
    return batch.created


def _sign(decree: Decree, user: User, number: str, day: date) -> Decree:
    return decree_sign(user=user, decree=decree, number=number, signed_on=day)


def _kediri(demo: Demo) -> None:
    user = demo.users["kediri"]
    per_group = dict.fromkeys(KEDIRI_GROUPS, 70)
    _supplement(
        demo,
        region="35.71",
        counts=per_group,
        source="Pemutakhiran data pekerja rentan Kota Kediri 2023",
        funder="dbhcht",
        user=user,
        on=date(2023, 9, 1),
        seed=demo.seed + 300,
    )
    programme, _ = programme_create(
        user=user,
        region_code="35.71",
        name="Jaminan Sosial Ketenagakerjaan Pekerja Rentan Kota Kediri (DBHCHT)",
        year=2023,
        funder="dbhcht",
        first_month=date(2023, 9, 1),
        months=4,
        quota=9_300,
        budget=9_300 * 16_800 * 4,
        target=9_300,
        legal_basis="Perwali Kediri 34/2023",
        categories=[CategorySpec(code) for code in KEDIRI_GROUPS],
    )
    first = _sign(
        decree_draft(user=user, programme=programme),
        user,
        "188/DEMO-01/419.033/2023",
        date(2023, 8, 28),
    )
    # Before 2024: some members died; the kelurahan proposed more workers.
    members = DecreeMember.objects.filter(decree=first).order_by("position")
    died = list(members.values_list("person_id", flat=True)[5:200:14])
    Person.objects.filter(pk__in=died).update(
        status=PersonStatus.DECEASED, status_reason="deceased", status_date=date(2023, 12, 31)
    )
    _supplement(
        demo,
        region="35.71",
        counts=dict.fromkeys(KEDIRI_GROUPS, 100),
        source="Usulan kelurahan 2024 — pekerja rentan Kota Kediri",
        funder="dbhcht",
        user=user,
        on=date(2024, 1, 1),
        seed=demo.seed + 301,
    )
    programme_update(
        user=user, programme=programme, months=12, quota=9_695, budget=9_695 * 16_800 * 8
    )
    draft = decree_draft(user=user, programme=programme)
    leaving = list(
        DecreeEntry.objects.filter(decree=draft, status=EntryStatus.INCLUDED, incumbent=True)
        .order_by("rank")
        .values_list("person_id", flat=True)[:2]
    )
    entry_remove(
        user=user,
        decree=draft,
        person_id=leaving[0],
        reason="formal_work",
        note="diterima bekerja di pabrik (penerima upah)",
    )
    entry_remove(user=user, decree=draft, person_id=leaving[1], reason="withdrew")
    second = _sign(draft, user, "188/DEMO-02/419.033/2023", date(2023, 12, 20))
    change = decree_diff(first, second)
    demo.say(
        f"  Kota Kediri: SK 2023 {number(first.people)} orang (Rp {number(first.total_iuran)}), "
        f"SK 2024 {number(second.people)} orang (+{number(second.people - first.people)}; "
        f"{number(change.added)} masuk, {number(change.removed)} keluar)"
    )


def _pekalongan(demo: Demo) -> None:
    user = demo.users["pekalongan"]
    _supplement(
        demo,
        region="33.75",
        counts=dict.fromkeys(PEKALONGAN_GROUPS, 6),
        source="Pendataan pekerja informal Kota Pekalongan 2022 (gelombang 2)",
        funder="apbd",
        user=user,
        on=date(2022, 1, 1),
        seed=demo.seed + 310,
    )
    programme, _ = programme_create(
        user=user,
        region_code="33.75",
        name="Jaminan Sosial Ketenagakerjaan Pekerja Informal Rentan Kota Pekalongan 2022",
        year=2022,
        funder="apbd",
        months=12,
        quota=1_000,
        target=1_000,
        budget=423 * 16_800 * 12,
        legal_basis="Perwal Pekalongan 19 B/2022",
        categories=[CategorySpec(code) for code in PEKALONGAN_GROUPS],
    )
    signed = _sign(
        decree_draft(user=user, programme=programme), user, "DEMO/19B/2022", date(2022, 1, 10)
    )
    next_year, _ = programme_create(
        user=user,
        region_code="33.75",
        name="Jaminan Sosial Ketenagakerjaan Pekerja Informal Rentan Kota Pekalongan 2023",
        year=2023,
        funder="apbd",
        months=12,
        quota=2_000,
        target=2_000,
        legal_basis="Perwal Pekalongan 19 B/2022",
        categories=[CategorySpec(code) for code in PEKALONGAN_GROUPS],
    )
    draft = decree_draft(user=user, programme=next_year)
    demo.say(
        f"  Kota Pekalongan: target 1.000, SK 2022 {number(signed.people)} orang (anggaran); "
        f"2023 target 2.000, draf {number(draft.people)} orang"
    )


def _cilegon(demo: Demo) -> None:
    user = demo.users["cilegon"]
    _supplement(
        demo,
        region="36.72",
        counts={code: n // 16 + 2 for code, n in CILEGON_REPORTED.items()},
        source="Pemutakhiran data pekerja rentan Kota Cilegon 2024",
        funder="apbd",
        user=user,
        on=date(2024, 1, 1),
        seed=demo.seed + 320,
    )
    programme, _ = programme_create(
        user=user,
        region_code="36.72",
        name="Jaminan Sosial Ketenagakerjaan Pekerja Rentan dan Penyelenggara Pemilu "
        "Kota Cilegon 2024",
        year=2024,
        funder="apbd",
        months=12,
        target=CILEGON_ANNOUNCED,
        categories=[CategorySpec(code, quota=n) for code, n in CILEGON_REPORTED.items()],
    )
    signed = _sign(
        decree_draft(user=user, programme=programme), user, "DEMO/APBD/2024", date(2024, 1, 5)
    )
    demo.say(
        f"  Kota Cilegon: {number(signed.people)} orang dalam 7 kategori "
        f"(jumlah kategori {number(sum(CILEGON_REPORTED.values()))}; "
        f"diumumkan {number(CILEGON_ANNOUNCED)})"
    )


def _mojokerto(demo: Demo) -> None:
    user = demo.users["mojokerto"]
    others = ("pedagang_keliling", "kuli_bangunan")
    apbd, _ = programme_create(
        user=user,
        region_code="35.16",
        name="Jaminan Sosial Ketenagakerjaan Petani Tembakau dan Pekerja Rentan "
        "Kabupaten Mojokerto 2024 (APBD)",
        year=2024,
        funder="apbd",
        months=12,
        legal_basis="Perbup Mojokerto (APBD 2024)",
        categories=[
            CategorySpec(code)
            for code in (
                "petani_tembakau",
                "buruh_tani_tembakau",
                "petani",
                "buruh_tani",
                "buruh_harian_lepas",
                "umkm",
            )
        ],
    )
    public = _sign(
        decree_draft(user=user, programme=apbd), user, "DEMO/APBD/2024", date(2024, 1, 3)
    )
    sponsor, _ = programme_create(
        user=user,
        region_code="35.16",
        name="Paket GN Lingkaran 6 bulan — pedagang keliling dan kuli bangunan",
        year=2024,
        funder="gn-lingkaran",
        sponsor="PT Contoh Sejahtera (CSR, data demo)",
        first_month=Month(2024, 7).first_day,
        months=6,
        quota=500,
        categories=[CategorySpec(code) for code in others],
    )
    draft = decree_draft(user=user, programme=sponsor)
    covered = DecreeMember.objects.filter(decree=public).order_by("position")
    for person_id in covered.values_list("person_id", flat=True)[:3]:
        entry_add(user=user, decree=draft, person_id=person_id, note="diusulkan donatur")
    package = _sign(draft, user, "DEMO/CSR/2024", date(2024, 6, 20))
    demo.say(
        f"  Kab. Mojokerto: APBD {number(public.people)} orang; paket CSR 6 bulan "
        f"{number(package.people)} orang (3 ditanggung ganda, ditandai)"
    )


def _wunut(demo: Demo) -> None:
    user = demo.users["operator.wunut"]
    programme, findings = programme_create(
        user=user,
        region_code="33.10.19.2018",
        name="Jamsostek Pekerja Rentan Desa Wunut 2024 (APBDes)",
        year=2024,
        funder="apbdes",
        apbdes_source="add",
        months=12,
        legal_basis="Perdes Wunut (APBDes 2024)",
    )
    signed = _sign(
        decree_draft(user=user, programme=programme), user, "DEMO/KADES/2024", date(2024, 1, 2)
    )
    demo.say(
        f"  Desa Wunut: {number(signed.people)} orang (APBDes, ADD; "
        f"{sum(1 for f in findings if f.severity == 'warning')} peringatan belum terverifikasi)"
    )


def programmes_build(demo: Demo) -> None:
    """The seed reports' programmes and decrees (see the module docstring)."""
    started = time.perf_counter()
    for step in (_kediri, _pekalongan, _cilegon, _mojokerto, _wunut):
        step(demo)
    demo.say(
        f"  {Programme.objects.count()} program, "
        f"{Decree.objects.filter(status=DecreeStatus.SIGNED).count()} SK ditandatangani "
        f"({number(time.perf_counter() - started, 1)} detik)"
    )


__all__ = ["programmes_build"]
