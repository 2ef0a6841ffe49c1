"""What monitoring stores itself: targets, figures reported by others, and the Paritrana
scorecard's configuration and hand-given scores. Counts of rows are not stored here: each stage
keeps its own tallies (ADR 0011) and monitoring composes them (``selectors``)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring.core.scoping import RegionScopedModel


class Measure(models.TextChoices):
    """What a target or a coverage figure counts."""

    UCJ_PCT = "ucj_pct", _("Universal coverage (UCJ), %")
    REGISTERED = "registered", _("Vulnerable workers registered")
    IN_SK = "in_sk", _("Vulnerable workers in a signed decree (SK)")
    ACTIVE = "active", _("Vulnerable workers active at BPJS (paid)")

    @property
    def is_percent(self) -> bool:
        return self == Measure.UCJ_PCT


class Target(RegionScopedModel):
    """A region's target for a year (Kabupaten Mojokerto: UCJ 50 % for 2024; Kota Pekalongan:
    1,000 workers for 2022, then 2,000)."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    measure = models.CharField(_("measure"), max_length=12, choices=Measure.choices)
    value = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    source = models.CharField(_("set by / source"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["region_id", "year", "measure"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "measure"], name="target_unique"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="target_not_negative"),
            models.CheckConstraint(
                condition=~models.Q(measure="ucj_pct") | models.Q(value__lte=100),
                name="target_percent_at_most_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year} {self.measure} {self.value}"


class FigureKind(models.TextChoices):
    """A figure that someone else reported (BPJS, a news report, a Pemda letter)."""

    BPJS_ACTIVE = "bpjs_active", _("Active BPJS participants, all segments")
    UCJ_PCT = "ucj_pct", _("Universal coverage (UCJ), %")
    WORKING_POPULATION = "working_population", _("Working population (denominator)")
    PROTECTED = "protected", _("Vulnerable workers protected by the Pemda")

    @property
    def is_percent(self) -> bool:
        return self == FigureKind.UCJ_PCT


class ReportedFigure(RegionScopedModel):
    """A figure entered by hand as it was reported, with where it came from: what the rows are
    compared with (Bali's 50.88 % against 935,079 / 1,873,899 = 49.90 %; Cilegon's 17,000
    against its categories' 19,185)."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    as_of = models.DateField(_("as of"))
    kind = models.CharField(_("figure"), max_length=20, choices=FigureKind.choices)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    # For "protected": the occupation categories the figure counts (none: all of them).
    categories = models.ManyToManyField(
        "registry.OccupationCategory",
        verbose_name=_("occupation categories"),
        blank=True,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=200)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("entered"), auto_now_add=True)

    class Meta:
        verbose_name = _("reported figure")
        verbose_name_plural = _("reported figures")
        ordering = ["region_id", "as_of", "kind", "id"]
        indexes = [models.Index(fields=["region", "kind", "as_of"], name="figure_region_kind")]
        constraints = [
            models.CheckConstraint(condition=models.Q(value__gte=0), name="figure_not_negative"),
            models.CheckConstraint(
                condition=~models.Q(kind="ucj_pct") | models.Q(value__lte=100),
                name="figure_percent_at_most_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.as_of} {self.kind} {self.value}"


class AwardCategory(models.TextChoices):
    REGENCY = "kabkota", _("Regency/city government")
    VILLAGE = "desa", _("Village government")


class IndicatorSource(models.TextChoices):
    """Where an indicator's value comes from."""

    SCORED = "scored", _("Scored by the panel (0–100)")
    ENTERED = "entered", _("Entered figure, scaled across the regions")
    COVERAGE = "coverage", _("Coverage % (computed)")
    GROWTH = "growth", _("Coverage growth, points (computed)")
    REGISTERED = "registered", _("Workers registered (computed)")


class AwardScheme(RegionScopedModel):
    """How a province scores its kab/kota (or desa) for the Paritrana Award in a year: the
    indicators and their weights, which must add up to ``weights_total``."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    category = models.CharField(
        _("category"), max_length=8, choices=AwardCategory.choices, default=AwardCategory.REGENCY
    )
    weights_total = models.DecimalField(
        _("weights add up to"), max_digits=6, decimal_places=2, default=Decimal(100)
    )

    class Meta:
        verbose_name = _("award scheme")
        verbose_name_plural = _("award schemes")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "category"], name="award_scheme_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Paritrana {self.region_id} {self.year} {self.category}"


class AwardIndicator(models.Model):
    scheme = models.ForeignKey(AwardScheme, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(_("code"), max_length=30)
    label = models.CharField(_("indicator"), max_length=100)
    source = models.CharField(_("source"), max_length=12, choices=IndicatorSource.choices)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2)
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("award indicator")
        verbose_name_plural = _("award indicators")
        ordering = ["scheme", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="award_indicator_unique"),
            models.CheckConstraint(
                condition=models.Q(weight__gte=0), name="award_weight_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.weight})"


class AwardScore(RegionScopedModel):
    """A hand-given value of one indicator for one region (a panel's score, or an entered
    figure such as the budget per worker)."""

    indicator = models.ForeignKey(AwardIndicator, on_delete=models.CASCADE, related_name="scores")
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("award score")
        verbose_name_plural = _("award scores")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "region"], name="award_score_unique")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.region_id} {self.value}"
