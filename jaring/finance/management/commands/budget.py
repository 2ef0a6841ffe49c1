"""``jaring budget --programme ID``: the DPA ceiling against billed, paid and projected, with a
simulator (issue 16)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from jaring.finance.management.commands._cli import FinanceCommand, common_options, programme_of
from jaring.finance.selectors.budget import Simulation, programme_budget
from jaring.programmes.management.commands._arguments import whole


class Command(FinanceCommand):
    help = "Anggaran (DPA): pagu, tagihan, pembayaran, proyeksi akhir tahun, dan simulasi."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--programme", required=True, help="Nomor program")
        parser.add_argument("--year", help="Tahun anggaran (bawaan: tahun program)")
        parser.add_argument("--more-people", help="Simulasi: tambah sekian orang")
        parser.add_argument("--jht", action="store_true", help="Simulasi: JHT untuk semua")
        parser.add_argument("--more-months", help="Simulasi: tambah sekian bulan")
        parser.add_argument("--category", default="", help="Simulasi: kategori pekerjaan lain")
        parser.add_argument("--category-people", help="Simulasi: jumlah orang kategori itu")
        common_options(parser)

    def _run(self, options: dict[str, Any], user: Any) -> dict[str, Any]:
        programme = programme_of(options["programme"], user)
        simulation = Simulation(
            more_people=whole(options["more_people"], "Tambahan orang") or 0,
            jht=options["jht"],
            more_months=whole(options["more_months"], "Tambahan bulan") or 0,
            category=options["category"].strip(),
            category_people=whole(options["category_people"], "Jumlah orang kategori") or 0,
        )
        year = whole(options["year"], "Tahun")
        return programme_budget(programme, year=year, simulation=simulation).as_dict()
