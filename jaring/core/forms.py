"""Form helpers shared by the apps."""

from __future__ import annotations

from django import forms


def bootstrap_widgets(form: forms.Form, *, small: bool = False) -> None:
    """Give every widget of ``form`` Bootstrap's class, so templates can render fields plainly."""
    size = " form-select-sm" if small else ""
    control_size = " form-control-sm" if small else ""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.DateInput):
            widget.input_type = "date"  # the browser's date picker; the value stays ISO
            widget.attrs["class"] = f"form-control{control_size}"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = f"form-select{size}"
        elif isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        else:
            widget.attrs["class"] = f"form-control{control_size}"
