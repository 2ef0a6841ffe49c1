"""Programmes, their beneficiary decrees (SK) and the memberships the decrees start.

- A :class:`Programme` is what a Pemda, a desa or a sponsor runs: who pays, for whom (its
  eligibility), how many (quota, budget) and for which months.
- A :class:`Decree` is one version of the programme's SK. A draft is computed from the
  registry: one :class:`DecreeEntry` per person considered — included, over a limit or not
  eligible, each with the rule bits that explain it (:class:`jaring.rules.programmes.Ineligible`)
  — and reviewed by hand. Signing freezes it: the lampiran's rows are copied into
  :class:`DecreeMember` (names, NIK, address as they were that day) and never change again; a
  change is a new version (SK perubahan).
- A signed version starts and ends :class:`Membership` rows: a person covered by a programme
  for a run of months. Bills, the BPJS exchange, claims and monitoring read these.

Months are stored as the first day of the month (``first_month``, ``last_month``, both
inclusive), so "who is covered in month M" is ``first_month <= M <= last_month``
(:meth:`MembershipQuerySet.covering`), one range condition on an index.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring.core import crypto
from jaring.core.scoping import RegionScopedModel, RegionScopedQuerySet
from jaring.core.tallies import Tally, tally_constraints, tally_indexes
from jaring.rules.months import Month


class Funder(models.TextChoices):
    """Who pays (jaring.rules.programmes.ProgrammeFunder; the values are the CLI's)."""

    APBD = "apbd", _("APBD kab/kota")
    APBD_PROVINCE = "apbd-provinsi", _("APBD provinsi")
    DBHCHT = "dbhcht", _("DBHCHT (tobacco excise share)")
    APBDES = "apbdes", _("APBDes (village budget)")
    BAZNAS = "baznas", _("Baznas/LAZ (zakat)")
    CSR = "csr", _("CSR company or BUMN/BUMD")
    GN_LINGKARAN = "gn-lingkaran", _("GN Lingkaran donation")
    OTHER = "other", _("Other")


class ApbdesSource(models.TextChoices):
    DANA_DESA = "dana-desa", _("Dana Desa")
    ADD = "add", _("Alokasi Dana Desa (ADD)")
    PADES = "pades", _("Village own revenue (PADes)")
    OTHER = "other", _("Other village revenue")


class WadahType(models.TextChoices):
    """BPJS Ketenagakerjaan group types (RULES.md §10)."""

    SG = "SG", _("SG — government's vulnerable workers")
    SA = "SA", _("SA — village, funded by APBD")
    SD = "SD", _("SD — village, funded by APBDes")
    SL = "SL", _("SL — other sources")
    SC = "SC", _("SC — corporate CSR")
    SB = "SB", _("SB — bank CSR")


class ReferenceKind(models.TextChoices):
    WAGE_EARNER = "wage_earner", _("Already a wage-earner participant (BPJS list)")
    EXCLUSION = "other", _("Other exclusion list")
    POVERTY_DECILE = "poverty_decile", _("Poverty deciles (DTSEN/DTKS)")


class ReferenceList(RegionScopedModel):
    """A list of NIKs from outside the registry: people to leave out of a programme (a BPJS
    list of wage earners, say) or their poverty decile. Only blind indexes are kept."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=ReferenceKind.choices)
    source = models.CharField(_("source"), max_length=200, blank=True)
    entries = models.PositiveIntegerField(_("entries"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("reference list")
        verbose_name_plural = _("reference lists")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class ReferenceEntry(models.Model):
    pk = models.CompositePrimaryKey("reference_list", "nik_index")
    reference_list = models.ForeignKey(
        ReferenceList, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    nik_index = models.CharField(max_length=32)
    decile = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("reference list entry")
        verbose_name_plural = _("reference list entries")

    def __str__(self) -> str:
        return f"{self.reference_list_id}:{self.nik_index[:8]}"


class Programme(RegionScopedModel):
    """A programme of JKK + JKM contributions paid for vulnerable workers."""

    name = models.CharField(_("name"), max_length=200)
    # The owner: the province, kab/kota or desa whose head signs the decree.
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("owner region"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("budget year"))
    legal_basis = models.CharField(
        _("legal basis"), max_length=200, blank=True, help_text=_("e.g. Perwali 34/2023")
    )
    legal_basis_date = models.DateField(_("legal basis date"), null=True, blank=True)
    funder = models.CharField(_("funder"), max_length=14, choices=Funder.choices)
    apbdes_source = models.CharField(
        _("APBDes source"), max_length=10, choices=ApbdesSource.choices, blank=True
    )
    sponsor = models.CharField(_("sponsor"), max_length=200, blank=True)
    wadah = models.CharField(_("BPJS wadah type"), max_length=2, choices=WadahType.choices)
    jht = models.BooleanField(_("JHT (old-age savings) included"), default=False)
    income_basis = models.PositiveIntegerField(_("income basis (Rp)"), default=1_000_000)
    first_month = models.DateField(_("first month"))
    months = models.PositiveSmallIntegerField(_("months"))
    budget = models.PositiveBigIntegerField(_("budget ceiling (Rp)"), null=True, blank=True)
    quota = models.PositiveIntegerField(_("quota (people)"), null=True, blank=True)
    target = models.PositiveIntegerField(_("target (people)"), null=True, blank=True)
    age_min = models.PositiveSmallIntegerField(_("minimum age"), default=18)
    age_max = models.PositiveSmallIntegerField(_("maximum age"), default=65)
    exclusion_lists = models.ManyToManyField(
        ReferenceList, verbose_name=_("exclusion lists"), blank=True, related_name="+"
    )
    decile_list = models.ForeignKey(
        ReferenceList,
        verbose_name=_("poverty decile list"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-year", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(age_min__lte=models.F("age_max")), name="programme_age_range"
            ),
            models.CheckConstraint(
                condition=models.Q(income_basis__gte=1_000_000),
                name="programme_income_basis_min",
            ),
            models.CheckConstraint(condition=models.Q(months__gte=1), name="programme_months"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def start(self) -> Month:
        return Month.of(self.first_month)

    @property
    def end(self) -> Month:
        return self.start + (self.months - 1)

    @property
    def last_month(self) -> date:
        return self.end.first_day


class ProgrammeCategory(models.Model):
    """An occupation category the programme takes, its own quota and its priority (a lower
    number comes first). A programme without categories takes every category."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="categories")
    category = models.ForeignKey(
        "registry.OccupationCategory",
        verbose_name=_("occupation category"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    quota = models.PositiveIntegerField(_("quota"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), default=0)

    class Meta:
        verbose_name = _("programme category")
        verbose_name_plural = _("programme categories")
        ordering = ["priority", "category_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "category"], name="programme_category_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme_id}:{self.category_id}"


class Criterion(models.TextChoices):
    """Criteria that order eligible people when the quota or budget is short."""

    CATEGORY = "category", _("Category priority")
    POVERTY_DECILE = "poverty_decile", _("Poorest first (poverty decile)")
    OLDER_FIRST = "older_first", _("Older first")
    YOUNGER_FIRST = "younger_first", _("Younger first")
    REGISTERED_FIRST = "registered_first", _("Registered first")


#: The order used when a programme names none.
DEFAULT_CRITERIA = (Criterion.CATEGORY, Criterion.POVERTY_DECILE, Criterion.REGISTERED_FIRST)


class ProgrammePriority(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="priorities")
    position = models.PositiveSmallIntegerField(_("position"))
    criterion = models.CharField(_("criterion"), max_length=20, choices=Criterion.choices)

    class Meta:
        verbose_name = _("priority criterion")
        verbose_name_plural = _("priority criteria")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "position"], name="programme_priority_position"
            ),
            models.UniqueConstraint(
                fields=["programme", "criterion"], name="programme_priority_criterion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id}:{self.position}:{self.criterion}"


class DecreeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")


class Decree(RegionScopedModel):
    """One version of a programme's beneficiary decree (SK). Version 1 is the SK; later
    versions amend it (SK perubahan) from their ``first_month`` on."""

    region_path = "programme__region"

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="decrees")
    version = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=6, choices=DecreeStatus.choices, default=DecreeStatus.DRAFT
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("amends"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    first_month = models.DateField(_("first month"))
    last_month = models.DateField(_("last month"))
    # The programme's terms as this version was computed with them (copied, then frozen).
    funder = models.CharField(_("funder"), max_length=14, choices=Funder.choices)
    jht = models.BooleanField(_("JHT included"), default=False)
    age_min = models.PositiveSmallIntegerField(_("minimum age"))
    age_max = models.PositiveSmallIntegerField(_("maximum age"))
    quota = models.PositiveIntegerField(_("quota"), null=True, blank=True)
    budget = models.PositiveBigIntegerField(_("budget ceiling (Rp)"), null=True, blank=True)
    # What the computation found (refreshed by every recomputation and hand change).
    considered = models.PositiveIntegerField(_("people considered"), default=0)
    eligible = models.PositiveIntegerField(_("eligible"), default=0)
    people = models.PositiveIntegerField(_("beneficiaries"), default=0)
    over_limit = models.PositiveIntegerField(_("eligible, over quota or budget"), default=0)
    not_eligible = models.PositiveIntegerField(_("not eligible"), default=0)
    monthly_iuran = models.PositiveBigIntegerField(_("iuran, first month (Rp)"), default=0)
    total_iuran = models.PositiveBigIntegerField(_("iuran, whole period (Rp)"), default=0)
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)
    # Signing: the decree as issued.
    number = models.CharField(_("decree number"), max_length=120, blank=True)
    signed_on = models.DateField(_("decree date"), null=True, blank=True)
    signatory_name = models.CharField(_("signed by"), max_length=150, blank=True)
    signatory_title = models.CharField(_("title of the signatory"), max_length=150, blank=True)
    # The title block of the lampiran, frozen at signing (region and programme may be renamed).
    issuer = models.CharField(_("issuer"), max_length=150, blank=True)
    document_title = models.CharField(_("about"), max_length=300, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    signed_at = models.DateTimeField(_("signed (recorded)"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("decree (SK) version")
        verbose_name_plural = _("decree (SK) versions")
        ordering = ["programme", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "version"], name="decree_version_unique"),
            # At most one draft per programme: a new computation replaces it.
            models.UniqueConstraint(
                fields=["programme"],
                condition=models.Q(status="draft"),
                name="decree_one_draft",
            ),
            models.CheckConstraint(
                condition=models.Q(first_month__lte=models.F("last_month")),
                name="decree_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} — v{self.version}"

    @property
    def is_signed(self) -> bool:
        return self.status == DecreeStatus.SIGNED

    @property
    def months(self) -> int:
        return Month.of(self.last_month) - Month.of(self.first_month) + 1


class EntryStatus(models.TextChoices):
    INCLUDED = "included", _("In the decree")
    ADDED = "added", _("Added by hand")
    OVER_LIMIT = "over_limit", _("Eligible, outside the quota or budget")
    EXCLUDED = "excluded", _("Not eligible")
    REMOVED = "removed", _("Removed by hand")


#: Statuses of the people a decree covers.
MEMBER_STATUSES = (EntryStatus.INCLUDED, EntryStatus.ADDED)


class ChangeReason(models.TextChoices):
    """Why a person left a decree or a membership ended (jaring.rules.programmes.RemovalReason),
    or was added by hand."""

    # A membership cut short because the next version took over, with the person in it.
    CONTINUED = "continued", _("Continued under the next version")
    DIED = "died", _("Died")
    MOVED_OUT = "moved_out", _("Moved out of the region")
    MERGED_DUPLICATE = "merged_duplicate", _("Merged duplicate record")
    OVER_AGE = "over_age", _("Over the age limit")
    UNDER_AGE = "under_age", _("Under the age limit")
    OVER_QUOTA = "over_quota", _("Over the quota")
    OVER_BUDGET = "over_budget", _("Over the budget")
    FORMAL_WORK = "formal_work", _("Now in formal (wage) work")
    WITHDREW = "withdrew", _("Withdrew")
    CATEGORY = "category", _("Occupation no longer covered")
    DOUBLE_FUNDED = "double_funded", _("Covered by another programme")
    INACTIVE = "inactive", _("No longer listed")
    EXCLUDED = "excluded", _("On an exclusion list")
    OTHER = "other", _("Other reason")
    # A person added by hand (the note says why).
    ADDED_BY_HAND = "added_by_hand", _("Added by the reviewer")


class DecreeEntry(RegionScopedModel):
    """One person considered for a decree version, and what came of it.

    The explanation is stored as rule bits plus the values the sentences need (age, the other
    programme, the exclusion list), and rendered at display time.
    """

    region_path = "region"

    pk = models.CompositePrimaryKey("decree", "person")
    # No database constraints on these foreign keys: a million rows are written by COPY in
    # the transaction that creates the decree (ADR 0004).
    decree = models.ForeignKey(
        Decree,
        on_delete=models.CASCADE,
        related_name="entries",
        db_index=False,  # the primary key starts with it
        db_constraint=False,
    )
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    status = models.CharField(_("status"), max_length=10, choices=EntryStatus.choices)
    # jaring.rules.programmes.Ineligible bits; ``reason`` is the first of them (0 = none).
    reasons = models.PositiveIntegerField(_("rules not met"), default=0)
    reason = models.PositiveIntegerField(_("first rule not met"), default=0)
    # jaring.rules.programmes.Caution bits.
    cautions = models.PositiveIntegerField(_("to check"), default=0)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    age = models.PositiveSmallIntegerField(_("age at the first month"), null=True, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    occupation = models.ForeignKey(
        "registry.OccupationCategory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    income_basis = models.PositiveIntegerField(_("income basis (Rp)"))
    cost = models.PositiveBigIntegerField(_("iuran for the period (Rp)"), default=0)
    first_iuran = models.PositiveIntegerField(_("iuran, first month (Rp)"), default=0)
    incumbent = models.BooleanField(_("in the previous version"), default=False)
    conflict_programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    exclusion_list = models.ForeignKey(
        ReferenceList,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    partner = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    change_reason = models.CharField(
        _("reason for the change"), max_length=16, choices=ChangeReason.choices, blank=True
    )
    change_note = models.CharField(_("note"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    changed_at = models.DateTimeField(_("changed"), null=True, blank=True)

    class Meta:
        verbose_name = _("decree entry")
        verbose_name_plural = _("decree entries")

    def __str__(self) -> str:
        return f"{self.decree_id}:{self.person_id} {self.status}"


class DecreeMember(RegionScopedModel):
    """One row of a signed decree's lampiran, as it was on signing. Never updated."""

    region_path = "region"

    pk = models.CompositePrimaryKey("decree", "position")
    decree = models.ForeignKey(
        Decree,
        on_delete=models.PROTECT,
        related_name="members",
        db_index=False,  # the primary key starts with it
        db_constraint=False,
    )
    position = models.PositiveIntegerField(_("no."))
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    nik_cipher = models.BinaryField(_("NIK (encrypted)"))
    name = models.CharField(_("name"), max_length=150)
    birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1)
    address = models.CharField(_("address"), max_length=255, blank=True)
    rt_rw = models.CharField(_("RT/RW"), max_length=9, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    village_name = models.CharField(_("desa/kelurahan"), max_length=120)
    district_name = models.CharField(_("kecamatan"), max_length=120)
    occupation = models.ForeignKey(
        "registry.OccupationCategory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    occupation_name = models.CharField(_("occupation"), max_length=200)
    income_basis = models.PositiveIntegerField(_("income basis (Rp)"))
    added_by_hand = models.BooleanField(_("added by hand"), default=False)

    class Meta:
        verbose_name = _("decree member")
        verbose_name_plural = _("decree members")
        indexes = [models.Index(fields=["decree", "person"], name="decree_member_person")]

    def __str__(self) -> str:
        return f"{self.decree_id}:{self.position} {self.name}"


#: Where a decree member's NIK is stored: bound to (decree, position), encrypted again from the
#: person's own ciphertext when the decree is signed.
MEMBER_NIK_SLOT = crypto.slot(DecreeMember, "nik_cipher")


class MembershipQuerySet(RegionScopedQuerySet):
    def covering(self, month: date | Month) -> Self:
        """Memberships that cover ``month`` (any day of it, or a :class:`Month`)."""
        first_day = month.first_day if isinstance(month, Month) else month.replace(day=1)
        return self.filter(first_month__lte=first_day, last_month__gte=first_day)

    def overlapping(self, first: date | Month, last: date | Month) -> Self:
        """Memberships covering at least one month of ``first``..``last``."""
        start = first.first_day if isinstance(first, Month) else first.replace(day=1)
        end = last.first_day if isinstance(last, Month) else last.replace(day=1)
        return self.filter(first_month__lte=end, last_month__gte=start)


MembershipManager = models.Manager.from_queryset(MembershipQuerySet)


class Membership(RegionScopedModel):
    """A person covered by a programme for the months ``first_month``..``last_month``.

    One row per person and signed version: the version that covers the months. When a later
    version takes over, this row's ``last_month`` is cut to the month before and
    ``end_reason`` says why (``continued`` when the person stays); ``since_month`` carries
    the start of the unbroken coverage by the programme across versions (for claims:
    "a member since when").
    """

    region_path = "region"

    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # membership_person
        db_constraint=False,
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="memberships", db_index=False
    )
    decree = models.ForeignKey(
        Decree, on_delete=models.PROTECT, related_name="memberships", db_constraint=False
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # membership_region_prefix
        db_constraint=False,
    )
    occupation = models.ForeignKey(
        "registry.OccupationCategory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    funder = models.CharField(_("funder"), max_length=14, choices=Funder.choices)
    income_basis = models.PositiveIntegerField(_("income basis (Rp)"))
    jht = models.BooleanField(_("JHT included"), default=False)
    first_month = models.DateField(_("first month"))
    last_month = models.DateField(_("last month"))
    since_month = models.DateField(_("member since"))
    ended_by = models.ForeignKey(
        Decree,
        verbose_name=_("ended by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    end_reason = models.CharField(
        _("end reason"), max_length=16, choices=ChangeReason.choices, blank=True
    )
    # Covered by another programme in at least one of the same months: flagged, never dropped.
    double_funded = models.BooleanField(_("covered twice"), default=False)
    created_at = models.DateTimeField(_("created"))

    objects: ClassVar[MembershipManager] = MembershipManager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["programme", "first_month", "person"]
        indexes = [
            # Bills: a programme's members in month M. Rows that ended before M are skipped
            # by the range on last_month, so old versions cost nothing as years pass.
            models.Index(
                fields=["programme", "last_month", "first_month"],
                name="membership_programme_month",
            ),
            # Claims: a person's coverage in month M.
            models.Index(fields=["person", "last_month"], name="membership_person"),
            models.Index(
                fields=["region"],
                name="membership_region_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_month__lte=models.F("last_month")),
                name="membership_period",
            ),
            models.CheckConstraint(
                condition=models.Q(since_month__lte=models.F("first_month")),
                name="membership_since",
            ),
        ]

    def __str__(self) -> str:
        first, last = f"{self.first_month:%Y-%m}", f"{self.last_month:%Y-%m}"
        return f"{self.person_id} @ {self.programme_id} {first}..{last}"

    def covers(self, month: date | Month) -> bool:
        first_day = month.first_day if isinstance(month, Month) else month.replace(day=1)
        return self.first_month <= first_day <= self.last_month

    @property
    def months(self) -> int:
        return Month.of(self.last_month) - Month.of(self.first_month) + 1


class LampiranStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RENDERING = "rendering", _("Rendering")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class LampiranFile(RegionScopedModel):
    """A rendered PDF lampiran of a signed version (rendered once, in the background; the
    frozen rows make every rendering byte-identical)."""

    region_path = "decree__programme__region"

    decree = models.ForeignKey(Decree, on_delete=models.CASCADE, related_name="files")
    full_nik = models.BooleanField(_("full NIK"))
    status = models.CharField(
        _("status"), max_length=10, choices=LampiranStatus.choices, default=LampiranStatus.QUEUED
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="lampiran/%Y/%m/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    pages = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lampiran file")
        verbose_name_plural = _("lampiran files")
        constraints = [
            models.UniqueConstraint(fields=["decree", "full_nik"], name="lampiran_file_unique")
        ]

    def __str__(self) -> str:
        return f"{self.decree_id} {'full' if self.full_nik else 'masked'} {self.status}"


def month_start(value: date | Month | str) -> date:
    """The first day of a month given as a date, a :class:`Month` or ``"YYYY-MM"``."""
    if isinstance(value, str):
        return Month.parse(value).first_day
    if isinstance(value, Month):
        return value.first_day
    return value.replace(day=1)


def as_month(value: date) -> Month:
    return Month.of(value)


__all__: list[str] = [
    "DEFAULT_CRITERIA",
    "MEMBER_STATUSES",
    "ApbdesSource",
    "ChangeReason",
    "Criterion",
    "Decree",
    "DecreeEntry",
    "DecreeMember",
    "DecreeStatus",
    "EntryStatus",
    "Funder",
    "LampiranFile",
    "LampiranStatus",
    "Membership",
    "MembershipQuerySet",
    "Programme",
    "ProgrammeCategory",
    "ProgrammePriority",
    "ReferenceEntry",
    "ReferenceKind",
    "ReferenceList",
    "WadahType",
    "as_month",
    "month_start",
]


class MembershipTally(Tally):
    """Memberships covering each month, by the desa of the member; per kecamatan and above also
    by funder and occupation category. Kept as flows: a membership adds one in its first month
    and takes one away in the month after its last, so the sum of the months up to M is the
    number of memberships covering M (see :mod:`jaring.programmes.tallies`)."""

    dimensions: ClassVar[tuple[str, ...]] = ("funder", "occupation")

    class Meta:
        verbose_name = _("membership tally")
        verbose_name_plural = _("membership tallies")
        constraints = tally_constraints("membership_tally")
        indexes = tally_indexes("membership_tally")
