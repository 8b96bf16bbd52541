"""The form of the lesson-generation page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from otmetka.lib.forms import DateField


class GenerateForm(forms.Form):
    date_from = DateField(label=_("С"))
    date_to = DateField(label=_("По"))
    dry_run = forms.BooleanField(
        label=_("Только посмотреть, что изменится (ничего не записывать)"), required=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", _("Дата окончания раньше даты начала."))
        return cleaned
