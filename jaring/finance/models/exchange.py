"""The files exchanged with the BPJS Ketenagakerjaan branch.

- Out: the collective registration file (:class:`RegistrationFile`) of a signed decree
  version, with the columns of a :class:`RegistrationTemplate` an administrator edits
  (the branch's template is not public: RULES.md §3, open question Q8).
- In: the branch's response (:class:`ResponseFile`), one :class:`ResponseRow` per row as read —
  every row is kept and listed, including rows whose NIK is in no decree of the programme and
  rows that could not be read, each with its problem codes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring.core.scoping import RegionScopedModel


class RegistrationField(models.TextChoices):
    """What a column of the registration file holds."""

    NIK = "nik", _("NIK")
    NAME = "name", _("Name (as on KTP)")
    BIRTH_PLACE = "birth_place", _("Place of birth")
    BIRTH_DATE = "birth_date", _("Date of birth")
    SEX = "sex", _("Sex (L/P)")
    ADDRESS = "address", _("Address")
    RT_RW = "rt_rw", _("RT/RW")
    REGION_CODE = "region_code", _("Region code (Kemendagri)")
    VILLAGE = "village", _("Desa/kelurahan")
    DISTRICT = "district", _("Kecamatan")
    PHONE = "phone", _("Mobile number")
    OCCUPATION = "occupation", _("Occupation")
    INCOME_BASIS = "income_basis", _("Income basis (Rp)")
    BENEFITS = "benefits", _("Benefits (JKK+JKM, +JHT)")
    PERIOD = "period", _("Period (first–last month)")
    FUNDER = "funder", _("Source of funds")
    WADAH = "wadah", _("Wadah type")
    SK_NUMBER = "sk_number", _("Decree (SK) number")
    KPJ = "kpj", _("KPJ (when known)")


#: The default template's columns: (field, heading), in order (issue 16).
DEFAULT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("nik", "NIK"),
    ("name", "NAMA"),
    ("birth_place", "TEMPAT LAHIR"),
    ("birth_date", "TANGGAL LAHIR"),
    ("sex", "JENIS KELAMIN"),
    ("address", "ALAMAT"),
    ("region_code", "KODE WILAYAH"),
    ("phone", "NO HP"),
    ("occupation", "PEKERJAAN"),
    ("benefits", "PROGRAM"),
    ("period", "PERIODE"),
    ("funder", "SUMBER DANA"),
    ("wadah", "JENIS WADAH"),
    ("sk_number", "NOMOR SK"),
)


class RegistrationTemplate(RegionScopedModel):
    """The columns the branch wants in a collective registration file. A template of a
    region (a kab/kota, say, for its branch) is used for that region's programmes; the
    national one (no region) otherwise."""

    name = models.CharField(_("name"), max_length=120)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("registration file template")
        verbose_name_plural = _("registration file templates")
        constraints = [
            models.UniqueConstraint(
                fields=["region"],
                condition=models.Q(region__isnull=False),
                name="registration_template_region",
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(region__isnull=True),
                name="registration_template_national",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RegistrationColumn(models.Model):
    template = models.ForeignKey(
        RegistrationTemplate, on_delete=models.CASCADE, related_name="columns"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    field = models.CharField(_("holds"), max_length=16, choices=RegistrationField.choices)
    heading = models.CharField(_("heading"), max_length=80)

    class Meta:
        verbose_name = _("registration file column")
        verbose_name_plural = _("registration file columns")
        ordering = ["template", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "position"], name="registration_column_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.heading}"


class RegistrationFile(RegionScopedModel):
    """A registration file made for a signed decree version (who, when, how many, which)."""

    region_path = "decree__programme__region"

    decree = models.ForeignKey("programmes.Decree", on_delete=models.PROTECT, related_name="+")
    template = models.ForeignKey(
        RegistrationTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    everyone = models.BooleanField(_("everyone (renewal)"), default=False)
    file_format = models.CharField(_("format"), max_length=4)
    rows = models.PositiveIntegerField(_("rows"))
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("made"), auto_now_add=True)

    class Meta:
        verbose_name = _("registration file")
        verbose_name_plural = _("registration files")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.decree_id} {self.rows} {self.file_format}"


class ResponseFile(RegionScopedModel):
    """A return list from the branch, read and applied to the programme's enrolments."""

    region_path = "programme__region"

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    file_format = models.CharField(_("format"), max_length=10)
    header_row = models.PositiveIntegerField(_("header row"))
    # The headers read for each field ("" when the file has none).
    nik_column = models.CharField(max_length=100)
    kpj_column = models.CharField(max_length=100, blank=True)
    status_column = models.CharField(max_length=100, blank=True)
    reason_column = models.CharField(max_length=100, blank=True)
    tmt_column = models.CharField(max_length=100, blank=True)
    name_column = models.CharField(max_length=100, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    registered = models.PositiveIntegerField(_("registered"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    inactive = models.PositiveIntegerField(_("non-active"), default=0)
    not_in_sk = models.PositiveIntegerField(_("in no decree of the programme"), default=0)
    unreadable = models.PositiveIntegerField(_("unreadable"), default=0)
    held = models.PositiveIntegerField(_("held (contradicting rows)"), default=0)
    repeated = models.PositiveIntegerField(_("repeated rows"), default=0)
    changed = models.PositiveIntegerField(_("enrolments changed"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("BPJS response file")
        verbose_name_plural = _("BPJS response files")
        ordering = ["-imported_at"]
        constraints = [
            # The same file twice changes nothing: its second upload finds the first.
            models.UniqueConstraint(fields=["programme", "sha256"], name="response_file_once"),
        ]

    def __str__(self) -> str:
        return self.file_name


class RowOutcome(models.TextChoices):
    APPLIED = "applied", _("Applied")
    UNCHANGED = "unchanged", _("Already so")
    NOT_IN_SK = "not_in_sk", _("In no decree of the programme")
    UNREADABLE = "unreadable", _("Could not be read")
    HELD = "held", _("Contradicts another row (held)")
    REPEATED = "repeated", _("Repeats an earlier row")


class ResponseRow(RegionScopedModel):
    """One row of a response file as read, cleaned, and what came of it. ``problems`` are
    codes (:mod:`jaring.finance.messages`) whose sentences take this row's own values."""

    region_path = "response__programme__region"

    pk = models.CompositePrimaryKey("response", "sheet", "row_number")
    response = models.ForeignKey(
        ResponseFile,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    row_number = models.PositiveIntegerField(_("row"))
    nik_index = models.CharField(max_length=32, null=True, blank=True)  # noqa: DJ001
    # Kept (encrypted) so a row in no decree can be shown and followed up.
    nik_cipher = models.BinaryField(null=True, blank=True)
    nik_text = models.CharField(_("NIK as written"), max_length=40, blank=True)
    name = models.CharField(_("name as written"), max_length=150, blank=True)
    kpj = models.CharField(_("KPJ"), max_length=20, blank=True)
    kpj_text = models.CharField(_("KPJ as written"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=10, blank=True)
    status_text = models.CharField(_("status as written"), max_length=60, blank=True)
    reason = models.CharField(_("reason as written"), max_length=300, blank=True)
    reason_code = models.CharField(_("reason"), max_length=20, blank=True)
    tmt = models.DateField(_("TMT"), null=True, blank=True)
    tmt_text = models.CharField(_("TMT as written"), max_length=40, blank=True)
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=RowOutcome.choices)
    # Parameters of the repeat problems: the row repeated, the rows that disagree.
    repeat_of = models.PositiveIntegerField(_("repeats row"), null=True, blank=True)
    conflict_rows = models.CharField(_("disagreeing rows"), max_length=200, blank=True)
    problems = models.CharField(_("problems"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("BPJS response row")
        verbose_name_plural = _("BPJS response rows")

    def __str__(self) -> str:
        return f"{self.response_id}:{self.row_number} {self.outcome}"

    @property
    def problem_codes(self) -> list[str]:
        return [code for code in self.problems.split(",") if code]
