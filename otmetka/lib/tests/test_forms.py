"""The date widgets of `lib/forms.py`: ISO whatever the language, and the only ones in use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django import forms
from django.urls import get_resolver
from django.utils import translation

from otmetka.lib.forms import DateField, DateInput, DateTimeInput


def test_a_date_is_written_in_iso_in_russian() -> None:
    with translation.override("ru"):
        assert DateInput().format_value(dt.date(2026, 12, 7)) == "2026-12-07"
        html = forms.DateField(widget=DateInput()).widget.render("on", dt.date(2026, 12, 7))
        # Django's own DateInput writes «07.12.2026», which a date picker shows as empty.
        assert forms.DateInput().format_value(dt.date(2026, 12, 7)) == "07.12.2026"
    assert 'type="date"' in html and 'value="2026-12-07"' in html


def test_a_moment_is_written_in_iso_to_the_minute() -> None:
    moment = dt.datetime(2026, 12, 10, 9, 5, 42, tzinfo=ZoneInfo("Asia/Tomsk"))
    with translation.override("ru"):
        html = DateTimeInput().render("valid_until", moment)
    assert 'type="datetime-local"' in html and 'value="2026-12-10T09:05"' in html


def test_the_calendar_bounded_field_uses_the_same_widget() -> None:
    assert isinstance(DateField().widget, DateInput)


def _form_classes(root: type[forms.BaseForm] = forms.BaseForm) -> Iterator[type[forms.BaseForm]]:
    for cls in root.__subclasses__():
        yield cls
        yield from _form_classes(cls)


def test_every_date_field_of_the_project_uses_the_iso_widgets() -> None:
    """A date field with Django's own widget (or a copy of ours that drifted) shows empty."""
    # Loading the URL configuration imports every view, and with them every form.
    assert get_resolver().url_patterns
    others = []
    checked = 0
    for form in set(_form_classes()):
        if not form.__module__.startswith("otmetka."):
            continue
        fields: dict[str, forms.Field] = getattr(form, "base_fields", {})
        for name, field in fields.items():
            if isinstance(field, forms.DateTimeField):
                wanted: type[forms.Widget] = DateTimeInput
            elif isinstance(field, forms.DateField):
                wanted = DateInput
            else:
                continue
            checked += 1
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            if type(widget) is not wanted:
                others.append(f"{form.__module__}.{form.__qualname__}.{name}: {type(widget)}")
    assert checked > 40
    assert sorted(others) == []
