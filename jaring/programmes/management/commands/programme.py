"""``jaring programme create|update|list``: programmes from the command line (see issue 15)."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jaring.programmes.errors import ProgrammeError
from jaring.programmes.management.commands._arguments import (
    acting_user,
    day,
    month,
    rupiah,
    whole,
)
from jaring.programmes.messages import finding_text
from jaring.programmes.models import Decree, DecreeStatus, Programme
from jaring.programmes.selectors import programmes_visible
from jaring.programmes.services import CategorySpec, programme_create, programme_update
from jaring.rules.programmes import APBDES_SOURCES, PROGRAMME_FUNDERS, WADAH_TYPES_ALL, Finding


def _options(parser: ArgumentParser, *, create: bool) -> None:
    parser.add_argument("--region", required=create, help="Kode wilayah pemilik, mis. 35.71")
    parser.add_argument("--name", required=create, help="Nama program")
    parser.add_argument("--year", required=create, help="Tahun anggaran (TTTT)")
    parser.add_argument(
        "--funder", required=create, help="Sumber dana: " + "|".join(PROGRAMME_FUNDERS)
    )
    parser.add_argument("--sponsor", help="Nama donatur (CSR, BUMN/BUMD, GN Lingkaran)")
    parser.add_argument("--start", help="Bulan pertama, TTTT-BB (bawaan: Januari tahun itu)")
    parser.add_argument("--months", help="Jumlah bulan (bawaan 12)")
    parser.add_argument("--quota", help="Kuota orang")
    parser.add_argument("--budget", help="Pagu anggaran (Rp)")
    parser.add_argument("--target", help="Target orang (pemantauan)")
    parser.add_argument(
        "--categories",
        help="Kategori pekerjaan, KODE[:KUOTA],… dalam urutan prioritas, mis. becak:100,kader",
    )
    parser.add_argument("--age-min", help="Usia minimum pada bulan pertama (bawaan 18)")
    parser.add_argument("--age-max", help="Usia maksimum pada bulan pertama (bawaan 65)")
    parser.add_argument("--legal-basis", help="Dasar hukum, mis. 'Perwali 34/2023'")
    parser.add_argument("--legal-basis-date", help="Tanggal dasar hukum, TTTT-BB-HH")
    parser.add_argument("--income-basis", help="Dasar penghasilan (bawaan Rp 1.000.000)")
    parser.add_argument("--apbdes-source", help="Untuk APBDes: " + "|".join(APBDES_SOURCES))
    parser.add_argument("--wadah", help="Jenis wadah BPJS: " + "|".join(WADAH_TYPES_ALL))
    parser.add_argument(
        "--jht", action="store_true", default=None, help="Termasuk JHT (2 %% dasar penghasilan)"
    )
    parser.add_argument("--user", help="Bertindak sebagai pengguna ini (wilayah dan perannya)")
    parser.add_argument("--json", action="store_true", help="Hasil sebagai JSON")


def _categories(text: str | None) -> list[CategorySpec] | None:
    if text is None:
        return None
    specs = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        code, _, quota = part.partition(":")
        specs.append(CategorySpec(code.strip(), whole(quota, f"Kuota {code}") if quota else None))
    return specs


def _fields(options: dict[str, Any]) -> dict[str, Any]:
    """The programme fields given on the command line (absent ones are left out)."""
    start = month(options["start"], "Bulan pertama")
    values: dict[str, Any] = {
        "name": options["name"],
        "year": whole(options["year"], "Tahun"),
        "funder": options["funder"],
        "sponsor": options["sponsor"],
        "first_month": start.first_day if start else None,
        "months": whole(options["months"], "Jumlah bulan"),
        "quota": whole(options["quota"], "Kuota"),
        "budget": rupiah(options["budget"], "Anggaran"),
        "target": whole(options["target"], "Target"),
        "age_min": whole(options["age_min"], "Usia minimum"),
        "age_max": whole(options["age_max"], "Usia maksimum"),
        "legal_basis": options["legal_basis"],
        "legal_basis_date": day(options["legal_basis_date"], "Tanggal dasar hukum"),
        "income_basis": rupiah(options["income_basis"], "Dasar penghasilan"),
        "apbdes_source": options["apbdes_source"],
        "wadah": options["wadah"],
        "jht": options["jht"],
    }
    return {k: v for k, v in values.items() if v is not None}


def programme_dict(programme: Programme, findings: tuple[Finding, ...] = ()) -> dict[str, Any]:
    current = (
        Decree.objects.filter(programme=programme, status=DecreeStatus.SIGNED)
        .order_by("-version")
        .first()
    )
    return {
        "programme": programme.pk,
        "name": programme.name,
        "region": programme.region_id,
        "year": programme.year,
        "funder": programme.funder,
        "sponsor": programme.sponsor,
        "wadah": programme.wadah,
        "legal_basis": programme.legal_basis,
        "first_month": f"{programme.first_month:%Y-%m}",
        "months": programme.months,
        "last_month": f"{programme.last_month:%Y-%m}",
        "quota": programme.quota,
        "budget": programme.budget,
        "target": programme.target,
        "age_min": programme.age_min,
        "age_max": programme.age_max,
        "income_basis": programme.income_basis,
        "jht": programme.jht,
        "categories": [
            {"code": c.category_id, "quota": c.quota, "priority": c.priority}
            for c in programme.categories.all()
        ],
        "signed_version": current.version if current else None,
        "people": current.people if current else 0,
        "findings": [
            {"code": f.code, "severity": f.severity, "message": finding_text(f)} for f in findings
        ],
    }


class Command(BaseCommand):
    help = "Program perlindungan pekerja rentan: buat, ubah, daftar."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        _options(sub.add_parser("create", help="Buat program baru"), create=True)
        update = sub.add_parser("update", help="Ubah program")
        update.add_argument("id", help="Nomor program")
        _options(update, create=False)
        listing = sub.add_parser("list", help="Daftar program")
        listing.add_argument("--region", help="Hanya wilayah ini (dan di dalamnya)")
        listing.add_argument("--user", help="Bertindak sebagai pengguna ini")
        listing.add_argument("--json", action="store_true", help="Hasil sebagai JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        user = acting_user(options.get("user"))
        try:
            if options["action"] == "list":
                self._list(options, user)
                return
            if options["action"] == "create":
                fields = _fields(options)
                programme, findings = programme_create(
                    user=user,
                    region_code=options["region"],
                    categories=_categories(options["categories"]) or (),
                    **fields,
                )
            else:
                programme = _programme(options["id"], user)
                fields = _fields(options)
                if options["region"]:
                    fields["region_code"] = options["region"]
                programme, findings = programme_update(
                    user=user,
                    programme=programme,
                    categories=_categories(options["categories"]),
                    **fields,
                )
        except ProgrammeError as exc:
            raise CommandError(str(exc)) from exc
        result = programme_dict(programme, findings)
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        verb = "dibuat" if options["action"] == "create" else "diubah"
        self.stdout.write(
            f"Program #{programme.pk} {verb}: {programme.name} ({programme.region_id}, "
            f"{programme.year}, {programme.get_funder_display()}), {result['first_month']} "
            f"s.d. {result['last_month']}"
        )
        for finding in findings:
            self.stdout.write(f"  {finding.severity}: {finding_text(finding)}")

    def _list(self, options: dict[str, Any], user: Any) -> None:
        from jaring.core.scoping import within_q

        programmes = (
            programmes_visible(user) if user is not None else Programme.objects.all()
        ).prefetch_related("categories")
        if options["region"]:
            programmes = programmes.filter(within_q("region", [options["region"]]))
        rows = [programme_dict(p) for p in programmes.order_by("region_id", "-year", "id")]
        if options["json"]:
            self.stdout.write(json.dumps({"programmes": rows}, ensure_ascii=False))
            return
        for row in rows:
            self.stdout.write(
                f"#{row['programme']} {row['region']} {row['year']} {row['name']} — "
                f"{row['funder']}, {row['people']:,} orang (versi {row['signed_version'] or '-'})"
            )


def _programme(text: str, user: Any) -> Programme:
    pk = whole(text, "Nomor program") or 0
    programmes = programmes_visible(user) if user is not None else Programme.objects.all()
    programme = programmes.filter(pk=pk).first()
    if programme is None:
        raise CommandError(f"Program #{text} tidak ada.")
    return programme
