"""Forms of the finance pages; the services check everything again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jaring.finance.models import PaymentKind
from jaring.rules.programmes import SPONSOR_PACKAGE_MONTHS


class IssueForm(forms.Form):
    month = forms.CharField(label=_("Month"), widget=forms.DateInput(attrs={"type": "month"}))
    ahead = forms.TypedChoiceField(
        label=_("Paid ahead"),
        coerce=int,
        initial=1,
        choices=[(1, _("One month"))]
        + [
            (m, _("%(months)s months (sponsor package)") % {"months": m})
            for m in SPONSOR_PACKAGE_MONTHS
        ],
    )


class Styled(forms.Form):
    """Bootstrap classes on every widget."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for field in self.fields.values():
            widget = field.widget
            css = "form-check-input" if isinstance(widget, forms.CheckboxInput) else "form-control"
            if isinstance(widget, forms.Select):
                css = "form-select"
            widget.attrs.setdefault("class", css)


class PaymentForm(Styled):
    reference = forms.CharField(label=_("SP2D or transfer number"), max_length=80)
    kind = forms.ChoiceField(label=_("Kind"), choices=PaymentKind.choices, initial=PaymentKind.SP2D)
    paid_on = forms.DateField(
        label=_("Payment date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    amount = forms.IntegerField(label=_("Amount (Rp)"))
    proof = forms.FileField(label=_("Proof (PDF, JPG, PNG)"), required=False)
    confirm_over = forms.BooleanField(
        label=_("I confirm a payment above what is owed (the difference stays as credit)"),
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ResponseForm(Styled):
    file = forms.FileField(label=_("Response file from the branch (xlsx, xls, csv)"))


class RegistrationForm(Styled):
    decree = forms.TypedChoiceField(label=_("Signed decree"), coerce=int)
    file_format = forms.ChoiceField(
        label=_("Format"), choices=[("xlsx", "xlsx"), ("csv", "csv")], initial="xlsx"
    )
    everyone = forms.BooleanField(label=_("Everyone (renewal)"), required=False)


class SimulationForm(Styled):
    more_people = forms.IntegerField(label=_("More people"), min_value=0, required=False)
    jht = forms.BooleanField(label=_("JHT for everyone"), required=False)
    more_months = forms.IntegerField(
        label=_("More months"), min_value=0, max_value=12, required=False
    )
    category = forms.ChoiceField(label=_("Another category"), required=False)
    category_people = forms.IntegerField(
        label=_("People of that category"), min_value=0, required=False
    )
