"""Forms of the programme and decree pages (the services check everything again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jaring.programmes.models import ApbdesSource, ChangeReason, Funder, Programme, WadahType
from jaring.registry.models import OccupationCategory
from jaring.rules.months import Month
from jaring.rules.programmes import MANUAL_REMOVAL_REASONS


class MonthField(forms.CharField):
    """A month as ``YYYY-MM`` (the browser's month picker)."""

    widget = forms.TextInput(attrs={"type": "month"})

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not text:
            return None
        try:
            return Month.parse(text).first_day
        except ValueError:
            raise forms.ValidationError(_("Write the month as YYYY-MM.")) from None


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    region_code = forms.CharField(
        label=_("Owner region (code)"),
        max_length=13,
        help_text=_("Province, kab/kota or desa, e.g. 35.71"),
    )
    year = forms.IntegerField(label=_("Budget year"), min_value=2015, max_value=2100)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=200, required=False)
    legal_basis_date = forms.DateField(
        label=_("Legal basis date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    funder = forms.ChoiceField(label=_("Funder"), choices=Funder.choices)
    apbdes_source = forms.ChoiceField(
        label=_("APBDes source"), choices=[("", "—"), *ApbdesSource.choices], required=False
    )
    sponsor = forms.CharField(label=_("Sponsor"), max_length=200, required=False)
    wadah = forms.ChoiceField(
        label=_("BPJS wadah type"),
        choices=[("", _("as usual for the funder")), *WadahType.choices],
        required=False,
    )
    first_month = MonthField(label=_("First month"))
    months = forms.IntegerField(label=_("Months"), min_value=1, max_value=60, initial=12)
    quota = forms.IntegerField(label=_("Quota (people)"), min_value=0, required=False)
    budget = forms.IntegerField(label=_("Budget ceiling (Rp)"), min_value=0, required=False)
    target = forms.IntegerField(label=_("Target (people)"), min_value=0, required=False)
    age_min = forms.IntegerField(label=_("Minimum age"), min_value=0, max_value=120, initial=18)
    age_max = forms.IntegerField(label=_("Maximum age"), min_value=0, max_value=120, initial=65)
    jht = forms.BooleanField(label=_("JHT included"), required=False)
    categories = forms.MultipleChoiceField(
        label=_("Occupation categories (none = all)"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = self.fields["categories"]
        assert isinstance(categories, forms.MultipleChoiceField)
        categories.choices = [
            (category.code, category.label)
            for category in OccupationCategory.objects.order_by("sort_order", "code")
        ]
        for field in self.fields.values():
            widget = field.widget
            kind = (
                "form-check-input"
                if isinstance(widget, forms.CheckboxInput)
                else "form-select"
                if isinstance(widget, forms.Select | forms.SelectMultiple)
                else "form-control"
            )
            widget.attrs["class"] = kind

    @classmethod
    def initial_of(cls, programme: Programme) -> dict[str, Any]:
        return {
            "name": programme.name,
            "region_code": programme.region_id,
            "year": programme.year,
            "legal_basis": programme.legal_basis,
            "legal_basis_date": programme.legal_basis_date,
            "funder": programme.funder,
            "apbdes_source": programme.apbdes_source,
            "sponsor": programme.sponsor,
            "wadah": programme.wadah,
            "first_month": f"{programme.first_month:%Y-%m}",
            "months": programme.months,
            "quota": programme.quota,
            "budget": programme.budget,
            "target": programme.target,
            "age_min": programme.age_min,
            "age_max": programme.age_max,
            "jht": programme.jht,
            "categories": list(programme.categories.values_list("category_id", flat=True)),
        }


class SignForm(forms.Form):
    number = forms.CharField(label=_("Decree number"), max_length=120)
    signed_on = forms.DateField(
        label=_("Decree date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    signatory_name = forms.CharField(label=_("Signed by (name)"), max_length=150, required=False)
    signatory_title = forms.CharField(
        label=_("Title of the signatory"), max_length=150, required=False
    )


class RemoveForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[(r, ChangeReason(r).label) for r in MANUAL_REMOVAL_REASONS],
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class AddForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Why"), max_length=300)
