"""The form of the calendars page: whose timetable a new secret calendar shows."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from otmetka.lib.views import MAX_ID


class FeedForm(forms.Form):
    """Ids of a group or a teacher; whether the actor may see them the view decides (404), and
    that exactly one is chosen the service does."""

    group = forms.IntegerField(label=_("Группа"), required=False, min_value=1, max_value=MAX_ID)
    employee = forms.IntegerField(
        label=_("Преподаватель"), required=False, min_value=1, max_value=MAX_ID
    )

    def error_text(self) -> str:
        """The refusals, each after its field's label, for the one-line error page."""
        return " ".join(
            f"{self.fields[name].label}: {message}" if name in self.fields else str(message)
            for name, errors in self.errors.items()
            for message in errors
        )
