"""The person registry: people, their occupations, and the lists they came from.

A :class:`Person` is the one current record of a worker. Each time a list mentions the worker,
an :class:`ImportRow` keeps what that list said (which file, which row, which values), so the
history of a person is the sequence of rows that point at them, plus the audit log of edits.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring.accounts.scoping import RegionScopedModel
from jaring.core import crypto


class Sex(models.TextChoices):
    MALE = "L", _("Male")
    FEMALE = "P", _("Female")


class OccupationCategory(models.Model):
    """A category of pekerja rentan (e.g. ``ojek_pangkalan``), as named in Pemda decrees."""

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    group = models.CharField(_("group"), max_length=60)
    # PP 50/2025 gives transport-sector BPU a longer contribution discount (RULES.md §1.4).
    is_transport = models.BooleanField(_("transport sector"), default=False)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("occupation category")
        verbose_name_plural = _("occupation categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


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


class Person(RegionScopedModel):
    nik_cipher = models.BinaryField(_("NIK (encrypted)"))
    nik_index = models.CharField(max_length=32, unique=True, editable=False)
    name = models.CharField(_("name (as on KTP)"), max_length=150)
    name_normalized = models.CharField(max_length=150, db_index=True, editable=False)
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
    )
    phone_cipher = models.BinaryField(_("phone (encrypted)"), null=True, blank=True)
    # NULL, not "", for "no phone": blind indexes are compared, and "" would match every blank.
    phone_index = models.CharField(  # noqa: DJ001
        max_length=32, null=True, blank=True, db_index=True
    )
    occupation_text = models.CharField(_("occupation (as written)"), max_length=200, blank=True)
    occupation = models.ForeignKey(
        OccupationCategory,
        verbose_name=_("occupation category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )
    occupation_match = models.CharField(
        max_length=12, choices=OccupationMatch.choices, default=OccupationMatch.UNCLASSIFIED
    )
    income_basis = models.PositiveIntegerField(_("declared income basis (Rp)"), default=1_000_000)
    status = models.CharField(
        _("status"), max_length=12, choices=PersonStatus.choices, default=PersonStatus.REGISTERED
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_people"
    )
    source_batch = models.ForeignKey(
        "ImportBatch",
        verbose_name=_("first listed in"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
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
            models.Index(fields=["occupation"], name="person_occupation"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(income_basis__gte=1_000_000), name="person_income_basis_min"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def nik(self) -> str:
        return crypto.decrypt(self.nik_cipher)

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_cipher) if self.phone_cipher else ""

    def set_nik(self, nik: str) -> None:
        self.nik_cipher = crypto.encrypt(nik)
        self.nik_index = crypto.blind_index(nik, purpose="nik")

    def set_phone(self, phone: str) -> None:
        self.phone_cipher = crypto.encrypt(phone) if phone else None
        self.phone_index = crypto.blind_index(phone, purpose="phone") if phone else None


class OnExisting(models.TextChoices):
    """What an import does with a NIK that is already in the registry."""

    UPDATE = "update", _("Update the registry with the new values")
    SKIP = "skip", _("Keep the registry as it is")
    CONFLICT = "conflict", _("Hold for review when the values differ")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    QUEUED = "queued", _("Queued")
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked, waiting to be saved")
    COMMITTING = "committing", _("Saving")
    COMMITTED = "committed", _("Saved")
    FAILED = "failed", _("Failed")


class ImportBatch(RegionScopedModel):
    """One uploaded list: the file, the choices made for it and what came of it."""

    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    file_size = models.PositiveBigIntegerField()
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    source_name = models.CharField(_("source"), max_length=150)
    on_existing = models.CharField(
        _("when the NIK exists"),
        max_length=10,
        choices=OnExisting.choices,
        default=OnExisting.UPDATE,
    )
    dry_run = models.BooleanField(_("check only"), default=False)
    # Field name -> column header, as confirmed by the user; saved per source for next time.
    column_map = models.JSONField(_("column mapping"), default=dict)
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    stage = models.CharField(max_length=40, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    rows = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    duplicates_in_file = models.PositiveIntegerField(default=0)
    existing = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    conflicts = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.source_name})"


class RowState(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    WARNING = "warning", _("Accepted with warnings")
    REJECTED = "rejected", _("Rejected")


class RowAction(models.TextChoices):
    """What committing the row did to the registry."""

    PENDING = "pending", _("Not saved yet")
    CREATED = "created", _("New person")
    UPDATED = "updated", _("Person updated")
    UNCHANGED = "unchanged", _("Already up to date")
    SKIPPED = "skipped", _("Existing person kept")
    CONFLICT = "conflict", _("Differs from the registry (review)")
    DUPLICATE = "duplicate", _("Repeats an earlier row of the file")
    NONE = "none", _("Rejected, not saved")


class ImportRow(RegionScopedModel):
    """One row of an uploaded list after the checks: staging row, then provenance once saved."""

    region_path = "batch__region"

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="import_rows")
    row_number = models.PositiveIntegerField(_("row"))
    state = models.CharField(_("state"), max_length=10, choices=RowState.choices)
    action = models.CharField(
        _("result"), max_length=10, choices=RowAction.choices, default=RowAction.PENDING
    )
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="import_rows"
    )
    nik_cipher = models.BinaryField(null=True, blank=True)
    # NULL when the row's NIK could not be read at all (the row is rejected).
    nik_index = models.CharField(max_length=32, null=True, blank=True, db_index=True)  # noqa: DJ001
    name = models.CharField(max_length=150, blank=True)
    birth_place = models.CharField(max_length=100, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    address = models.CharField(max_length=255, blank=True)
    rt_rw = models.CharField(max_length=9, blank=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    phone_cipher = models.BinaryField(null=True, blank=True)
    occupation_text = models.CharField(max_length=200, blank=True)
    occupation = models.ForeignKey(
        OccupationCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occupation_match = models.CharField(
        max_length=12, choices=OccupationMatch.choices, default=OccupationMatch.UNCLASSIFIED
    )
    income_basis = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")
        ordering = ["batch", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="import_row_unique")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_number}"


class ImportProblem(RegionScopedModel):
    """One finding about one row: a stable code, the column it concerns, and details."""

    region_path = "batch__region"

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="problems")
    row_number = models.PositiveIntegerField(_("row"))
    code = models.CharField(_("code"), max_length=40)
    severity = models.CharField(_("severity"), max_length=7)
    column = models.CharField(_("column"), max_length=100, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("import problem")
        verbose_name_plural = _("import problems")
        indexes = [models.Index(fields=["batch", "row_number"], name="import_problem_row")]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_number} {self.code}"


class SourceMapping(models.Model):
    """The column mapping last confirmed for a source, offered again for its next file."""

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    source_name = models.CharField(max_length=150)
    column_map = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "source_name"], name="source_mapping_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.source_name}"
