"""`core.forms.FastSelect` writes exactly the markup of Django's Select, without a template include per option."""

import re

import pytest
from django import forms

from core.forms import FastSelect

CHOICES = [("", "全部"), ("a", '甲&<b>"'), ("b", "乙"), ("组", [("1", "一"), ("2", "二")])]


def _markup(html: str) -> str:
    return re.sub(r">\s+<", "><", html.replace("\n", "")).strip()


@pytest.mark.parametrize("value", ["a", "", None, "2", "not-a-choice"])
def test_same_markup_as_djangos_select(value):
    attrs = {"class": "form-select", "aria-describedby": "help err", "required": True, "disabled": False}
    django_html = forms.Select(choices=CHOICES, attrs=attrs).render("f", value, attrs={"id": "id_f"})
    fast_html = FastSelect(choices=CHOICES, attrs=attrs).render("f", value, attrs={"id": "id_f"})
    assert _markup(fast_html) == _markup(django_html)
    assert "&lt;b&gt;&quot;" in fast_html and "<b>" not in fast_html  # labels escaped


def test_a_filter_form_field_uses_it_with_its_field_markup():
    class F(forms.Form):
        city = forms.ChoiceField(choices=CHOICES, widget=FastSelect, required=False)

    form = F({"city": "b"})
    html = str(form["city"])
    assert '<option value="b" selected>乙</option>' in html and 'name="city"' in html and 'id="id_city"' in html
