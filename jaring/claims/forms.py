"""Forms of the claims pages; labels are msgids (Indonesian first through the catalogue)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jaring.claims.models import (
    ClaimStatus,
    DisabilityKind,
    EventKind,
    HeirRelation,
    SchoolLevel,
)


class DateInput(forms.DateInput):
    input_type = "date"


def _styled(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select form-select-sm")
        else:
            widget.attrs.setdefault("class", "form-control form-control-sm")


class OpenForm(forms.Form):
    nik = forms.CharField(label=_("NIK of the participant"), max_length=24)
    event = forms.ChoiceField(label=_("Event"), choices=EventKind.choices)
    event_date = forms.DateField(label=_("Date of the event"), widget=DateInput)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    cause = forms.CharField(label=_("Cause"), max_length=300, required=False)
    reporter = forms.CharField(
        label=_("Reported by (name, relation)"), max_length=200, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


class AssessmentForm(forms.Form):
    """The JKK assessment of an injury (Disnaker, from the doctor's statement); the percentages
    are read as people write them ("35", "2,5") and checked by the service."""

    incapacity_months = forms.IntegerField(
        label=_("Months unable to work (STMB)"), min_value=1, max_value=240, required=False
    )
    disability = forms.ChoiceField(
        label=_("Permanent disability"), choices=DisabilityKind.choices, required=False
    )
    disability_percent = forms.CharField(
        label=_("Disability, percent of the table (Lampiran III PP 44/2015)"),
        max_length=8,
        required=False,
    )
    function_loss = forms.CharField(
        label=_("Function lost (percent), for a loss of function"), max_length=8, required=False
    )
    assessed_on = forms.DateField(
        label=_("Date of the assessment"), widget=DateInput, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


class OpenAssessForm(OpenForm):
    """The report with the assessment of an injury, for roles that assess (Disnaker)."""

    incapacity_months = AssessmentForm.base_fields["incapacity_months"]
    disability = AssessmentForm.base_fields["disability"]
    disability_percent = AssessmentForm.base_fields["disability_percent"]
    function_loss = AssessmentForm.base_fields["function_loss"]


class InstalmentForm(forms.Form):
    child = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    number = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput, required=False)
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)


#: Steps offered on a claim's page (the order of the workflow).
STEP_CHOICES = [
    (ClaimStatus.DOCUMENTS_COMPLETE, _("File complete")),
    (ClaimStatus.SUBMITTED, _("Submitted to BPJS")),
    (ClaimStatus.APPROVED, _("Approved")),
    (ClaimStatus.REJECTED, _("Rejected")),
    (ClaimStatus.PAID, _("Paid")),
    (ClaimStatus.HANDED_OVER, _("Handed over")),
]


class AdvanceForm(forms.Form):
    to = forms.ChoiceField(label=_("Next step"), choices=STEP_CHOICES)
    on = forms.DateField(label=_("Date"), widget=DateInput, required=False)
    amount = forms.IntegerField(label=_("Amount received (Rp)"), min_value=0, required=False)
    note = forms.CharField(
        label=_("Note (reason for a refusal, why an amount differs)"),
        max_length=300,
        required=False,
    )
    photo = forms.FileField(label=_("Handover photo"), required=False)

    def __init__(self, *args: Any, allowed: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if allowed is not None:
            field = self.fields["to"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(v, label) for v, label in STEP_CHOICES if v in allowed]
        _styled(self)


class HeirForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    relation = forms.ChoiceField(label=_("Relation"), choices=HeirRelation.choices)
    nik = forms.CharField(label="NIK", max_length=24, required=False)
    birth_date = forms.DateField(label=_("Date of birth"), widget=DateInput, required=False)
    school_level = forms.ChoiceField(
        label=_("School level"), choices=SchoolLevel.choices, required=False
    )
    school_year = forms.IntegerField(
        label=_("Year at that level"), min_value=1, max_value=6, required=False
    )
    payee = forms.BooleanField(label=_("Payee"), required=False)
    bank_name = forms.CharField(label=_("Bank"), max_length=80, required=False)
    account = forms.CharField(label=_("Account number"), max_length=30, required=False)
    account_holder = forms.CharField(label=_("Account holder"), max_length=150, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


HeirFormSet = forms.formset_factory(HeirForm, extra=0, max_num=8)


class DocumentForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput)
    received = forms.BooleanField(required=False)
    scan = forms.FileField(label=_("Scan (PDF, JPG, PNG)"), required=False)
