"""Forms of monitoring: the period of a dashboard, a target, a reported figure, a score."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jaring.core.forms import bootstrap_widgets
from jaring.monitoring.models import FigureKind, Measure
from jaring.monitoring.services import MonitoringInputError, decimal_value
from jaring.registry.models import OccupationCategory


class _Styled(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_widgets(self)


class PeriodForm(_Styled):
    periode = forms.CharField(
        label=_("Period"), widget=forms.TextInput(attrs={"type": "month"}), required=False
    )


def _number(form: forms.Form, field: str, *, percent: bool) -> Any:
    try:
        return decimal_value(form.cleaned_data[field], percent=percent, what=str(_("Value")))
    except MonitoringInputError as exc:
        raise forms.ValidationError(str(exc)) from exc


class TargetForm(_Styled):
    region_code = forms.CharField(label=_("Region code"), max_length=13)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    measure = forms.ChoiceField(label=_("Measure"), choices=Measure.choices)
    value = forms.CharField(
        label=_("Target"), help_text=_("50 or 50,5 for a percentage; 2.000 for people")
    )
    source = forms.CharField(label=_("Set by / source"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "value" in data and "measure" in data:
            data["value"] = _number(self, "value", percent=Measure(data["measure"]).is_percent)
        return data


class FigureForm(_Styled):
    region_code = forms.CharField(label=_("Region code"), max_length=13)
    as_of = forms.DateField(label=_("As of"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Figure"), choices=FigureKind.choices)
    value = forms.CharField(label=_("Value as reported"))
    source = forms.CharField(label=_("Source"), max_length=200)
    categories = forms.ModelMultipleChoiceField(
        label=_("Occupation categories (for protected workers only)"),
        queryset=OccupationCategory.objects.all(),
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "value" in data and "kind" in data:
            data["value"] = _number(self, "value", percent=FigureKind(data["kind"]).is_percent)
        if "categories" in data:
            data["categories"] = [c.code for c in data["categories"]]
        return data


class ScoreForm(_Styled):
    indicator_code = forms.CharField(label=_("Indicator"), max_length=30)
    region_code = forms.CharField(label=_("Region code"), max_length=13)
    value = forms.CharField(label=_("Value"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "value" in data:
            # "250.000" (Rupiah, a thousands point) or "87,5" (a score with a decimal comma)
            thousands = re.fullmatch(r"\d{1,3}([.,]\d{3})+", str(data["value"]).strip())
            data["value"] = _number(self, "value", percent=not thousands)
        return data
