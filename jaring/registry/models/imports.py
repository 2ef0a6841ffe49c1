"""Uploaded lists: the batch, its staging rows (which stay as provenance) and their problems."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring.core.messages import shown
from jaring.core.scoping import RegionScopedModel
from jaring.registry.imports.problems import problem_message
from jaring.registry.models.people import OccupationCategory, OccupationMatch, Person
from jaring.rules.config import FUNDER_LABELS, FUNDERS
from jaring.rules.messages import Message


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
    # The process running it stopped (a crash, a restart): marked at the next start.
    INTERRUPTED = "interrupted", _("Interrupted, run it again")


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
    # Who pays for the people of this list, when known: the cross-funder check compares it.
    funder = models.CharField(
        _("funder"),
        max_length=10,
        blank=True,
        choices=[(f, FUNDER_LABELS[f]) for f in FUNDERS],
    )
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
    # Why the run failed, as a problem code and its parameters (rendered when shown).
    error_code = models.CharField(max_length=40, blank=True)
    error_params = models.JSONField(default=dict, blank=True)
    rows = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    # Rows kept for a person's decision (which village, which of two rows of one NIK): neither
    # saved nor refused.
    held = models.PositiveIntegerField(default=0)
    # Rows that would change a registered person's name, birth date or sex: the change waits
    # for a person's confirmation (the rest of the row is applied).
    changes_held = models.PositiveIntegerField(default=0)
    # How many people each field was changed for ({"address": 3}): what the result page says.
    changes = models.JSONField(default=dict, blank=True)
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
    # The process running the batch (host, pid, when it started: jaring.core.scratch.Owner),
    # set with the move to *checking*, cleared when it ends. A batch left running by a process
    # that is gone is marked interrupted at the next start (imports.recovery).
    runner_host = models.CharField(max_length=64, blank=True)
    runner_pid = models.PositiveIntegerField(null=True, blank=True)
    runner_since = models.CharField(max_length=64, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.source_name})"

    @property
    def error(self) -> str:
        """Why the run failed, in the reader's language ("" when it did not)."""
        if not self.error_code:
            return ""
        return shown(problem_message(self.error_code, self.error_params))


class RowState(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    WARNING = "warning", _("Accepted with warnings")
    HELD = "held", _("Held for a decision")
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
    HELD = "held", _("Held for a decision, not saved yet")
    NONE = "none", _("Rejected, not saved")


class ImportRow(RegionScopedModel):
    """One row of an uploaded list after the checks: staging row, then provenance once saved.

    It keeps the values the list gave (cleaned), except on a row that created its person: those
    values are the person's record as created, and any later change to that record is in the
    audit trail with its before and after, so they are not stored a second time (a first list
    of a million people would otherwise write every value twice).
    """

    region_path = "batch__region"

    # A row is identified by where it was in the file: (batch, sheet, row). As the primary key
    # this is one index, not a surrogate id plus a unique index, for a million rows per import.
    pk = models.CompositePrimaryKey("batch", "sheet", "row_number")
    # No database-level constraints on this table's foreign keys: its rows are written by COPY
    # in the same transaction as what they point at (ADR 0004).
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.CASCADE,
        related_name="import_rows",
        db_index=False,
        db_constraint=False,
    )
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    row_number = models.PositiveIntegerField(_("row"))
    state = models.CharField(_("state"), max_length=10, choices=RowState.choices)
    action = models.CharField(
        _("result"), max_length=10, choices=RowAction.choices, default=RowAction.PENDING
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_rows",
        db_index=False,  # a partial index in Meta: see import_row_mentions
        db_constraint=False,
    )
    # Set when a merge moved this row from a duplicate to the surviving person.
    merged_from = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    # Only the blind index of the NIK: the person holds the encrypted NIK, and the list's own
    # writing of it stays in the uploaded file. NULL when no NIK could be read (rejected row).
    nik_index = models.CharField(max_length=32, null=True, blank=True)  # noqa: DJ001
    name = models.CharField(max_length=150, blank=True)
    birth_place = models.CharField(max_length=100, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    address = models.CharField(max_length=255, blank=True)
    rt_rw = models.CharField(max_length=9, blank=True)
    # No index on these two: staging rows are read by batch and by person, never by region or
    # occupation, and every index slows the COPY of a million rows.
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    phone_cipher = models.BinaryField(null=True, blank=True)
    occupation_text = models.CharField(max_length=200, blank=True)
    occupation = models.ForeignKey(
        OccupationCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    occupation_match = models.CharField(
        max_length=12, choices=OccupationMatch.choices, default=OccupationMatch.UNCLASSIFIED
    )
    income_basis = models.PositiveIntegerField(null=True, blank=True)
    declared_income = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")
        ordering = ["batch", "sheet", "row_number"]
        indexes = [
            # The rows that *created* their person (most of every import) are found from the
            # person (source_batch, source_sheet, source_row = this primary key); only the
            # other mentions need an index on the person. Saves an index entry per created row.
            models.Index(
                fields=["person"],
                name="import_row_mentions",
                condition=~models.Q(action="created"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_number}"


class ImportProblem(RegionScopedModel):
    """One finding about one row: a stable code, the column it concerns, and the parameters of
    its message (the sentence is rendered in the reader's language when shown)."""

    region_path = "batch__region"

    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.CASCADE,
        related_name="problems",
        db_index=False,
        db_constraint=False,  # ADR 0004
    )
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    row_number = models.PositiveIntegerField(_("row"))
    code = models.CharField(_("code"), max_length=40)
    severity = models.CharField(_("severity"), max_length=7)
    column = models.CharField(_("column"), max_length=100, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)

    class Meta:
        verbose_name = _("import problem")
        verbose_name_plural = _("import problems")
        # Problems are read per batch (all, or one code): the row index serves both.
        indexes = [
            models.Index(fields=["batch", "sheet", "row_number"], name="import_problem_row"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_number} {self.code}"

    @property
    def message(self) -> Message:
        return problem_message(self.code, self.params)

    @property
    def detail(self) -> str:
        """The message in the reader's language."""
        return shown(self.message)


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
