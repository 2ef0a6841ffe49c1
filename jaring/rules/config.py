"""Configuration for everything the law leaves open (RULES.md §9 and the UNVERIFIED items).

Each field has a documented default and names its open question, so a choice is always visible
(the results also carry an ``ASSUMPTION_*`` info problem whenever one changed a figure). A Pemda
that obtains the missing regulation text changes the field, not the code::

    from dataclasses import replace
    config = replace(DEFAULT_CONFIG, jkk_death_floor="jkm_total")
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal, get_args

from jaring.rules.money import ROUNDING_MODES, Rounding
from jaring.rules.months import Month

#: Sector classes of PP 50/2025: transport (ojol, ojek pangkalan, sopir, kurir/logistik) vs the
#: rest. Which occupation falls in which class is the registry's job (open question Q5).
Sector = Literal["transport", "other"]
SECTORS: tuple[Sector, ...] = get_args(Sector)

#: Who pays the participant's contribution. ``self`` = the worker (mandiri); ``apbd``/``apbn``
#: = regional/state budget; ``dbhcht`` = tobacco-excise share (spent through APBD); ``apbdes`` =
#: village budget; ``csr`` = company donors (GN Lingkaran, Sertakan); ``baznas`` = zakat bodies.
Funder = Literal["self", "apbd", "apbn", "dbhcht", "apbdes", "csr", "baznas"]
FUNDERS: tuple[Funder, ...] = get_args(Funder)

FUNDER_LABELS: dict[Funder, str] = {
    "self": "peserta sendiri (mandiri)",
    "apbd": "APBD",
    "apbn": "APBN",
    "dbhcht": "DBHCHT",
    "apbdes": "APBDes",
    "csr": "CSR/donatur",
    "baznas": "Baznas/LAZ",
}

#: PP 50/2025 excludes these by statute; configuration cannot make them eligible.
PP50_STATUTORY_EXCLUDED: frozenset[Funder] = frozenset({"apbd", "apbn"})
#: Funders whose PP 50/2025 eligibility is open question Q5 (anything but self, apbd, apbn).
PP50_UNVERIFIED_FUNDERS: frozenset[Funder] = frozenset({"dbhcht", "apbdes", "csr", "baznas"})

#: The minimum BPU income basis, confirmed everywhere (RULES.md §1.3); not configurable.
MIN_INCOME_BASIS = 1_000_000

#: Default PP 49/2020 relief period (UNVERIFIED): August 2020 to January 2021.
PP49_2020_FIRST_MONTH = Month(2020, 8)
PP49_2020_LAST_MONTH = Month(2021, 1)

Boundary = Literal["lt", "le"]
DeathFloor = Literal["jkm_lump_sum", "jkm_total"]
ProblemLevel = Literal["error", "warning"]


@dataclass(frozen=True)
class RulesConfig:
    """Answers to the open questions. Defaults are the reading of RULES.md; see docs/rules.md."""

    # Q1 — Lampiran II PP 44/2015: the admissible declared-income steps. Only Rp 1.000.000 is
    # confirmed; do not extrapolate steps. Every entry must be >= MIN_INCOME_BASIS.
    income_bases: tuple[int, ...] = (1_000_000,)
    # Q1 — whether a Pemda may declare an income not in ``income_bases`` (but >= the minimum):
    # "error" rejects it (default: the table is the law), "warning" accepts it and says so.
    unlisted_income_basis: ProblemLevel = "error"

    # §1.2 — rounding of percentages (JKK 1 %, JHT 2 %, discounts, STMB 75 %/50 %) when a
    # result has a fraction of a rupiah. UNVERIFIED; published bases are round thousands.
    rounding: Rounding = "half_up"

    # PP 49/2020 (historical) — months of the 99 % JKK/JKM relief. UNVERIFIED period.
    pp49_2020_first_month: Month = PP49_2020_FIRST_MONTH
    pp49_2020_last_month: Month = PP49_2020_LAST_MONTH

    # Q5 — PP 50/2025: funders whose participants get the 50 % discount. The regulation only
    # excludes APBN/APBD (so they can never be listed). Default: self (certain), csr and baznas
    # (private money, literal reading) in; dbhcht (spent through APBD) and apbdes (public
    # money; cautious for budgets) out.
    pp50_2025_eligible_funders: frozenset[Funder] = frozenset({"self", "csr", "baznas"})

    # Q3 — Permenaker 1/2025: the day the 3-month JKM qualifying rule starts to apply (by date
    # of death). UNVERIFIED; default is the earliest a "/2025" regulation can be in force.
    jkm_qualifying_in_force: date = date(2025, 1, 1)
    # Q3 — the qualifying length in complete months of membership (3 per Permenaker 1/2025).
    jkm_qualifying_months: int = 3
    # Q3 — boundary: "lt" reduces the benefit when complete months < 3 (a death in membership
    # months 1-3, full JKM from month 4: RULES.md §2.1 and §8); "le" also when exactly 3.
    jkm_qualifying_boundary: Boundary = "lt"
    # Q3 — funders whose participants are exempt from the qualifying rule (e.g. if it turns out
    # not to apply to APBD/DBHCHT batch enrolments). Default: it applies to everyone.
    jkm_qualifying_exempt_funders: frozenset[Funder] = frozenset()
    # Q3 — how the reduced Rp 10.000.000 is split. Default: all funeral cost (RULES.md §2.1);
    # one Sumenep official reported Rp 8.000.000 santunan + Rp 2.000.000 funeral.
    jkm_reduced_lump_sum: int = 0
    jkm_reduced_funeral: int = 10_000_000

    # Q4 — JKK death lump sum is "not below the JKM santunan": the JKM lump sum (Rp 20.000.000
    # since PP 82/2019; most sources) or the whole JKM benefit (Rp 42.000.000).
    jkk_death_floor: DeathFloor = "jkm_lump_sum"

    # Perdir 22/PERDIR.02/072022 — months of arrears that may still be paid before membership
    # ends (confirmed: 3).
    arrears_grace_months: int = 3
    # Q2 — whether a risk in an unpaid month is covered once the arrears are paid within the
    # grace period. None = unknown (status shows "not certain"); True/False once confirmed.
    arrears_risk_covered: bool | None = None

    # Q10 — Lampiran III PP 44/2015 disability table: (body part, percent). Not verified, so
    # empty by default; the disability calculation then takes a percentage directly.
    disability_percentages: tuple[tuple[str, Decimal], ...] = ()

    def __post_init__(self) -> None:
        if not self.income_bases:
            raise ValueError("income_bases cannot be empty")
        low = [basis for basis in self.income_bases if basis < MIN_INCOME_BASIS]
        if low:
            raise ValueError(f"income_bases below the Rp 1.000.000 minimum: {low}")
        if self.unlisted_income_basis not in get_args(ProblemLevel):
            raise ValueError("unlisted_income_basis must be error or warning")
        if self.rounding not in ROUNDING_MODES:
            raise ValueError(f"unknown rounding mode {self.rounding!r}")
        if self.pp49_2020_last_month < self.pp49_2020_first_month:
            raise ValueError("PP 49/2020 period ends before it starts")
        unknown = set(self.pp50_2025_eligible_funders) - set(FUNDERS)
        if unknown:
            raise ValueError(f"unknown funders {sorted(unknown)}")
        if self.pp50_2025_eligible_funders & PP50_STATUTORY_EXCLUDED:
            raise ValueError("PP 50/2025 excludes APBN/APBD-funded participants by statute")
        if self.jkm_qualifying_months < 0:
            raise ValueError("jkm_qualifying_months cannot be negative")
        if self.jkm_qualifying_boundary not in get_args(Boundary):
            raise ValueError("jkm_qualifying_boundary must be 'lt' or 'le'")
        if set(self.jkm_qualifying_exempt_funders) - set(FUNDERS):
            raise ValueError("unknown funder in jkm_qualifying_exempt_funders")
        if self.jkm_reduced_lump_sum < 0 or self.jkm_reduced_funeral < 0:
            raise ValueError("reduced JKM amounts cannot be negative")
        if self.jkk_death_floor not in get_args(DeathFloor):
            raise ValueError("jkk_death_floor must be 'jkm_lump_sum' or 'jkm_total'")
        if self.arrears_grace_months < 0:
            raise ValueError("arrears_grace_months cannot be negative")
        for name, percent in self.disability_percentages:
            if not Decimal(0) < percent <= Decimal(100):
                raise ValueError(f"disability percentage of {name!r} must be in (0, 100]")


DEFAULT_CONFIG = RulesConfig()
