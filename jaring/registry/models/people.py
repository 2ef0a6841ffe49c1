"""People and their occupations: the registry itself.

A :class:`Person` is the one current record of a worker. Each time a list mentions the worker,
an :class:`~jaring.registry.models.imports.ImportRow` keeps what that list said (which file,
which row, which values), so the history of a person is the rows that point at them, plus the
audit log of edits.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring.core import crypto
from jaring.core.messages import shown
from jaring.core.scoping import RegionScopedModel
from jaring.rules.messages import Message


class Sex(models.TextChoices):
    MALE = "L", _("Male")
    FEMALE = "P", _("Female")


class OccupationCategory(models.Model):
    """A category of pekerja rentan (e.g. ``ojek_pangkalan``), as named in Pemda decrees."""

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    # The taxonomy's English msgid ("Neighbourhood (RT/RW) head"); :attr:`label` is what a
    # reader sees ("Ketua RT/RW" in Indonesian).
    name = models.CharField(_("name"), max_length=100)
    group = models.CharField(_("group"), max_length=60)
    # PP 50/2025 gives transport-sector BPU a longer contribution discount (RULES.md §1.4).
    is_transport = models.BooleanField(_("transport sector"), default=False)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("occupation category")
        verbose_name_plural = _("occupation categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The category's name in the reader's language."""
        return shown(Message(self.name))


class OccupationSynonym(models.Model):
    """A way of writing an occupation ("opang", "tkg ojek") that means a category.

    National synonyms ship with Jaring (``region`` empty); a kab/kota admin adds local ones,
    which apply to lists of that kab/kota only.
    """

    category = models.ForeignKey(
        OccupationCategory, on_delete=models.CASCADE, related_name="synonyms"
    )
    text = models.CharField(_("written as"), max_length=100)
    key = models.CharField(max_length=100, editable=False)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("occupation synonym")
        verbose_name_plural = _("occupation synonyms")
        constraints = [
            # Two partial indexes instead of NULLS NOT DISTINCT, which SQLite lacks.
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(region__isnull=True),
                name="occupation_synonym_national_unique",
            ),
            models.UniqueConstraint(
                fields=["key", "region"],
                condition=models.Q(region__isnull=False),
                name="occupation_synonym_local_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.text} → {self.category_id}"


class OccupationMatch(models.TextChoices):
    """How the free-text occupation was tied to a category."""

    SYNONYM = "synonym", _("Known spelling")
    FUZZY = "fuzzy", _("Close spelling (check)")
    MANUAL = "manual", _("Set by hand")
    UNCLASSIFIED = "unclassified", _("Not classified (review)")


class PersonStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    INACTIVE = "inactive", _("No longer listed")
    DECEASED = "deceased", _("Deceased")
    MERGED = "merged", _("Merged into another record")


class StatusReason(models.TextChoices):
    """Why a person left the working lists (with :attr:`Person.status_date`)."""

    MOVED = "moved", _("Moved away")
    FORMAL_WORK = "formal_work", _("Found formal work")
    DECLINED = "declined", _("Declined to take part")
    DECEASED = "deceased", _("Died")
    OTHER = "other", _("Other reason")


#: The reasons that fit each status a person can be given by hand.
STATUS_REASONS: dict[str, tuple[StatusReason, ...]] = {
    PersonStatus.INACTIVE: (
        StatusReason.MOVED,
        StatusReason.FORMAL_WORK,
        StatusReason.DECLINED,
        StatusReason.OTHER,
    ),
    PersonStatus.DECEASED: (StatusReason.DECEASED,),
    PersonStatus.REGISTERED: (),
}


class Person(RegionScopedModel):
    # Indexes are declared in Meta, not with unique=/db_index=: on PostgreSQL Django would add
    # a second "_like" index to each, which equality-only columns never use and every COPY
    # of a million rows would have to maintain (ADR 0004).
    nik_cipher = models.BinaryField(_("NIK (encrypted)"))
    nik_index = models.CharField(max_length=32, editable=False)
    name = models.CharField(_("name (as on KTP)"), max_length=150)
    name_normalized = models.CharField(max_length=150, editable=False)
    birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    address = models.CharField(_("address"), max_length=255, blank=True)
    rt_rw = models.CharField(_("RT/RW"), max_length=9, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # person_region_prefix serves equality and prefix (LIKE 'x.%') alike
        db_constraint=False,  # ADR 0004: checked by the import; see registry.integrity
    )
    phone_cipher = models.BinaryField(_("phone (encrypted)"), null=True, blank=True)
    # NULL, not "", for "no phone": blind indexes are compared, and "" would match every blank.
    phone_index = models.CharField(max_length=32, null=True, blank=True)  # noqa: DJ001
    occupation_text = models.CharField(_("occupation (as written)"), max_length=200, blank=True)
    occupation = models.ForeignKey(
        OccupationCategory,
        verbose_name=_("occupation category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        db_index=False,  # person_occupation in Meta
        db_constraint=False,  # ADR 0004
    )
    occupation_match = models.CharField(
        max_length=12, choices=OccupationMatch.choices, default=OccupationMatch.UNCLASSIFIED
    )
    # The contribution basis (the programme's, Rp 1.000.000 unless it says otherwise); what a
    # list declares as income is kept apart, as given, and never decides the basis.
    income_basis = models.PositiveIntegerField(_("contribution basis (Rp)"), default=1_000_000)
    declared_income = models.PositiveBigIntegerField(
        _("declared income (Rp)"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=PersonStatus.choices, default=PersonStatus.REGISTERED
    )
    # Why and since when a person is inactive or deceased (empty while registered).
    # Database defaults: bulk writes (core.bulk) name only the columns they fill.
    status_reason = models.CharField(
        _("reason"), max_length=12, choices=StatusReason.choices, blank=True, db_default=""
    )
    status_date = models.DateField(_("since"), null=True, blank=True)
    status_note = models.CharField(_("note"), max_length=200, blank=True, db_default="")
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_people",
        db_index=False,  # a partial index below: almost every row is NULL here
    )
    source_batch = models.ForeignKey(
        "registry.ImportBatch",
        verbose_name=_("first listed in"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # never looked up by batch; ImportRow.person is the way back
        db_constraint=False,  # ADR 0004
    )
    # The list row that created this person: (source_batch, source_sheet, source_row) is the
    # primary key of that ImportRow, so the row is found without an index on its person.
    source_sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    source_row = models.PositiveIntegerField(_("row"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name_normalized", "id"]
        indexes = [
            models.Index(
                fields=["region"], name="person_region_prefix", opclasses=["varchar_pattern_ops"]
            ),
            # Lists are sorted by name; the id makes the order total for stable pages.
            models.Index(fields=["name_normalized", "id"], name="person_name_order"),
            # No index on occupation or on the phone's blind index: nothing looks people up by
            # either without a region first, and each index costs ~2.5 µs a row in a million-row
            # COPY (ADR 0004). Add one with the feature that needs it.
            models.Index(
                fields=["merged_into"],
                name="person_merged_into",
                condition=models.Q(merged_into__isnull=False),
            ),
            # The list's "merged into another record" filter, in the list's order: a few rows,
            # where the name index would be walked to its end to find them (11 s at a million).
            models.Index(
                fields=["name_normalized", "id"],
                name="person_merged_order",
                condition=models.Q(status="merged"),
            ),
        ]
        constraints = [
            # Written as an expression, so that SQLite too makes it an index of its own (a
            # plain column list would become part of the table) which core.bulk can build
            # after a first large load, as it does on PostgreSQL: a unique index built once by
            # sorting costs a fraction of growing it a row at a time. Both databases treat
            # ("nik_index") as the plain column, so lookups and joins use it as before.
            models.UniqueConstraint(models.F("nik_index"), name="person_nik_unique"),
            models.CheckConstraint(
                condition=models.Q(income_basis__gte=1_000_000), name="person_income_basis_min"
            ),
        ]

    #: Indexes only PostgreSQL has (created by migration 0012 there, dropped and built again
    #: around large copies like ``Meta.indexes``: see core.bulk): the trigram index that
    #: answers name search by spelling (registry.filters.name_like_q) and ``LIKE '%x%'``.
    postgresql_indexes: ClassVar[tuple[models.Index, ...]] = (
        GinIndex(fields=["name_normalized"], name="person_name_trgm", opclasses=["gin_trgm_ops"]),
    )

    def __str__(self) -> str:
        return self.name

    @property
    def nik(self) -> str:
        return crypto.field_decrypt(self, "nik_cipher") or ""

    @property
    def phone(self) -> str:
        return crypto.field_decrypt(self, "phone_cipher") or ""

    def set_nik(self, nik: str) -> None:
        """Encrypted for this row: a new person's id is reserved first (``person_add``)."""
        self.nik_cipher = crypto.field_encrypt(self, "nik_cipher", nik)
        self.nik_index = crypto.blind_index(nik, purpose="nik")

    def set_phone(self, phone: str) -> None:
        self.phone_cipher = crypto.field_encrypt(self, "phone_cipher", phone)
        self.phone_index = crypto.blind_index(phone, purpose="phone") if phone else None


#: Where people's NIKs and phones are stored, for column-wise encryption and decryption (each
#: value bound to its person's id).
NIK_SLOT = crypto.slot(Person, "nik_cipher")
PHONE_SLOT = crypto.slot(Person, "phone_cipher")
