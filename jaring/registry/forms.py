"""Forms of the registry pages: uploading a list and confirming its column mapping."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jaring.core.forms import bootstrap_widgets
from jaring.regions.models import Region, RegionLevel
from jaring.registry.imports.reading.mapping import FIELD_LABELS, FIELDS, REQUIRED_FIELDS
from jaring.registry.models import OnExisting


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("List file"),
        help_text=_("Excel (xlsx, xls) or CSV, as the kelurahan or agency sent it."),
    )
    region = forms.ChoiceField(label=_("Region of the list"))
    place = forms.CharField(
        label=_("Desa/kelurahan or kecamatan of the list"),
        max_length=100,
        required=False,
        help_text=_(
            "When the file has no desa/kelurahan column: the name or code of the place the list "
            "comes from, e.g. “Bandar Lor”. Rows without a village take it."
        ),
    )
    source_name = forms.CharField(
        label=_("Source"),
        max_length=150,
        required=False,
        help_text=_("Who sent it, e.g. “Daftar RT/RW Kel. Bandar Lor 2025”."),
    )
    on_existing = forms.ChoiceField(
        label=_("When a NIK is already registered"),
        choices=OnExisting.choices,
        initial=OnExisting.UPDATE,
    )
    dry_run = forms.BooleanField(
        label=_("Check only, save nothing yet"), required=False, initial=True
    )

    def __init__(self, *args: Any, regions: list[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region_field = self.fields["region"]
        assert isinstance(region_field, forms.ChoiceField)
        region_field.choices = [
            (r.code, f"{r.display_name} ({r.code})")
            for r in regions
            if r.level != RegionLevel.PROVINCE
        ]
        bootstrap_widgets(self)


class MappingForm(forms.Form):
    """One choice per field: which column of the file holds it (or none)."""

    def __init__(
        self, *args: Any, headers: tuple[str, ...], initial_map: dict[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in this file —")), *[(h, h) for h in headers]]
        for name in FIELDS:
            self.fields[name] = forms.ChoiceField(
                label=_(FIELD_LABELS[name]),
                choices=choices,
                required=name in REQUIRED_FIELDS,
                initial=initial_map.get(name, ""),
            )
        bootstrap_widgets(self)

    def mapping(self) -> dict[str, str]:
        return {name: header for name, header in self.cleaned_data.items() if header}
