"""What comes back to a region from national matching: a flag on a person registered in another
region too. The other side is never shown as a person, only as "registered in another
region — contact that Disnaker" with that region's code."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring.core.scoping import RegionScopedModel

OTHER_SIDE = _("registered in another region — contact that Disnaker")


class CrossRegionFlag(RegionScopedModel):
    region_path = "region"

    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    # The desa of the person, as for every row of people.
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    other_region = models.CharField(_("other region"), max_length=13)
    match_probability = models.FloatField(_("match probability"))
    pairs_file = models.CharField(_("from"), max_length=255)
    imported_at = models.DateTimeField(_("imported"))

    class Meta:
        verbose_name = _("cross-region flag")
        verbose_name_plural = _("cross-region flags")
        ordering = ["-match_probability", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "other_region"], name="crossregionflag_person_other"
            )
        ]

    def __str__(self) -> str:
        return f"{OTHER_SIDE} ({self.other_region})"
