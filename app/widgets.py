"""Form widgets shared by the feature packages."""

from __future__ import annotations

import wtforms
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectMultipleField, widgets

from .models import Area


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
