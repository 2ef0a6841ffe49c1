"""Forms of user management: labels are gettext msgids, choices limited to what the
administrator may give."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jaring.accounts.roles import Role, roles_grantable
from jaring.core.forms import bootstrap_widgets


class UserForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    name = forms.CharField(label=_("Full name"), max_length=300, required=False)
    role = forms.ChoiceField(label=_("Role"))
    regions = forms.CharField(
        label=_("Regions"),
        help_text=_("Region codes separated by commas, e.g. 35.71.01.1001 for a desa."),
        max_length=2000,
    )
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    state = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, granter: Role, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = [(r.value, r.label) for r in roles_grantable(granter)]
        if editing:
            del self.fields["username"]
        bootstrap_widgets(self)

    def region_codes(self) -> list[str]:
        return [c for c in re.split(r"[,;\s]+", self.cleaned_data["regions"]) if c]


class UsersImportForm(forms.Form):
    file = forms.FileField(
        label=_("List of users (xlsx or csv)"),
        help_text=_("Columns: username, name, desa code, role, phone or email. One row per user."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_widgets(self)
