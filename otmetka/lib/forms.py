"""Form fields shared by the apps: the date widgets (always ISO), dates inside the college's
calendar, ids within the database's range."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from otmetka.lib.dates import EARLIEST_DAY, LATEST_DAY, in_calendar
from otmetka.lib.views import parse_id

# What `<input type="date">` and `<input type="datetime-local">` take and give, whatever the
# language of the page: a browser shows any other text (the localized `07.12.2026`) as empty.
ISO_DATE = "%Y-%m-%d"
ISO_DATETIME = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    """The browser's date picker: the one widget of every date field of the project.

    Django's own `DateInput` writes the date in the language's format (`07.12.2026`), which a
    date picker cannot show: the field looks empty, and a required one stops the form.
    """

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=ISO_DATE)


class DateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker, to the minute: the one widget of every date-and-time
    field of the project."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=ISO_DATETIME)


class DateField(forms.DateField):
    """A date inside the college's calendar (`lib.dates.EARLIEST_DAY` to `LATEST_DAY`).

    `9999-12-31` is a valid date, but the week or the period after it is not: refused here, it
    never reaches the date arithmetic of a page or a service.
    """

    widget = DateInput
    default_error_messages = {
        "out_of_calendar": _("Укажите дату между %(first)s и %(last)s годами."),
    }

    def validate(self, value: dt.date | None) -> None:
        super().validate(value)
        if value is not None and not in_calendar(value):
            raise ValidationError(
                self.error_messages["out_of_calendar"],
                code="out_of_calendar",
                params={"first": EARLIEST_DAY.year, "last": LATEST_DAY.year},
            )


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses an id that cannot be one (`abc`, `²`, twenty digits) as a form error.

    Django asks the database with `pk__in` first, and SQLite cannot even bind a number beyond
    64 bits: a server error instead of the field's message. (The single choice is safe: Django
    answers «not found» to an exact lookup beyond the range.)
    """

    def clean(self, value: Any) -> Any:
        if self._integer_key() and isinstance(value, list | tuple):
            for key in value:
                if not isinstance(key, models.Model) and parse_id(key) is None:
                    # What Django says of an id it does not find.
                    raise ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": key},
                    )
        return super().clean(value)

    def _integer_key(self) -> bool:
        assert self.queryset is not None
        opts = self.queryset.model._meta
        key = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
        return isinstance(getattr(key, "target_field", key), models.IntegerField)
