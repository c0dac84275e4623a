"""Form widgets shared by the feature packages."""

from __future__ import annotations

from typing import Any

import wtforms
import wtforms.widgets.core
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import SelectChoice, SelectMultipleField, widgets

from .models import Area

WTFORMS_HTML_PARAMS = wtforms.widgets.core.html_params  # the original, for the tests to compare with


class MultiCheckboxField(SelectMultipleField):
    """Several options as check boxes (rendered as tiles by the choice_field macro)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def area_choices(areas: list[Area]) -> list[SelectChoice]:
    return [SelectChoice("", _l("— no area —")), *[SelectChoice(str(a.id), a.label) for a in areas]]


class IntegerField(wtforms.IntegerField):
    """A whole number as typed, of at most 15 digits. A longer one is no number any field here takes,
    and WTForms' NumberRange cannot even compare it (math.isnan(10**400) raises OverflowError)."""

    def process_formdata(self, valuelist: list[object]) -> None:
        if valuelist and len(str(valuelist[0]).strip().lstrip("+-")) > 15:
            self.data = None
            raise ValueError(_("Give a whole number."))
        super().process_formdata(valuelist)


def html_params(**kwargs: Any) -> Markup:
    """WTForms' ``html_params`` with the same output, about five times faster.

    WTForms 3.3 builds every attribute with ``Markup.format``, whose escaping formatter costs about
    25 µs an attribute: a guide's interview form has some 400 attributes, so a fifth of the capture
    page's time went there (benchmarks/profile_requests.py). Keys and values are escaped as before,
    and a double quote in a value that is already markup becomes ``&quot;`` as before."""
    params = []
    for key, value in sorted(kwargs.items()):
        key = escape(wtforms.widgets.core.clean_key(key))
        if value is True:
            params.append(str(key))
        elif value is not False:
            params.append(f'{key}="{str(escape(value)).replace(chr(34), "&quot;")}"')
    return Markup(" ".join(params))


def use_fast_html_params() -> None:
    """Put ``html_params`` everywhere WTForms looks it up: the module, its re-export, and the widget
    classes that keep it as a static method (tests/test_widgets.py checks each against the original)."""
    core = wtforms.widgets.core
    core.html_params = widgets.html_params = html_params  # type: ignore[assignment]
    for widget in vars(core).values():
        if isinstance(widget, type) and "html_params" in vars(widget):
            widget.html_params = staticmethod(html_params)  # type: ignore[attr-defined]
