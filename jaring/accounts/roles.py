"""The roles of Jaring and what each may do: one table, read everywhere.

A role says *what* a user may do; the user's regions say *where* (see ``scoping.py``).
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    NATIONAL_ADMIN = "national_admin", _("National administrator")
    PROVINCIAL_ADMIN = "provincial_admin", _("Provincial administrator")
    REGENCY_ADMIN = "regency_admin", _("Regency/city administrator (Disnaker)")
    VILLAGE_OPERATOR = "village_operator", _("Village operator (desa/kelurahan)")
    BPJS_VIEWER = "bpjs_viewer", _("BPJS branch viewer")
    AUDITOR = "auditor", _("Auditor")


@dataclass(frozen=True)
class Capabilities:
    all_regions: bool  # sees the whole country regardless of assigned regions
    see_full_nik: bool  # otherwise NIK is shown as 35************** (province only)
    see_phone: bool  # otherwise the phone number is shown as +62812****789
    edit_people: bool
    import_lists: bool
    export_personal_data: bool
    review_matches: bool
    view_audit: bool
    manage_users: bool
    # Issue contribution bills, record payments and read the BPJS branch's response files.
    manage_finance: bool
    # Create programmes, draft and sign their decrees (SK) in one's regions.
    manage_programmes: bool
    # Targets, figures reported by BPJS or the press, Paritrana scores (monitoring).
    enter_monitoring_figures: bool = False
    # Report deaths and work accidents, name the heirs, move claims through their steps.
    manage_claims: bool = False
    # Enter the JKK assessment of an injury (months unable to work, the disability) from the
    # doctor's statement: Disnaker's act, not a desa operator's.
    assess_claims: bool = False


CAPABILITIES: dict[Role, Capabilities] = {
    Role.NATIONAL_ADMIN: Capabilities(
        all_regions=True,
        see_full_nik=True,
        see_phone=True,
        edit_people=True,
        import_lists=True,
        export_personal_data=True,
        review_matches=True,
        view_audit=True,
        manage_finance=True,
        manage_users=True,
        manage_programmes=True,
        enter_monitoring_figures=True,
        manage_claims=True,
        assess_claims=True,
    ),
    # Monitors its kab/kota; works with aggregates, not with individual identities.
    Role.PROVINCIAL_ADMIN: Capabilities(
        all_regions=False,
        see_full_nik=False,
        see_phone=False,
        edit_people=False,
        import_lists=False,
        export_personal_data=False,
        review_matches=False,
        view_audit=False,
        manage_finance=False,
        manage_users=True,
        manage_programmes=True,
        enter_monitoring_figures=True,
    ),
    # Runs the programme: needs full identities to register people with BPJS.
    Role.REGENCY_ADMIN: Capabilities(
        all_regions=False,
        see_full_nik=True,
        see_phone=True,
        edit_people=True,
        import_lists=True,
        export_personal_data=True,
        review_matches=True,
        view_audit=False,
        manage_finance=True,
        manage_users=True,
        manage_programmes=True,
        enter_monitoring_figures=True,
        manage_claims=True,
        assess_claims=True,
    ),
    # Collects the lists of its own desa/kelurahan; must check NIK against the KTP.
    Role.VILLAGE_OPERATOR: Capabilities(
        all_regions=False,
        see_full_nik=True,
        see_phone=True,
        edit_people=True,
        import_lists=True,
        export_personal_data=False,
        review_matches=False,
        view_audit=False,
        manage_finance=False,
        manage_users=False,
        manage_programmes=True,
        manage_claims=True,
    ),
    # Reconciles the Pemda's list with BPJS membership, which is keyed by NIK.
    Role.BPJS_VIEWER: Capabilities(
        all_regions=False,
        see_full_nik=True,
        see_phone=False,
        edit_people=False,
        import_lists=False,
        export_personal_data=True,
        review_matches=False,
        view_audit=False,
        manage_finance=False,
        manage_users=False,
        manage_programmes=False,
    ),
    Role.AUDITOR: Capabilities(
        all_regions=False,
        see_full_nik=False,
        see_phone=False,
        edit_people=False,
        import_lists=False,
        export_personal_data=False,
        review_matches=False,
        view_audit=True,
        manage_finance=False,
        manage_users=False,
        manage_programmes=False,
    ),
}


def mask_nik(nik: str) -> str:
    """'3571031708800002' -> '35**************': only the province stays readable.

    A NIK is its kecamatan of issue (6 digits), the birth date (day + 40 for women) and a
    serial. Whatever digits a mask leaves, the fields shown beside it must not supply the
    rest: the desa gives the kecamatan, the birth date and sex the middle six digits, so a mask
    that kept the serial (the old '3571********0002') was undone by the page around it
    (issue 14). The province is known from the user's own regions anyway.
    """
    if len(nik) <= 2:
        return "*" * len(nik)
    return nik[:2] + "*" * (len(nik) - 2)


def birth_shown(birth_date: date | None, *, full: bool) -> date | int | None:
    """A birth date as a role may see it: whole, or its year for a role that does not see full
    identities (day and month are six of the NIK's digits)."""
    if birth_date is None or full:
        return birth_date
    return birth_date.year


def mask_phone(phone: str) -> str:
    """'+6281234567890' -> '+62812*****890'."""
    if len(phone) <= 8:
        return "*" * len(phone)
    return phone[:6] + "*" * (len(phone) - 9) + phone[-3:]


#: How high a role reaches: a role never grants one that reaches higher (a regency admin may not
#: make a provincial admin, however few rights a provincial admin has).
RANK: dict[Role, int] = {
    Role.NATIONAL_ADMIN: 4,
    Role.PROVINCIAL_ADMIN: 3,
    Role.REGENCY_ADMIN: 2,
    Role.VILLAGE_OPERATOR: 1,
    Role.BPJS_VIEWER: 1,
    Role.AUDITOR: 1,
}


def role_grantable(granted: Role, *, by: Role) -> bool:
    """Whether a user of role ``by`` may give someone role ``granted``: it reaches no higher
    (:data:`RANK`) and may do nothing ``by`` may not (every capability of ``granted`` is one of
    ``by``'s). A regency admin makes village operators and BPJS viewers, not auditors (who read
    the audit log the admin may not) nor provincial admins; a provincial admin, who sees no
    full NIK, makes no role that does (ADR 0013)."""
    if not CAPABILITIES[by].manage_users:
        return False
    if RANK[granted] > RANK[by]:
        return False
    return all(
        mine or not theirs
        for theirs, mine in zip(
            astuple(CAPABILITIES[granted]), astuple(CAPABILITIES[by]), strict=True
        )
    )


def roles_grantable(by: Role) -> list[Role]:
    """The roles ``by`` may give, highest first."""
    return [role for role in Role if role_grantable(role, by=by)]
