"""Sentences of the programmes app, rendered from stored codes and parameters at display time.

Nothing here is stored: rows keep rule bits (:class:`jaring.rules.programmes.Ineligible`),
codes and the values the sentences need; these functions turn them into the reader's
language through gettext (Indonesian first, English second).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jaring.rules.programmes import Caution, Finding, Ineligible, flags_of

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from jaring.programmes.models import DecreeEntry


def rupiah(amount: int | None) -> str:
    if amount is None:
        return "—"
    return "Rp " + number_format(amount, force_grouping=True)


def count(value: int | None) -> str:
    return "—" if value is None else number_format(value, force_grouping=True)


#: Short names of each rule, for totals ("excluded: usia di atas batas 12").
REASON_LABELS: Mapping[Ineligible, _StrPromise] = {
    Ineligible.DECEASED: gettext_lazy("deceased"),
    Ineligible.MERGED: gettext_lazy("merged duplicate record"),
    Ineligible.INACTIVE: gettext_lazy("no longer listed"),
    Ineligible.OUTSIDE_REGION: gettext_lazy("lives outside the programme's region"),
    Ineligible.CATEGORY: gettext_lazy("occupation not covered"),
    Ineligible.AGE_BELOW: gettext_lazy("under the age limit"),
    Ineligible.AGE_ABOVE: gettext_lazy("over the age limit"),
    Ineligible.EXCLUSION_LIST: gettext_lazy("on an exclusion list"),
    Ineligible.DOUBLE_FUNDED: gettext_lazy("already covered by another programme"),
    Ineligible.QUOTA_CATEGORY: gettext_lazy("over the category's quota"),
    Ineligible.QUOTA: gettext_lazy("over the quota"),
    Ineligible.BUDGET: gettext_lazy("over the budget"),
}

CAUTION_LABELS: Mapping[Caution, _StrPromise] = {
    Caution.AGE_UNKNOWN: gettext_lazy("birth date unknown: age not checked"),
    Caution.OCCUPATION_UNCLASSIFIED: gettext_lazy("occupation not classified"),
    Caution.NEAR_DUPLICATE_COVERED: gettext_lazy(
        "a probable duplicate of this person is covered by another programme"
    ),
    Caution.NEAR_DUPLICATE_IN_DECREE: gettext_lazy(
        "a probable duplicate of this person is also in this decree"
    ),
}


def reason_label(flag: Ineligible | int) -> str:
    return str(REASON_LABELS[Ineligible(flag)])


def entry_explanation(entry: DecreeEntry) -> list[str]:
    """Why ``entry`` is where it is, rule by rule ("usia 67 > 65")."""
    decree = entry.decree
    lines: list[str] = []
    for flag in flags_of(entry.reasons):
        lines.append(_rule_sentence(flag, entry, decree))
    if not lines and entry.status in {"included", "added"}:
        lines.append(_("meets every rule of the programme"))
    if entry.rank and entry.status in {"included", "over_limit"}:
        lines.append(_("priority rank %(rank)s") % {"rank": count(entry.rank)})
    for caution in Caution:
        if entry.cautions & caution:
            lines.append(str(CAUTION_LABELS[caution]))
    if entry.change_reason:
        from jaring.programmes.models import ChangeReason

        label = ChangeReason(entry.change_reason).label
        note = f" — {entry.change_note}" if entry.change_note else ""
        lines.append(_("changed by hand: %(reason)s%(note)s") % {"reason": label, "note": note})
    return lines


def _rule_sentence(flag: Ineligible, entry: DecreeEntry, decree: object) -> str:
    age_min = getattr(decree, "age_min", None)
    age_max = getattr(decree, "age_max", None)
    if flag == Ineligible.AGE_ABOVE:
        return _("age %(age)s > %(limit)s") % {"age": entry.age, "limit": age_max}
    if flag == Ineligible.AGE_BELOW:
        return _("age %(age)s < %(limit)s") % {"age": entry.age, "limit": age_min}
    if flag == Ineligible.OUTSIDE_REGION:
        return _("lives in %(place)s, outside the programme's region") % {
            "place": entry.region.display_name if entry.region_id else "—"
        }
    if flag == Ineligible.CATEGORY:
        occupation = entry.occupation.label if entry.occupation else _("not classified")
        return _("occupation %(occupation)s is not one of the programme's categories") % {
            "occupation": occupation
        }
    if flag == Ineligible.DOUBLE_FUNDED:
        other = entry.conflict_programme.name if entry.conflict_programme else "—"
        return _("already covered in the same months by %(programme)s") % {"programme": other}
    if flag == Ineligible.EXCLUSION_LIST:
        listed = entry.exclusion_list.name if entry.exclusion_list else "—"
        return _("on the exclusion list %(list)s") % {"list": listed}
    if flag == Ineligible.QUOTA_CATEGORY:
        return _("the quota of the category is full")
    if flag == Ineligible.QUOTA:
        quota = getattr(decree, "quota", None)
        return _("ranked %(rank)s, the quota is %(quota)s people") % {
            "rank": count(entry.rank),
            "quota": count(quota),
        }
    if flag == Ineligible.BUDGET:
        budget = getattr(decree, "budget", None)
        return _("ranked %(rank)s, the budget of %(budget)s is used up") % {
            "rank": count(entry.rank),
            "budget": rupiah(budget),
        }
    return reason_label(flag)


#: Programme findings (jaring.rules.programmes.programme_findings) and refusals of services.
FINDINGS: Mapping[str, _StrPromise] = {
    "FUNDER_UNKNOWN": gettext_lazy("Unknown funder %(funder)s."),
    "MONTHS_INVALID": gettext_lazy("The period must be 1 to %(most)s months, not %(months)s."),
    "PERIOD_BEFORE_BPU": gettext_lazy(
        "The period starts in %(month)s, before BPU contributions existed (%(first)s)."
    ),
    "AGE_RANGE_INVALID": gettext_lazy(
        "The age range %(age_min)s–%(age_max)s is not possible (0 ≤ minimum ≤ maximum ≤ 120)."
    ),
    "AGE_MIN_BELOW_ADULT": gettext_lazy(
        "Minimum age %(age_min)s is below the usual 18 of Pemda programmes; BPJS's own limit "
        "is not confirmed (RULES.md Q6)."
    ),
    "AGE_MAX_ABOVE_PRACTICE": gettext_lazy(
        "Maximum age %(age_max)s is above the usual 65 of Pemda programmes; BPJS's own limit "
        "is not confirmed (RULES.md Q6)."
    ),
    "INCOME_BASIS_BELOW_MINIMUM": gettext_lazy(
        "The income basis Rp %(income)s is below the Rp 1.000.000 minimum."
    ),
    "INCOME_BASIS_NOT_LISTED": gettext_lazy(
        "The income basis Rp %(income)s is not an admissible step of PP 44/2015 Lampiran II."
    ),
    "QUOTA_NEGATIVE": gettext_lazy("The quota cannot be negative (%(quota)s)."),
    "BUDGET_NEGATIVE": gettext_lazy("The budget cannot be negative (%(budget)s)."),
    "SPONSOR_PACKAGE_MONTHS": gettext_lazy(
        "GN Lingkaran sells packages of %(packages)s months, not %(months)s."
    ),
    "WADAH_UNKNOWN": gettext_lazy("Unknown wadah type %(wadah)s."),
    "WADAH_UNUSUAL": gettext_lazy(
        "Wadah type %(wadah)s is unusual for this funder and owner (usually %(expected)s)."
    ),
    "FUNDER_REGIONAL_BUDGET": gettext_lazy(
        "Paid from the regional budget: the full iuran applies, without the PP 50/2025 discount."
    ),
    "FUNDER_PROVINCE_NOT_PROVINCE": gettext_lazy(
        "APBD provinsi pays, but the owner is not a province."
    ),
    "APBDES_SOURCE_WITHOUT_APBDES": gettext_lazy(
        "An APBDes source is given, but the funder is not APBDes."
    ),
    "APBDES_NOT_VILLAGE": gettext_lazy(
        "APBDes is a desa's own budget, but the owner of this programme is not a desa."
    ),
    "APBDES_SOURCE_REQUIRED": gettext_lazy(
        "Say which APBDes money pays (Dana Desa, ADD, PADes or other): Dana Desa may not pay "
        "these contributions."
    ),
    "APBDES_SOURCE_UNKNOWN": gettext_lazy("Unknown APBDes source %(source)s."),
    "DANA_DESA_PREMIUM_FORBIDDEN": gettext_lazy(
        "Dana Desa may not pay BPJS Ketenagakerjaan contributions of pekerja rentan in 2024: "
        "it is a Pemda (APBD) matter."
    ),
    "DANA_DESA_PREMIUM_UNSETTLED": gettext_lazy(
        "Dana Desa was barred from paying these contributions in 2024; whether the ban holds "
        "in %(year)s is not confirmed (RULES.md Q7)."
    ),
    "APBDES_SOURCE_UNSETTLED": gettext_lazy(
        "Whether APBDes money other than Dana Desa may pay these contributions is not "
        "confirmed (RULES.md Q7)."
    ),
    "FUNDER_OTHER_FULL_RATE": gettext_lazy(
        "Other funder: the iuran is counted at the full rate, without the PP 50/2025 "
        "discount (whether it applies is not confirmed)."
    ),
    "ASSUMPTION_PP50_FUNDER": gettext_lazy(
        "PP 50/2025 discount for this funder is an assumption (RULES.md Q5)."
    ),
    "PP50_FUNDER_EXCLUDED": gettext_lazy(
        "No PP 50/2025 discount: participants paid from APBN/APBD are excluded."
    ),
    # Refusals of the services (bad input)
    "REGION_UNKNOWN": gettext_lazy("Region code %(code)s is unknown; for example 35.71."),
    "REGION_OUT_OF_SCOPE": gettext_lazy("Region %(code)s is outside your regions."),
    "REGION_LEVEL": gettext_lazy(
        "A programme belongs to a province, a kab/kota or a desa, not to %(name)s."
    ),
    "NAME_REQUIRED": gettext_lazy("Give the programme a name."),
    "YEAR_INVALID": gettext_lazy("The year %(year)s is not a budget year (2015–2100)."),
    "CATEGORY_UNKNOWN": gettext_lazy("Unknown occupation category %(code)s."),
    "PROGRAMME_FROZEN_FIELD": gettext_lazy(
        "%(field)s cannot change once a version of the decree is signed; start a new "
        "programme instead."
    ),
    "DECREE_SIGNED": gettext_lazy(
        "Version %(version)s was signed on %(date)s (number %(number)s) and can no longer "
        "change; draft a new version instead."
    ),
    "DECREE_NUMBER_REQUIRED": gettext_lazy("Give the decree's number."),
    "DECREE_OVER_BUDGET": gettext_lazy(
        "The decree costs %(total)s, more than the budget of %(budget)s; remove people first."
    ),
    "DECREE_EMPTY": gettext_lazy("The decree has no beneficiaries."),
    "DECREE_STALE": gettext_lazy(
        "Version %(version)s was drafted before version %(signed)s was signed; draft again."
    ),
    "VERSION_START_TOO_EARLY": gettext_lazy(
        "A new version takes effect after the previous one started (%(first)s), not in %(month)s."
    ),
    "VERSION_START_AFTER_END": gettext_lazy(
        "The programme ends in %(end)s; a version cannot start in %(month)s. Extend the "
        "programme's months first."
    ),
    "DIFF_OTHER_PROGRAMME": gettext_lazy(
        "Versions of different programmes cannot be compared (%(first)s, %(second)s)."
    ),
    "DIFF_NOT_SIGNED": gettext_lazy(
        "Only signed versions can be compared; version %(version)s is a draft."
    ),
    "PERSON_NOT_IN_DRAFT": gettext_lazy("This person is not in the draft."),
    "PERSON_CANNOT_BE_ADDED": gettext_lazy("%(name)s cannot be added: the record is %(status)s."),
    "REASON_REQUIRED": gettext_lazy("Give a reason (%(allowed)s)."),
    "NOTE_REQUIRED": gettext_lazy("Say why, in a note."),
    "FORMAT_UNKNOWN": gettext_lazy("Unknown format %(format)s; use csv, xlsx or pdf."),
    "EXPORT_NOT_ALLOWED": gettext_lazy("Your role may not export this decree."),
    "REFERENCE_EMPTY": gettext_lazy("The list holds no valid NIK."),
}


def finding_text(finding: Finding) -> str:
    return message(finding.code, dict(finding.params))


def message(code: str, params: Mapping[str, object] | None = None) -> str:
    template = FINDINGS.get(code)
    if template is None:
        return code
    return str(template) % dict(params or {})
