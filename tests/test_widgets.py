"""The app's faster ``html_params`` writes exactly what WTForms' own would, wherever WTForms looks it up."""

from __future__ import annotations

import wtforms
import wtforms.widgets.core
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup
from wtforms import Form, SelectChoice, SelectField, StringField, widgets

from app import widgets as app_widgets

KEYS = st.sampled_from(["id", "name", "class_", "for_", "data_show_if", "aria_describedby", "required", "value", "type", "x"])
VALUES = st.one_of(
    st.booleans(),
    st.text(max_size=20),
    st.integers(),
    st.text(max_size=20).map(Markup),  # already markup: a double quote in it still becomes &quot;
    st.none(),
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(KEYS, VALUES, max_size=6))
def test_same_output_as_wtforms(attributes):
    ours = app_widgets.html_params(**attributes)
    assert ours == app_widgets.WTFORMS_HTML_PARAMS(**attributes)
    assert isinstance(ours, Markup)


def test_the_fast_version_is_the_one_wtforms_uses(app):
    assert wtforms.widgets.core.html_params is app_widgets.html_params
    assert widgets.html_params is app_widgets.html_params
    for widget in (widgets.Input, widgets.TextInput, widgets.SubmitInput, widgets.CheckboxInput):
        assert widget.html_params is app_widgets.html_params


def test_a_rendered_form_escapes_what_a_user_typed(app):
    class F(Form):
        name = StringField()
        colour = SelectField(choices=[SelectChoice("a", 'Rood "fel"'), SelectChoice("<b>", "Blauw")])

    form = F(data={"name": '"><script>alert(1)</script>', "colour": "<b>"})
    html = form.name() + form.colour()
    assert "<script>" not in html
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert '<option selected value="&lt;b&gt;">Blauw</option>' in html
