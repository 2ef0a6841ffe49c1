"""Kemendagri administrative regions, their boundaries and the BPS working population."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("Province")
    REGENCY = 2, _("Regency/city")
    DISTRICT = 3, _("District (kecamatan)")
    VILLAGE = 4, _("Village (desa/kelurahan)")


class RegionKind(models.TextChoices):
    PROVINSI = "provinsi", _("Province")
    KABUPATEN = "kabupaten", _("Regency")
    KOTA = "kota", _("City")
    KECAMATAN = "kecamatan", _("District")
    DESA = "desa", _("Village (desa)")
    KELURAHAN = "kelurahan", _("Urban village (kelurahan)")
    DESA_ADAT = "desa_adat", _("Customary village")


class Region(models.Model):
    """One unit of the Kemendagri code list, keyed by its dotted code (``35.71.03.1001``).

    Dotted codes nest by prefix, so "everything inside Kota Kediri" is ``code = '35.71' or
    code LIKE '35.71.%'``; the one place that relies on this is
    :func:`jaring.core.scoping.within_q`.
    """

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=RegionLevel.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=RegionKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # Lower-case letters and digits only ("pasirkratonkramat"): what name lookups compare.
    name_key = models.CharField(max_length=100, editable=False)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["level", "name_key"], name="region_level_name_key"),
            models.Index(
                fields=["code"], name="region_code_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def display_name(self) -> str:
        """Name with the prefix people expect: 'Kec. Tulung', 'Desa Wunut', 'Kota Kediri'."""
        prefix = {
            RegionKind.KECAMATAN: "Kec.",
            RegionKind.DESA: "Desa",
            RegionKind.KELURAHAN: "Kel.",
            RegionKind.DESA_ADAT: "Desa Adat",
        }.get(RegionKind(self.kind))
        return f"{prefix} {self.name}" if prefix else self.name

    def ancestor_codes(self) -> list[str]:
        """Codes from the province down to this region: ['35', '35.71', '35.71.03']."""
        parts = self.code.split(".")
        return [".".join(parts[: i + 1]) for i in range(len(parts))]


class RegionBoundary(models.Model):
    """Simplified polygon of a province, kab/kota or kecamatan, for choropleth maps only."""

    region = models.OneToOneField(
        Region, on_delete=models.CASCADE, primary_key=True, related_name="boundary"
    )
    geometry = models.TextField(help_text=_("GeoJSON geometry, WGS84, [lng, lat]"))
    centroid_lat = models.FloatField()
    centroid_lng = models.FloatField()

    class Meta:
        verbose_name = _("region boundary")
        verbose_name_plural = _("region boundaries")

    def __str__(self) -> str:
        return f"{self.region_id} boundary"


class PopulationSource(models.TextChoices):
    SAKERNAS_AUGUST = "sakernas_agustus", _("BPS Sakernas (August)")
    SAKERNAS_FEBRUARY = "sakernas_februari", _("BPS Sakernas (February)")
    MANUAL = "manual", _("Entered by hand")


class WorkingPopulation(models.Model):
    """Employed persons aged 15+ of a region: the denominator of coverage (RULES.md §5)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="working_population")
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=20, choices=PopulationSource.choices)
    employed_total = models.PositiveIntegerField(_("employed"))
    employed_informal = models.PositiveIntegerField(_("employed informally"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("working population")
        verbose_name_plural = _("working population")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "source"], name="working_population_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(employed_informal__lte=models.F("employed_total")),
                name="working_population_informal_le_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year} {self.source}"

    @property
    def employed_formal(self) -> int:
        return self.employed_total - self.employed_informal


class DatasetLoad(models.Model):
    """Which packaged data file was loaded, so ``regions load`` can skip unchanged files."""

    name = models.CharField(max_length=100, unique=True)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    loaded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name
