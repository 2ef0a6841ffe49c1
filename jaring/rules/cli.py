"""``jaring rules``: the statutory rules on the command line, without Django.

Human output is Indonesian first, amounts as ``Rp 16.800`` with the legal basis beside each;
``--json`` prints one JSON object with integer rupiah. Exit status: 0 done (a NIK with only
warnings is valid), 1 the input breaks a rule (invalid NIK, basis below the minimum, ...),
2 a usage error (malformed date, non-number income, unknown option value).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
import sys
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

from jaring.rules.benefits import (
    BenefitResult,
    jkk_death_benefit,
    jkk_partial_disability_benefit,
    jkk_total_disability_benefit,
    jkm_benefit,
    stmb_benefit,
    to_percent,
)
from jaring.rules.config import DEFAULT_CONFIG, FUNDERS, SECTORS
from jaring.rules.contributions import (
    ContributionPlan,
    contribution_for_cohort,
    last_month_of,
)
from jaring.rules.messages import Message
from jaring.rules.money import Amount, format_rupiah
from jaring.rules.months import Month
from jaring.rules.nik import NikCheck, check_nik
from jaring.rules.problems import SEX_LABELS, Problem, RulesInputError
from jaring.rules.scholarship import Child, parse_children
from jaring.rules.status import ProtectionStatus, parse_months, protection_status

PROG = "jaring rules"
#: The region table the foundation ships; used only here, to warn about unknown NIK regions.
REGIONS_CSV = (
    Path(__file__).resolve().parent.parent / "regions" / "data" / "wilayah_kemendagri_2025.csv.gz"
)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_RUPIAH_RE = re.compile(r"^(?:\d+|\d{1,3}(?:\.\d{3})+)$")
_SEVERITY_LABELS = {"error": "GALAT", "warning": "PERINGATAN", "info": "CATATAN"}


class _UsageError(Exception):
    """A usage error, reported as one line instead of argparse's usage dump."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{self.prog}: {message}")


# --- Argument types (each raises ArgumentTypeError with a bilingual one-line message) -----------


def _date(text: str) -> date:
    try:
        if not _DATE_RE.match(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"tanggal tidak valid / invalid date: {text!r} (YYYY-MM-DD)"
        ) from None


def _rupiah(text: str) -> int:
    cleaned = text.strip().removeprefix("Rp").strip()
    if not _RUPIAH_RE.match(cleaned):
        raise argparse.ArgumentTypeError(
            f"bukan jumlah rupiah / not a rupiah amount: {text!r} (e.g. 1000000)"
        )
    return int(cleaned.replace(".", ""))


def _count(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if not text.strip().isdigit() or int(text) < minimum:
            raise argparse.ArgumentTypeError(
                f"harus bilangan bulat >= {minimum} / must be a whole number >= {minimum}: {text!r}"
            )
        return int(text)

    return parse


def _percent(text: str) -> Decimal:
    try:
        return to_percent(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"bukan persentase / not a percentage: {text!r}") from None


def _children(text: str) -> tuple[Child, ...]:
    try:
        return parse_children(text)
    except RulesInputError as exc:
        raise argparse.ArgumentTypeError(
            "; ".join(f"{p.message.render('id')} / {p.message.render('en')}" for p in exc.problems)
        ) from None


def _months(text: str) -> tuple[Month, ...]:
    try:
        return parse_months(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"daftar bulan tidak valid / invalid month list: {text!r} (2024-01,2024-02 or "
            "2024-01..2024-06)"
        ) from None


# --- Output helpers ------------------------------------------------------------------------------


def _print_json(payload: dict[str, Any]) -> None:
    print(json.dumps(payload, ensure_ascii=False, indent=2))


def _problem_lines(problems: Sequence[Problem]) -> list[str]:
    lines: list[str] = []
    for problem in problems:
        lines.append(
            f"{_SEVERITY_LABELS[problem.severity]} {problem.code}: {problem.message.render('id')}"
        )
        lines.append(f"    (en) {problem.message.render('en')}")
    return lines


def _amount_lines(amounts: Sequence[Amount], reductions: Sequence[Amount] = ()) -> list[str]:
    """Aligned rows ``label  Rp 10.000  [basis]``; reductions are shown with a minus sign."""
    rows = [(a, format_rupiah(a.rupiah)) for a in amounts]
    rows += [(a, "- " + format_rupiah(a.rupiah)) for a in reductions]
    width = max((len(a.label.render("id")) for a, _ in rows), default=0)
    money_width = max((len(shown) for _, shown in rows), default=0)
    return [
        f"  {a.label.render('id'):<{width}}  {shown:>{money_width}}   [{a.basis.citation}]"
        for a, shown in rows
    ]


def _fail_rules(exc: RulesInputError, as_json: bool) -> int:
    if as_json:
        _print_json({"ok": False, "problems": [p.to_dict() for p in exc.problems]})
    for problem in exc.problems:
        print(
            f"{PROG}: {problem.code}: {problem.message.render('id')} / "
            f"{problem.message.render('en')}",
            file=sys.stderr,
        )
    return 1


# --- nik -----------------------------------------------------------------------------------------


def load_region_names(path: Path) -> dict[str, str]:
    """Dotted code -> name for provinces, kab/kota and kecamatan of the region CSV (gzip)."""
    names: dict[str, str] = {}
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["level"] in {"1", "2", "3"}:
                names[row["code"]] = row["name"]
    return names


def _regions_for(args: argparse.Namespace) -> dict[str, str] | None:
    if args.no_regions:
        return None
    path: Path = args.regions or REGIONS_CSV
    if not path.exists():
        if args.regions:
            raise _UsageError(f"{PROG} nik: file wilayah tidak ada / region file missing: {path}")
        return None
    try:
        return load_region_names(path)
    except (OSError, KeyError, csv.Error, UnicodeDecodeError) as exc:
        raise _UsageError(
            f"{PROG} nik: file wilayah tidak terbaca / unreadable region file {path}: {exc}"
        ) from None


def _run_nik(args: argparse.Namespace) -> int:
    regions = _regions_for(args)
    result: NikCheck = check_nik(
        args.nik,
        birth_date=args.birth_date,
        sex=args.sex,
        known_regions=regions,
        reference_date=args.on,
    )
    if args.json:
        payload = result.to_dict()
        payload["region_table"] = "loaded" if regions is not None else "not used"
        _print_json(payload)
    else:
        shown = result.nik or result.input.cleaned or result.input.raw
        verdict = "SAH (valid)" if result.valid else "TIDAK SAH (invalid)"
        print(f"NIK {shown}: {verdict}")
        parsed = result.parsed
        if parsed is not None:

            def named(code: str) -> str:
                name = regions.get(code) if regions else None
                return f"{code} {name}" if name else code

            print(f"  Provinsi: {named(parsed.province_code)}")
            print(f"  Kabupaten/kota: {named(parsed.kabkota_code)}")
            print(f"  Kecamatan: {named(parsed.kecamatan_code)}")
            sex = Message(SEX_LABELS[parsed.sex])
            print(f"  Jenis kelamin / sex: {sex.render('id')} ({parsed.sex})")
            print(f"  Tanggal lahir / birth date: {parsed.birth_date.isoformat()}")
            print(f"  Nomor urut / serial: {parsed.serial:04d}")
        if regions is None:
            print("  (tabel wilayah tidak dipakai / region table not used)")
        print(f"  Dasar hukum: {result.basis.citation}")
        for line in _problem_lines(result.problems):
            print(line)
    return 0 if result.valid else 1


# --- contribution --------------------------------------------------------------------------------


def _run_contribution(args: argparse.Namespace) -> int:
    first = Month.of(args.date or date.today())
    try:
        plan: ContributionPlan = contribution_for_cohort(
            args.people,
            args.income,
            first,
            last_month_of(first, args.months),
            jht=args.jht,
            sector=args.sector,
            funder=args.funder,
            config=DEFAULT_CONFIG,
        )
    except RulesInputError as exc:
        return _fail_rules(exc, args.json)
    if args.json:
        _print_json(plan.to_dict())
        return 0
    count = len(plan.months)
    period = str(plan.first_month) if count == 1 else f"{plan.first_month} s.d. {plan.last_month}"
    people = f"{plan.people:,}".replace(",", ".")
    print(f"Iuran BPU / BPU contribution: {people} peserta × {count} bulan ({period})")
    print(f"  Sektor: {args.sector} · Sumber dana / funder: {args.funder}")
    for row in _amount_lines(plan.lines, plan.reductions):
        print(row)
    if count > 1:
        print("  Per bulan per orang / per month per person:")
        for month in plan.months:
            print(f"    {month.month}: {format_rupiah(month.total)}")
    print(f"  Jumlah per orang / per person: {format_rupiah(plan.per_person)}")
    print(f"  Jumlah / total: {format_rupiah(plan.total)}")
    for line in _problem_lines(plan.problems):
        print(line)
    return 0


# --- benefit -------------------------------------------------------------------------------------


def _print_benefit(result: BenefitResult, title: str, as_json: bool) -> int:
    if as_json:
        _print_json(result.to_dict())
        return 0
    print(f"{title} — {result.event_date.isoformat()} (aturan {result.era})")
    if result.tenure_months is not None:
        print(f"  Masa kepesertaan / membership: {result.tenure_months} bulan penuh")
    for row in _amount_lines(result.lines):
        print(row)
    print(f"  Jumlah dibayar sekarang / total now: {format_rupiah(result.total)}")
    grant = result.scholarship
    if grant is not None:
        if grant.eligible and grant.now:
            print("  Beasiswa / scholarship:")
            for row in _amount_lines([*grant.now, *grant.maximum]):
                print("  " + row)
            print(
                f"  Beasiswa tahun ini / this year: {format_rupiah(grant.now_total)}; "
                f"paling banyak / at most: {format_rupiah(grant.maximum_total)}"
            )
        else:
            print("  Beasiswa / scholarship: tidak ada / none")
        for line in _problem_lines(grant.problems):
            print(line)
    for line in _problem_lines(result.problems):
        print(line)
    return 0


def _run_benefit(args: argparse.Namespace) -> int:
    try:
        if args.benefit == "jkm":
            result = jkm_benefit(
                death_date=args.death_date,
                membership_start=args.membership_start,
                children=args.children,
                funder=args.funder,
            )
            title = "JKM (meninggal bukan karena kecelakaan kerja)"
        elif args.benefit == "jkk-death":
            result = jkk_death_benefit(
                income=args.income, accident_date=args.date, children=args.children
            )
            title = "JKK — meninggal karena kecelakaan kerja"
        elif args.benefit == "jkk-disability":
            if args.total:
                result = jkk_total_disability_benefit(
                    income=args.income, accident_date=args.date, children=args.children
                )
                title = "JKK — cacat total tetap"
            else:
                result = jkk_partial_disability_benefit(
                    income=args.income,
                    accident_date=args.date,
                    percent=args.percent,
                    body_part=args.body_part,
                    function_loss=args.function_loss,
                )
                title = "JKK — cacat sebagian"
        else:
            first, last = (args.month, args.month) if args.month else (1, args.months)
            result = stmb_benefit(
                income=args.income, accident_date=args.date, first_month=first, last_month=last
            )
            title = "JKK — santunan sementara tidak mampu bekerja (STMB)"
    except RulesInputError as exc:
        return _fail_rules(exc, args.json)
    return _print_benefit(result, title, args.json)


# --- status --------------------------------------------------------------------------------------


def _run_status(args: argparse.Namespace) -> int:
    result: ProtectionStatus = protection_status(
        args.paid_months, args.on or date.today(), jht_claimed=args.jht_claimed
    )
    if args.json:
        _print_json(result.to_dict())
        return 0
    print(
        f"Status perlindungan / protection status {result.on.isoformat()}: "
        f"{result.label.render('id')} ({result.label.render('en')})"
    )
    print(f"  Terakhir dibayar / last paid: {result.last_paid or '-'}")
    if result.paid_through:
        print(f"  Lunas s.d. / paid through: {result.paid_through}")
    if result.arrears:
        print(
            f"  Tunggakan yang masih bisa dibayar / payable arrears: "
            f"{', '.join(str(m) for m in result.arrears)}"
        )
    if result.lapse_month:
        print(f"  Berakhir mulai / ends from: {result.lapse_month} (bila tidak dibayar)")
    if result.spell_start:
        print(f"  Awal kepesertaan berjalan / current membership since: {result.spell_start}")
    covered = {True: "ya / yes", False: "tidak / no", None: "belum pasti / not certain"}
    print(f"  Risiko hari ini ditanggung / covered today: {covered[result.covered]}")
    print(f"  Dasar hukum: {result.basis.citation}")
    for line in _problem_lines(result.problems):
        print(line)
    return 0


# --- parser --------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Aturan iuran dan manfaat BPJS Ketenagakerjaan BPU (tanpa Django).",
    )
    parser.add_argument("--json", action="store_true", help="cetak JSON / print JSON")
    json_parent = _Parser(add_help=False)
    json_parent.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="cetak JSON / print JSON"
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    nik = commands.add_parser("nik", parents=[json_parent], help="periksa NIK / check a NIK")
    nik.add_argument("nik", help="NIK (16 digit)")
    nik.add_argument("--birth-date", type=_date, help="tanggal lahir tercatat (YYYY-MM-DD)")
    nik.add_argument("--sex", type=str.upper, choices=sorted(SEX_LABELS), help="L atau P")
    nik.add_argument("--on", type=_date, help="tanggal acuan abad / reference date for century")
    nik.add_argument("--regions", type=Path, help="CSV wilayah (gzip) / region table")
    nik.add_argument("--no-regions", action="store_true", help="lewati cek wilayah")
    nik.set_defaults(handler=_run_nik)

    contribution = commands.add_parser(
        "contribution", parents=[json_parent], help="hitung iuran / compute contributions"
    )
    contribution.add_argument("--income", type=_rupiah, required=True, help="dasar penghasilan")
    contribution.add_argument("--jht", action="store_true", help="ikut JHT 2%%")
    contribution.add_argument("--months", type=_count(1), default=1, help="jumlah bulan")
    contribution.add_argument("--date", type=_date, help="bulan pertama (tanggal di dalamnya)")
    contribution.add_argument("--sector", choices=SECTORS, default="other")
    contribution.add_argument("--funder", choices=FUNDERS, default="self")
    contribution.add_argument("--people", type=_count(0), default=1, help="jumlah peserta")
    contribution.set_defaults(handler=_run_contribution)

    benefit = commands.add_parser("benefit", help="hitung manfaat / compute a benefit")
    kinds = benefit.add_subparsers(dest="benefit", required=True, parser_class=_Parser)
    benefit.set_defaults(handler=_run_benefit)

    jkm = kinds.add_parser("jkm", parents=[json_parent], help="JKM (kematian)")
    jkm.add_argument("--death-date", type=_date, required=True)
    jkm.add_argument("--membership-start", type=_date, required=True)
    jkm.add_argument("--children", type=_children, default=(), help="mis. sd,smp:2,belum")
    jkm.add_argument("--funder", choices=FUNDERS)

    jkk_death = kinds.add_parser("jkk-death", parents=[json_parent], help="JKK meninggal")
    jkk_death.add_argument("--income", type=_rupiah, required=True, help="upah W")
    jkk_death.add_argument("--date", type=_date, required=True, help="tanggal kecelakaan")
    jkk_death.add_argument("--children", type=_children, default=())

    disability = kinds.add_parser("jkk-disability", parents=[json_parent], help="JKK cacat")
    disability.add_argument("--income", type=_rupiah, required=True, help="upah W")
    disability.add_argument("--date", type=_date, required=True, help="tanggal kecelakaan")
    which = disability.add_mutually_exclusive_group(required=True)
    which.add_argument("--total", action="store_true", help="cacat total tetap")
    which.add_argument("--percent", type=_percent, help="% tabel Lampiran III")
    which.add_argument("--body-part", help="bagian tubuh di tabel yang dikonfigurasi")
    disability.add_argument("--function-loss", type=_percent, help="% hilangnya fungsi")
    disability.add_argument("--children", type=_children, default=())

    stmb = kinds.add_parser("stmb", parents=[json_parent], help="STMB")
    stmb.add_argument("--income", type=_rupiah, required=True, help="upah W")
    stmb.add_argument("--date", type=_date, required=True, help="tanggal kecelakaan")
    months = stmb.add_mutually_exclusive_group()
    months.add_argument("--month", type=_count(1), help="bulan ke-M saja")
    months.add_argument("--months", type=_count(1), default=1, help="bulan 1 s.d. N")

    status = commands.add_parser("status", parents=[json_parent], help="status perlindungan")
    status.add_argument("--paid-months", type=_months, required=True, help="2024-01,2024-02,...")
    status.add_argument("--on", type=_date, help="tanggal (default hari ini)")
    status.add_argument("--jht-claimed", action="store_true", help="JHT sudah diklaim")
    status.set_defaults(handler=_run_status)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command == "benefit" and args.benefit == "jkk-disability":
            if args.total and args.function_loss is not None:
                raise _UsageError(f"{PROG} benefit jkk-disability: --function-loss needs --percent")
            if not args.total and args.children:
                raise _UsageError(f"{PROG} benefit jkk-disability: --children needs --total")
        handler: Callable[[argparse.Namespace], int] = args.handler
        return handler(args)
    except _UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help; argparse exits with status 0
        return int(exc.code or 0)
