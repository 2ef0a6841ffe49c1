"""Forms of one person: add, correct, mark inactive or deceased (the registry's other forms, of
imports, are in ``forms.py``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jaring.core.forms import bootstrap_widgets
from jaring.core.scoping import ScopedUser, user_region_codes, within_q
from jaring.regions.models import Region, RegionLevel
from jaring.registry.models import PersonStatus, Sex, StatusReason

#: Past this many desa in a user's regions, the desa is typed as a code, not picked.
MAX_VILLAGE_CHOICES = 1500


class PersonForm(forms.Form):
    nik = forms.CharField(label=_("NIK"), max_length=32)
    name = forms.CharField(label=_("Name (as on KTP)"), max_length=150)
    birth_place = forms.CharField(label=_("Place of birth"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=forms.DateInput)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "–"), *Sex.choices], required=False)
    village = forms.CharField(label=_("Desa/kelurahan"), max_length=13)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    rt_rw = forms.CharField(label=_("RT/RW"), max_length=9, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    occupation = forms.CharField(
        label=_("Occupation"),
        max_length=200,
        required=False,
        help_text=_("As the person says it, e.g. “ojek pangkalan”, “buruh tani”."),
    )
    expected = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: ScopedUser, editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["nik"]
        codes = user_region_codes(user)
        if codes is not None:
            villages = list(
                Region.objects.filter(within_q("parent", codes) | Q(code__in=codes))
                .filter(level=RegionLevel.VILLAGE)
                .order_by("code")
                .values_list("code", "name", "kind")[: MAX_VILLAGE_CHOICES + 1]
            )
            if len(villages) <= MAX_VILLAGE_CHOICES:
                self.fields["village"] = forms.ChoiceField(
                    label=_("Desa/kelurahan"),
                    choices=[(code, f"{name} ({code})") for code, name, _kind in villages],
                )
        bootstrap_widgets(self)

    def typed(self) -> dict[str, str]:
        data = self.cleaned_data
        values = {
            name: str(data.get(name) or "")
            for name in ("nik", "name", "birth_place", "sex", "address", "rt_rw", "phone")
        }
        values["occupation"] = data.get("occupation") or ""
        values["birth_date"] = data["birth_date"].isoformat() if data.get("birth_date") else ""
        return values


class PersonStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (PersonStatus.INACTIVE.value, PersonStatus.INACTIVE.label),
            (PersonStatus.DECEASED.value, PersonStatus.DECEASED.label),
            (PersonStatus.REGISTERED.value, _("Registered again")),
        ],
    )
    reason = forms.ChoiceField(
        label=_("Reason"),
        required=False,
        choices=[("", "–")]
        + [(r.value, r.label) for r in StatusReason if r != StatusReason.DECEASED],
        help_text=_("For a person no longer listed."),
    )
    on = forms.DateField(label=_("Since (date of death)"), required=False, widget=forms.DateInput)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    expected = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_widgets(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        status = data.get("status")
        if status == PersonStatus.INACTIVE and not data.get("reason"):
            self.add_error("reason", _("Say why the person is no longer listed."))
        if status == PersonStatus.DECEASED:
            if not data.get("on"):
                self.add_error("on", _("Give the date of death."))
            data["reason"] = StatusReason.DECEASED
        return data
