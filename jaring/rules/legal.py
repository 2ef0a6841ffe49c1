"""Legal bases: which regulation (and article) a rule comes from, and when it is in force.

Every amount the rules package computes carries one of these, so a page can print
"dihitung berdasarkan PP 82/2019 Pasal 34" next to the figure. ``verified=False`` marks a basis
whose article or dates were not confirmed from the regulation's text during research
(RULES.md "UNVERIFIED"); the citation still names the regulation, never a guessed article.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from jaring.rules.messages import Message, gettext_noop


@dataclass(frozen=True, slots=True)
class LegalBasis:
    """A regulation (and, where confirmed, its article) with the dates it is in force.

    ``valid_to`` is the last day the rule applies (inclusive); ``None`` means still in force.
    """

    regulation: str
    article: str | None
    valid_from: date | None
    valid_to: date | None = None
    verified: bool = True
    #: What the rule says and what is unverified: an English msgid, shown translated.
    note: str = ""

    @property
    def citation(self) -> str:
        """``"PP 82/2019 Pasal 34"``, or only the regulation when the article is unconfirmed."""
        return f"{self.regulation} {self.article}" if self.article else self.regulation

    def in_force_on(self, day: date) -> bool:
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_to is None or day <= self.valid_to

    def to_dict(self) -> dict[str, Any]:
        return {
            "regulation": self.regulation,
            "article": self.article,
            "citation": self.citation,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "verified": self.verified,
            **Message(self.note).to_dict("note"),
        }


# --- Dates that switch one rule version for another -------------------------------------------

#: PP 44/2015 (JKK and JKM under BPJS Ketenagakerjaan) took effect on 1 July 2015.
PP_44_2015_IN_FORCE = date(2015, 7, 1)
#: PP 82/2019 was promulgated (diundangkan) on 2 December 2019 and applies from that day.
PP_82_2019_IN_FORCE = date(2019, 12, 2)
LAST_DAY_BEFORE_PP_82_2019 = date(2019, 12, 1)

# --- NIK ---------------------------------------------------------------------------------------

NIK_STRUCTURE = LegalBasis(
    regulation="UU 23/2006 jo. UU 24/2013",
    article="Pasal 13",
    valid_from=None,
    note=gettext_noop("Digit layout PP KK CC DD MM YY SSSS as applied by Dukcapil."),
)

# --- Contributions (iuran) of BPU participants -------------------------------------------------

BPU_INCOME_BASIS = LegalBasis(
    regulation="PP 44/2015",
    article="Lampiran II",
    valid_from=PP_44_2015_IN_FORCE,
    verified=False,
    note=gettext_noop(
        "Minimum basis Rp 1.000.000 confirmed; the step list of Lampiran II is unverified (Q1)."
    ),
)
BPU_JKK_CONTRIBUTION = LegalBasis(
    regulation="PP 44/2015",
    article="Lampiran II",
    valid_from=PP_44_2015_IN_FORCE,
    # xgettext:no-python-format
    note=gettext_noop("JKK for BPU: 1 % of the declared income basis."),
)
BPU_JKM_CONTRIBUTION = LegalBasis(
    regulation="PP 44/2015",
    article=None,
    valid_from=PP_44_2015_IN_FORCE,
    verified=False,
    note=gettext_noop("JKM for BPU: flat Rp 6,800 a month; the article number was not confirmed."),
)
BPU_JHT_CONTRIBUTION = LegalBasis(
    regulation="PP 46/2015 jo. PP 60/2015",
    article=None,
    valid_from=PP_44_2015_IN_FORCE,
    verified=False,
    note=gettext_noop(
        # xgettext:no-python-format
        "Voluntary JHT for BPU: 2 % of the declared income basis; article not confirmed."
    ),
)
PP_50_2025_DISCOUNT = LegalBasis(
    regulation="PP 50/2025",
    article="Pasal 4 ayat (1)",
    valid_from=date(2026, 1, 1),
    valid_to=date(2027, 3, 31),
    note=gettext_noop(
        # xgettext:no-python-format
        "50 % off BPU JKK and JKM; transport Jan 2026-Mar 2027, other sectors Apr-Dec 2026; "
        "participants funded by APBN or APBD are excluded."
    ),
)

# --- Benefits (manfaat) ------------------------------------------------------------------------

JKM_BENEFIT_PP44 = LegalBasis(
    regulation="PP 44/2015",
    article="Pasal 34",
    valid_from=PP_44_2015_IN_FORCE,
    valid_to=LAST_DAY_BEFORE_PP_82_2019,
    note=gettext_noop(
        "Original JKM amounts: Rp 16.2 m lump sum, Rp 4.8 m periodic, Rp 3 m funeral."
    ),
)
JKM_BENEFIT_PP82 = LegalBasis(
    regulation="PP 44/2015 jo. PP 82/2019",
    article="Pasal 34",
    valid_from=PP_82_2019_IN_FORCE,
)
SCHOLARSHIP_JKM_PP44 = LegalBasis(
    regulation="PP 44/2015",
    article="Pasal 34",
    valid_from=PP_44_2015_IN_FORCE,
    valid_to=LAST_DAY_BEFORE_PP_82_2019,
    verified=False,
    note=gettext_noop("Rp 12 m per participant for one child, after 5 years of contributions."),
)
SCHOLARSHIP_JKM_PP82 = LegalBasis(
    regulation="PP 44/2015 jo. PP 82/2019",
    article="Pasal 34",
    valid_from=PP_82_2019_IN_FORCE,
    note=gettext_noop(
        "At most two children, per school level and year, after 3 years of contributions "
        "(Permenaker 5/2021 sets the procedure)."
    ),
)
SCHOLARSHIP_JKK_PP44 = LegalBasis(
    regulation="PP 44/2015",
    article="Pasal 25 dan Lampiran III",
    valid_from=PP_44_2015_IN_FORCE,
    valid_to=LAST_DAY_BEFORE_PP_82_2019,
    verified=False,
    note=gettext_noop("Rp 12 m per participant for one child; no minimum contribution period."),
)
SCHOLARSHIP_JKK_PP82 = LegalBasis(
    regulation="PP 44/2015 jo. PP 82/2019",
    article="Pasal 25 dan Lampiran III",
    valid_from=PP_82_2019_IN_FORCE,
    note=gettext_noop(
        "At most two children, per school level and year; no minimum contribution period."
    ),
)
JKK_CASH_PP44 = LegalBasis(
    regulation="PP 44/2015",
    article="Pasal 25 dan Lampiran III",
    valid_from=PP_44_2015_IN_FORCE,
    valid_to=LAST_DAY_BEFORE_PP_82_2019,
    verified=False,
    note=gettext_noop(
        "Pre-PP 82/2019 JKK cash amounts (periodic Rp 4.8 m, funeral Rp 3 m, STMB 100 %/75 %/50 "
        "%) were not re-checked against the Lampiran III text."
    ),
)
JKK_CASH_PP82 = LegalBasis(
    regulation="PP 44/2015 jo. PP 82/2019",
    article="Pasal 25 dan Lampiran III",
    valid_from=PP_82_2019_IN_FORCE,
)
JKK_DISABILITY_TABLE = LegalBasis(
    regulation="PP 44/2015",
    article="Lampiran III",
    valid_from=PP_44_2015_IN_FORCE,
    verified=False,
    note=gettext_noop("The percentage table itself is not shipped; it is configuration (Q10)."),
)

# --- Membership status -------------------------------------------------------------------------

BPU_ARREARS_AND_LAPSE = LegalBasis(
    regulation="Perdir BPJSTK 22/PERDIR.02/072022",
    article=None,
    valid_from=None,
    note=gettext_noop(
        "Arrears payable for at most 3 months; after more than 3 unpaid months membership ends "
        "(berakhir), or becomes non-active if JHT was already claimed."
    ),
)

# --- Claims (klaim) ----------------------------------------------------------------------------

CLAIM_SERVICE_LEVEL = LegalBasis(
    regulation="PP 44/2015 jo. Permenaker 5/2021",
    article=None,
    valid_from=date(2021, 4, 1),
    verified=False,
    note=gettext_noop(
        "BPJS pays a JKK/JKM claim within 3 working days of a complete file; the articles "
        "were not confirmed."
    ),
)
HEIR_ORDER = LegalBasis(
    regulation="Permenaker 4/2023",
    article="Pasal 57",
    valid_from=None,
    verified=False,
    note=gettext_noop(
        "Order of heirs written for migrant workers: spouse and children; then relatives in a "
        "straight line to the 2nd degree; siblings; parents-in-law; a person named in a will. "
        "Presumed the same for BPU participants (RULES.md §2.1, §10)."
    ),
)
CLAIM_DOCUMENTS = LegalBasis(
    regulation="Permenaker 5/2021",
    article=None,
    valid_from=date(2021, 4, 1),
    verified=False,
    note=gettext_noop(
        "Documents of a JKM/JKK claim as BPJS guidance lists them (membership card, KTP of "
        "the deceased and the heir, KK, death certificate, heir statement, marriage book for "
        "a spouse, savings book, NPWP above Rp 50 m); RULES.md §10."
    ),
)
CLAIM_REFUND = LegalBasis(
    regulation="Perdir BPJSTK 22/PERDIR.02/072022",
    article=None,
    valid_from=None,
    note=gettext_noop(
        "Contributions paid for months after the claim month are refunded with the claim; for "
        "government payers and donors as their agreement says."
    ),
)


def permenaker_1_2025(in_force: date) -> LegalBasis:
    """The JKM qualifying-period rule, dated by the configured (unverified) in-force date."""
    return LegalBasis(
        regulation="Permenaker 1/2025",
        article=None,
        valid_from=in_force,
        verified=False,
        note=gettext_noop(
            "Amends Permenaker 5/2021: full JKM only after 3 months of membership. In-force date "
            "and boundary are configuration (Q3)."
        ),
    )


def pp_49_2020(first_day: date, last_day: date) -> LegalBasis:
    """The COVID-19 99 % JKK/JKM relief, dated by the configured (unverified) period."""
    return LegalBasis(
        regulation="PP 49/2020",
        article="Pasal 8 dan Pasal 9",
        valid_from=first_day,
        valid_to=last_day,
        verified=False,
        note=gettext_noop(
            # xgettext:no-python-format
            "99 % relief of JKK and JKM; the period (Aug 2020-Jan 2021) is configuration."
        ),
    )


# --- Programmes: who may pay, for whom ------------------------------------------------------------

INPRES_2_2021 = LegalBasis(
    regulation="Inpres 2/2021 jo. Permendagri pedoman APBD (27/2021, 15/2023)",
    article=None,
    valid_from=date(2021, 3, 25),
    note=gettext_noop(
        "Regional heads budget Jamsostek for pekerja rentan from APBD (incl. DBHCHT spent "
        "through it); such participants pay the full rate even during PP 50/2025."
    ),
)
DANA_DESA_PREMIUM_BAN_2024 = LegalBasis(
    regulation="SE Dirjen PDP Kemendes 4/PRI.00/I/2024 jo. Permendagri 15/2023",
    article="Lampiran huruf E",
    valid_from=date(2024, 1, 1),
    valid_to=date(2024, 12, 31),
    note=gettext_noop(
        "Dana Desa may not pay BPJSTK contributions of village officials, RT/RW or "
        "pekerja rentan in 2024: that is an APBD matter of the Pemda."
    ),
)
DANA_DESA_PREMIUM_OPEN = LegalBasis(
    regulation="SE Dirjen PDP Kemendes 4/PRI.00/I/2024",
    article=None,
    valid_from=None,
    verified=False,
    note=gettext_noop(
        "Open question Q7: whether the ban holds beyond 2024, and whether APBDes money "
        "other than Dana Desa (ADD, PADes) may pay."
    ),
)
VILLAGE_BUDGET = LegalBasis(
    regulation="UU 6/2014 tentang Desa",
    article=None,
    valid_from=date(2014, 1, 15),
    verified=False,
    note=gettext_noop("APBDes is the village government's own budget; article not checked."),
)
WADAH_TYPES = LegalBasis(
    regulation="Perdir BPJSTK 22/PERDIR.02/072022 (PROBIS Kepesertaan)",
    article=None,
    valid_from=None,
    verified=False,
    note=gettext_noop(
        "Wadah type codes SG, SA, SD, SL, SC, SB; which programme goes under which code is "
        "our reading of the manual (codes are configuration at the branch)."
    ),
)
AGE_LIMIT_PRACTICE = LegalBasis(
    regulation="Praktik program Pemda (Kab. Penajam Paser Utara 2025)",
    article=None,
    valid_from=None,
    verified=False,
    note=gettext_noop(
        "Pemda programmes admit ages 18-65; BPJSTK's own age limit for BPU is open question Q6."
    ),
)
GN_LINGKARAN_PACKAGES = LegalBasis(
    regulation="BPJSTK GN Lingkaran",
    article=None,
    valid_from=date(2016, 7, 1),
    verified=False,
    note=gettext_noop("Donors pay JKK+JKM for packages of 3, 6 or 12 months (branch statements)."),
)
