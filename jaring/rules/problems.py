"""The one registry of problem codes every rule check reports, with both messages.

Codes are stable UPPER_SNAKE strings: pages, imports and exports key on them, so never rename
one; add a new code instead. The import pipeline builds the same messages for its column-wise
checks through :func:`make_problem` / :func:`nik_problem`, so a row checked there reads exactly
like a row checked here.

Severity: ``error`` makes the input unusable, ``warning`` asks a person to look, ``info``
explains a rule that changed the result (including every unverified assumption taken from
:class:`~jaring.rules.config.RulesConfig`).
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True)
class ProblemSpec:
    """A registered code: default severity, the field it concerns, and message templates."""

    code: str
    severity: Severity
    field: str | None
    template_id: str
    template_en: str

    @property
    def params(self) -> tuple[str, ...]:
        """Names of the ``{placeholders}`` both templates need."""
        names = {
            name
            for template in (self.template_id, self.template_en)
            for _, name, _, _ in string.Formatter().parse(template)
            if name
        }
        return tuple(sorted(names))


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding of a check, ready to show (Indonesian first) or to store by ``code``."""

    code: str
    severity: Severity
    message_id: str
    message_en: str
    field: str | None
    params: tuple[tuple[str, str], ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message_id": self.message_id,
            "message_en": self.message_en,
            "field": self.field,
            "params": dict(self.params),
        }


class RulesInputError(ValueError):
    """Raised by a calculation whose input has at least one error-severity problem."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.code}: {p.message_en}" for p in problems))


def _spec(
    code: str, severity: Severity, field: str | None, msg_id: str, msg_en: str
) -> ProblemSpec:
    return ProblemSpec(code, severity, field, msg_id, msg_en)


_SPECS: tuple[ProblemSpec, ...] = (
    # --- NIK: how the value arrived (spreadsheet damage) -----------------------------------------
    _spec(
        "NIK_EMPTY",
        "error",
        "nik",
        "NIK kosong.",
        "NIK is empty.",
    ),
    _spec(
        "NIK_SCIENTIFIC_NOTATION",
        "error",
        "nik",
        "NIK tertulis dalam notasi ilmiah ({value}): digit aslinya sudah hilang di spreadsheet "
        "dan tidak bisa dipulihkan. Ketik ulang NIK dari KTP/KK pada sel berformat teks.",
        "NIK is in scientific notation ({value}): the spreadsheet has lost its digits and they "
        "cannot be recovered. Re-type the NIK from the ID card into a text-formatted cell.",
    ),
    _spec(
        "NIK_FROM_NUMBER",
        "warning",
        "nik",
        "NIK dibaca dari sel angka, bukan teks: mungkin sudah rusak. Cocokkan dengan KTP/KK.",
        "NIK was read from a number cell, not text: it may be damaged. Check it against the "
        "ID card.",
    ),
    _spec(
        "NIK_FROM_NUMBER_ZERO_END",
        "warning",
        "nik",
        "NIK dari sel angka berakhir dengan 0: Excel hanya menyimpan 15 digit, sehingga digit "
        "ke-16 kemungkinan besar telah diganti 0.",
        "NIK from a number cell ends in 0: Excel keeps only 15 digits, so the 16th digit has "
        "probably been replaced by 0.",
    ),
    _spec(
        "NIK_FROM_NUMBER_BEYOND_FLOAT",
        "warning",
        "nik",
        "NIK dari sel angka melebihi 2^53 (provinsi 91-96): angka sebesar ini tidak tersimpan "
        "persis sebagai bilangan pecahan, digit terakhir mungkin bergeser.",
        "NIK from a number cell exceeds 2^53 (provinces 91-96): such numbers are not stored "
        "exactly as floating point, the last digit may be off.",
    ),
    _spec(
        "NIK_DIGITS_LOST",
        "error",
        "nik",
        "NIK dari sel angka hanya {length} digit: digit sudah hilang (mis. angka terpotong atau "
        "dibulatkan). Ketik ulang dari KTP/KK.",
        "NIK from a number cell has only {length} digits: digits were lost (e.g. a truncated or "
        "rounded number). Re-type it from the ID card.",
    ),
    # --- NIK: structure ---------------------------------------------------------------------------
    _spec(
        "NIK_NOT_DIGITS",
        "error",
        "nik",
        "NIK hanya boleh berisi angka; ditemukan: {characters}.",
        "NIK may contain digits only; found: {characters}.",
    ),
    _spec(
        "NIK_LENGTH",
        "error",
        "nik",
        "NIK harus 16 digit, bukan {length}.",
        "NIK must have 16 digits, not {length}.",
    ),
    _spec(
        "NIK_PROVINCE_UNKNOWN",
        "error",
        "nik",
        "Kode provinsi {province} pada NIK tidak dikenal.",
        "Province code {province} in the NIK is unknown.",
    ),
    _spec(
        "NIK_KABKOTA_ZERO",
        "error",
        "nik",
        "Kode kabupaten/kota pada NIK tidak boleh 00.",
        "The kabupaten/kota code in the NIK cannot be 00.",
    ),
    _spec(
        "NIK_KECAMATAN_ZERO",
        "error",
        "nik",
        "Kode kecamatan pada NIK tidak boleh 00.",
        "The kecamatan code in the NIK cannot be 00.",
    ),
    _spec(
        "NIK_DAY_INVALID",
        "error",
        "nik",
        "Digit tanggal lahir {day} tidak mungkin (01-31 untuk laki-laki, 41-71 untuk perempuan).",
        "Birth-day digits {day} are impossible (01-31 for men, 41-71 for women).",
    ),
    _spec(
        "NIK_MONTH_INVALID",
        "error",
        "nik",
        "Digit bulan lahir {month} tidak mungkin (01-12).",
        "Birth-month digits {month} are impossible (01-12).",
    ),
    _spec(
        "NIK_DATE_IMPOSSIBLE",
        "error",
        "nik",
        "Tanggal lahir pada NIK tidak ada di kalender: {day}-{month}-{year}.",
        "The birth date in the NIK does not exist: {day}-{month}-{year}.",
    ),
    _spec(
        "NIK_SERIAL_ZERO",
        "error",
        "nik",
        "Nomor urut NIK (4 digit terakhir) tidak boleh 0000.",
        "The NIK serial (last 4 digits) cannot be 0000.",
    ),
    # --- NIK: warnings against other data ---------------------------------------------------------
    _spec(
        "NIK_BIRTH_DATE_MISMATCH",
        "warning",
        "birth_date",
        "Tanggal lahir pada NIK ({nik_date}) berbeda dengan tanggal lahir yang dicatat "
        "({stated_date}). NIK tidak diubah walau tanggalnya keliru; periksa data.",
        "The birth date in the NIK ({nik_date}) differs from the recorded birth date "
        "({stated_date}). A NIK is never corrected even if its date is wrong; check the data.",
    ),
    _spec(
        "NIK_SEX_MISMATCH",
        "warning",
        "sex",
        "Jenis kelamin menurut NIK ({nik_sex}) berbeda dengan yang dicatat ({stated_sex}).",
        "The sex encoded in the NIK ({nik_sex_en}) differs from the recorded sex "
        "({stated_sex_en}).",
    ),
    _spec(
        "NIK_KABKOTA_UNKNOWN",
        "warning",
        "nik",
        "Kode kabupaten/kota {region} pada NIK tidak ada di tabel wilayah sekarang. NIK memakai "
        "kode saat diterbitkan (mis. pemekaran), jadi ini hanya peringatan.",
        "Kabupaten/kota code {region} in the NIK is not in today's region table. A NIK keeps the "
        "code of issuance (e.g. after a region split), so this is only a warning.",
    ),
    _spec(
        "NIK_KECAMATAN_UNKNOWN",
        "warning",
        "nik",
        "Kode kecamatan {region} pada NIK tidak ada di tabel wilayah sekarang (NIK memakai kode "
        "saat diterbitkan).",
        "Kecamatan code {region} in the NIK is not in today's region table (a NIK keeps the code "
        "of issuance).",
    ),
    # --- Contributions ----------------------------------------------------------------------------
    _spec(
        "INCOME_BASIS_BELOW_MINIMUM",
        "error",
        "income",
        "Dasar penghasilan {income} di bawah minimum Rp 1.000.000.",
        "Income basis {income} is below the minimum of Rp 1.000.000.",
    ),
    _spec(
        "INCOME_BASIS_NOT_LISTED",
        "error",
        "income",
        "Dasar penghasilan {income} tidak ada di daftar dasar penghasilan yang diizinkan "
        "({allowed}). Tabel Lampiran II PP 44/2015 belum terverifikasi (pertanyaan terbuka Q1).",
        "Income basis {income} is not in the admissible list ({allowed}). The table of "
        "Lampiran II PP 44/2015 is unverified (open question Q1).",
    ),
    _spec(
        "INCOME_NOT_POSITIVE",
        "error",
        "income",
        "Upah/penghasilan harus lebih dari 0, bukan {income}.",
        "The wage/income must be above 0, not {income}.",
    ),
    _spec(
        "DATE_BEFORE_PROGRAMME",
        "error",
        "date",
        "Tanggal {date} sebelum PP 44/2015 berlaku (1 Juli 2015): aturan ini tidak menghitungnya.",
        "Date {date} is before PP 44/2015 took effect (1 July 2015): these rules do not cover it.",
    ),
    _spec(
        "MONTH_COUNT_INVALID",
        "error",
        "months",
        "Jumlah bulan harus minimal 1, bukan {months}.",
        "The number of months must be at least 1, not {months}.",
    ),
    _spec(
        "MONTH_RANGE_REVERSED",
        "error",
        "months",
        "Bulan akhir {last} sebelum bulan awal {first}.",
        "End month {last} is before start month {first}.",
    ),
    _spec(
        "PEOPLE_COUNT_INVALID",
        "error",
        "people",
        "Jumlah peserta tidak boleh negatif: {people}.",
        "The number of participants cannot be negative: {people}.",
    ),
    _spec(
        "SECTOR_UNKNOWN",
        "error",
        "sector",
        "Sektor {sector} tidak dikenal (transport atau other).",
        "Unknown sector {sector} (transport or other).",
    ),
    _spec(
        "FUNDER_UNKNOWN",
        "error",
        "funder",
        "Sumber dana {funder} tidak dikenal ({allowed}).",
        "Unknown funding source {funder} ({allowed}).",
    ),
    _spec(
        "PP50_FUNDER_EXCLUDED",
        "info",
        "funder",
        "Iuran dibayar dari {funder_label}: tidak mendapat potongan 50% PP 50/2025 (peserta yang "
        "dibiayai APBN/APBD dikecualikan), jadi iuran penuh.",
        "Contribution paid from {funder_label}: no PP 50/2025 50 % discount (participants funded "
        "by APBN/APBD are excluded), so the full rate applies.",
    ),
    _spec(
        "ASSUMPTION_PP50_FUNDER",
        "info",
        "funder",
        "Asumsi (Q5, belum terverifikasi): peserta yang dibiayai {funder_label} dianggap "
        "{decision_id} potongan PP 50/2025.",
        "Assumption (Q5, unverified): participants funded by {funder_label} are treated as "
        "{decision_en} the PP 50/2025 discount.",
    ),
    _spec(
        "ASSUMPTION_PP49_PERIOD",
        "info",
        "month",
        "Asumsi: keringanan 99% PP 49/2020 berlaku {first}-{last} (periode belum terverifikasi; "
        "syarat lunas iuran s.d. Juli 2020 tidak diperiksa).",
        "Assumption: the PP 49/2020 99 % relief applies {first} to {last} (period unverified; "
        "the condition of contributions paid up to July 2020 is not checked).",
    ),
    _spec(
        "ROUNDING_APPLIED",
        "info",
        None,
        "Hasil persentase dibulatkan ({mode}); cara pembulatan resmi belum terverifikasi.",
        "A percentage result was rounded ({mode}); the official rounding mode is unverified.",
    ),
    # --- Benefits ---------------------------------------------------------------------------------
    _spec(
        "DEATH_BEFORE_MEMBERSHIP",
        "error",
        "death_date",
        "Tanggal meninggal {death_date} sebelum awal kepesertaan {membership_start}.",
        "Date of death {death_date} is before the start of membership {membership_start}.",
    ),
    _spec(
        "JKM_QUALIFYING_PERIOD",
        "info",
        "membership_start",
        "Masa kepesertaan {tenure} bulan penuh (kurang dari 3 bulan): menurut Permenaker 1/2025 "
        "ahli waris hanya menerima {reduced_total}, bukan JKM penuh.",
        "Membership of {tenure} complete month(s) (under 3 months): under Permenaker 1/2025 the "
        "heirs receive only {reduced_total}, not the full JKM.",
    ),
    _spec(
        "ASSUMPTION_JKM_QUALIFYING",
        "info",
        "death_date",
        "Asumsi (Q3): Permenaker 1/2025 dianggap berlaku sejak {in_force}; batas: manfaat "
        "dikurangi bila masa kepesertaan {boundary_id} {months} bulan penuh.",
        "Assumption (Q3): Permenaker 1/2025 is taken to apply from {in_force}; boundary: the "
        "benefit is reduced when membership is {boundary_en} {months} complete months.",
    ),
    _spec(
        "ASSUMPTION_JKK_DEATH_FLOOR",
        "info",
        "income",
        "Asumsi (Q4): santunan kematian JKK minimal sebesar {floor_label} ({floor}); "
        "batas minimum ini dipakai karena 48 x upah lebih kecil.",
        "Assumption (Q4): the JKK death lump sum is at least {floor_label_en} ({floor}); this "
        "floor applies because 48 x wage is smaller.",
    ),
    _spec(
        "SCHOLARSHIP_TENURE_SHORT",
        "info",
        "membership_start",
        "Beasiswa JKM butuh masa iur minimal {required} bulan; baru {tenure} bulan: tidak ada "
        "beasiswa.",
        "The JKM scholarship needs at least {required} months of contributions; only {tenure}: "
        "no scholarship.",
    ),
    _spec(
        "SCHOLARSHIP_CHILDREN_LIMIT",
        "warning",
        "children",
        "Beasiswa paling banyak untuk {limit} anak; {given} anak diberikan, hanya {limit} "
        "pertama yang dihitung.",
        "Scholarships cover at most {limit} children; {given} were given, only the first "
        "{limit} are counted.",
    ),
    _spec(
        "SCHOLARSHIP_ENDS",
        "info",
        "children",
        "Beasiswa berhenti bila anak berusia 23 tahun, menikah atau bekerja; jumlah maksimum "
        "mengandaikan anak terus bersekolah sampai S1.",
        "The scholarship stops when the child turns 23, marries or works; the maximum assumes "
        "the child stays in school up to a bachelor's degree.",
    ),
    _spec(
        "SCHOOL_LEVEL_UNKNOWN",
        "error",
        "children",
        "Jenjang sekolah {level} tidak dikenal ({allowed}).",
        "Unknown school level {level} ({allowed}).",
    ),
    _spec(
        "SCHOOL_YEAR_INVALID",
        "error",
        "children",
        "Tahun ke-{year} tidak ada pada jenjang {level} (1-{years}).",
        "Year {year} does not exist in level {level} (1-{years}).",
    ),
    _spec(
        "STMB_MONTH_INVALID",
        "error",
        "month",
        "Bulan STMB harus minimal 1, bukan {month}.",
        "The STMB month must be at least 1, not {month}.",
    ),
    _spec(
        "DISABILITY_PERCENT_INVALID",
        "error",
        "percent",
        "Persentase {name} harus lebih dari 0 dan paling banyak 100, bukan {value}.",
        "The {name} percentage must be above 0 and at most 100, not {value}.",
    ),
    _spec(
        "DISABILITY_BODY_PART_UNKNOWN",
        "error",
        "body_part",
        "Bagian tubuh {body_part} tidak ada di tabel cacat yang dikonfigurasi ({allowed}).",
        "Body part {body_part} is not in the configured disability table ({allowed}).",
    ),
    # --- Claims -----------------------------------------------------------------------------------
    _spec(
        "CLAIM_MEMBERSHIP_ENDED",
        "error",
        "status",
        "Kepesertaan berakhir {lapse_label_id}: {unpaid} bulan tertunggak (iuran terakhir untuk "
        "{last_paid_label_id}).",
        "Membership ended in {lapse_label_en}: {unpaid} months unpaid (last contribution for "
        "{last_paid_label_en}).",
    ),
    _spec(
        "CLAIM_NEVER_PAID",
        "error",
        "status",
        "Belum ada iuran yang dibayar untuk bulan kejadian ({month_label_id}) atau sebelumnya.",
        "No contribution was paid for the month of the event ({month_label_en}) or before.",
    ),
    _spec(
        "CLAIM_FIRST_MONTH_UNPAID",
        "error",
        "status",
        "Bulan kejadian ({month_label_id}) tercantum dalam SK, tetapi iurannya belum dibayar: hak "
        "baru dapat dihitung setelah iuran bulan itu dibayar.",
        "The month of the event ({month_label_en}) is in a decree but its contribution is not "
        "paid: the entitlement can be worked out once that month is paid.",
    ),
    _spec(
        "CLAIM_IN_ARREARS",
        "error",
        "status",
        "Pada bulan kejadian iuran tertunggak {unpaid} bulan; dikonfigurasi: risiko pada bulan "
        "tertunggak tidak ditanggung.",
        "In the month of the event {unpaid} months were unpaid; configured: a risk in an unpaid "
        "month is not covered.",
    ),
    _spec(
        "CLAIM_ARREARS_COVERED",
        "info",
        "status",
        "Pada bulan kejadian iuran tertunggak {unpaid} bulan ({arrears}); dikonfigurasi: "
        "ditanggung bila tunggakan dilunasi.",
        "In the month of the event {unpaid} months were unpaid ({arrears}); configured: covered "
        "once the arrears are paid.",
    ),
    _spec(
        "CLAIM_ARREARS_UNCERTAIN",
        "warning",
        "status",
        "Pada bulan kejadian iuran tertunggak {unpaid} bulan ({arrears}). Apakah risiko "
        "ditanggung bila tunggakan dilunasi belum pasti (Q2): hak dihitung sementara; lunasi "
        "tunggakan dan pastikan ke BPJS.",
        "In the month of the event {unpaid} months were unpaid ({arrears}). Whether the risk is "
        "covered once the arrears are paid is unsettled (Q2): the entitlement is provisional; "
        "pay the arrears and confirm with BPJS.",
    ),
    _spec(
        "CLAIM_NOT_IN_DECREE",
        "warning",
        "status",
        "Pada bulan kejadian ({month_label_id}) orang ini tidak tercantum dalam SK mana pun; hak "
        "dihitung dari iuran yang dibayar.",
        "In the month of the event ({month_label_en}) this person was in no decree; the "
        "entitlement follows the contributions paid.",
    ),
    _spec(
        "CLAIM_TENURE",
        "info",
        "membership_start",
        "Peserta sejak {start_label_id}: {tenure} bulan penuh kepesertaan sebelum kejadian, "
        "{contribution} bulan iuran dibayar.",
        "Member since {start_label_en}: {tenure} complete months of membership before the "
        "event, {contribution} months of contributions paid.",
    ),
    _spec(
        "CLAIM_PAID_AFTER_EVENT",
        "info",
        "status",
        "Iuran {months} bulan setelah bulan kejadian sudah dibayar; dikembalikan bersama klaim.",
        "Contributions for {months} months after the month of the event were paid; they are "
        "refunded with the claim.",
    ),
    _spec(
        "CLAIM_JKK_ASSESSMENT_PENDING",
        "info",
        None,
        "Perawatan medis dibayar BPJS langsung ke fasilitas kesehatan sesuai kebutuhan medis "
        "(tanpa batas biaya); santunan tunai (STMB, cacat) dihitung setelah lama tidak mampu "
        "bekerja atau persentase cacat diketahui.",
        "Medical care is paid by BPJS to the provider as medically needed (no ceiling); cash "
        "benefits (temporary incapacity, disability) are worked out once the months of "
        "incapacity or the disability percentage are known.",
    ),
    _spec(
        "HEIR_PAYEE_NOT_FIRST",
        "warning",
        "payee",
        "Penerima ({relation_id}) bukan ahli waris urutan pertama yang ada ({first_id}); "
        "lampirkan surat kuasa atau keterangan ahli waris yang menjelaskannya.",
        "The payee ({relation_en}) is not among the first heirs present ({first_en}); attach a "
        "power of attorney or an heir statement that explains it.",
    ),
    _spec(
        "SCHOLARSHIP_AGE_LIMIT",
        "info",
        "children",
        "Beasiswa anak ke-{child} berhenti sebelum {stopped} (usia 23 tahun): {lines} angsuran "
        "tahunan dijadwalkan.",
        "Scholarship of child {child} stops before {stopped} (age 23): {lines} yearly "
        "instalments scheduled.",
    ),
    _spec(
        "SCHOLARSHIP_WAITING_SCHOOL",
        "info",
        "children",
        "Anak ke-{child} belum sekolah: beasiswa dijadwalkan setelah anak masuk sekolah.",
        "Child {child} is not yet at school: the scholarship is scheduled once the child "
        "starts school.",
    ),
    # --- Protection status ------------------------------------------------------------------------
    _spec(
        "ASSUMPTION_ARREARS_COVERAGE",
        "info",
        "status",
        "Belum terverifikasi (Q2): apakah risiko pada bulan yang belum dibayar ditanggung bila "
        "tunggakan dilunasi dalam 3 bulan. {decision_id}",
        "Unverified (Q2): whether a risk in an unpaid month is covered once the arrears are "
        "paid within 3 months. {decision_en}",
    ),
)

#: Every problem code, by code. The import pipeline and pages read messages from here.
PROBLEM_SPECS: Mapping[str, ProblemSpec] = {spec.code: spec for spec in _SPECS}


def _build(
    code: str, severity: Severity | None, field: str | None, params: Mapping[str, object]
) -> Problem:
    spec = PROBLEM_SPECS.get(code)
    if spec is None:
        raise KeyError(f"unknown problem code {code!r}")
    missing = [name for name in spec.params if name not in params]
    if missing:
        raise KeyError(f"problem {code} needs parameters {missing}")
    text = {name: str(value) for name, value in params.items()}
    return Problem(
        code=code,
        severity=severity or spec.severity,
        message_id=spec.template_id.format(**text),
        message_en=spec.template_en.format(**text),
        field=field if field is not None else spec.field,
        params=tuple(sorted(text.items())),
    )


def make_problem(
    code: str,
    /,
    *,
    severity: Severity | None = None,
    field: str | None = None,
    **params: object,
) -> Problem:
    """Build the :class:`Problem` for a registered ``code``, filling both message templates.

    ``severity`` overrides the registered default only where configuration says so (e.g. an
    unlisted income basis accepted as a warning); ``field`` overrides the registered field.
    Raises ``KeyError`` for an unknown code or a missing template parameter.
    """
    return _build(code, severity, field, params)


def nik_problem(code: str, /, **params: object) -> Problem:
    """Build a NIK problem (codes starting ``NIK_``) — the entry point for the import pipeline,
    e.g. ``nik_problem("NIK_LENGTH", length=15)``."""
    if not code.startswith("NIK_"):
        raise KeyError(f"{code!r} is not a NIK problem code")
    return _build(code, None, None, params)


def errors(problems: tuple[Problem, ...]) -> tuple[Problem, ...]:
    return tuple(p for p in problems if p.is_error)


def raise_on_errors(problems: tuple[Problem, ...]) -> None:
    """Raise :class:`RulesInputError` listing every error, if there is any."""
    found = errors(problems)
    if found:
        raise RulesInputError(found)
