"""Forms of a group's access page (credentials and consents): they parse input; services decide."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from otmetka.academics.access import SHOW_CHOICES

_ANCHOR = re.compile(r"^[a-z0-9-]{1,40}$")
SHOW_LABELS = {
    "all": _("все"),
    "never": _("ни разу не входили"),
    "no_account": _("без учётной записи"),
    "no_consent": _("без согласия"),
}
FORMAT_CHOICES = [("html", _("листки на экране")), ("pdf", _("файл PDF"))]


class AccessFilterForm(forms.Form):
    show = forms.ChoiceField(
        label=_("Показать"),
        required=False,
        choices=[(code, SHOW_LABELS[code]) for code in SHOW_CHOICES],
    )

    def show_value(self) -> str:
        if self.is_valid() and self.cleaned_data["show"]:
            return str(self.cleaned_data["show"])
        return "all"


class SlipFormatForm(forms.Form):
    """How the slips of the issued passwords come back: a page to print, or a PDF file."""

    format = forms.ChoiceField(
        label=_("Реквизиты выдать как"),
        choices=FORMAT_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )

    def format_value(self) -> str:
        if self.is_valid() and self.cleaned_data["format"] == "pdf":
            return "pdf"
        return "html"


class GroupIssueForm(SlipFormatForm):
    """«Выдать реквизиты группе»: by kind of person, or to the people ticked in the table."""

    students = forms.BooleanField(label=_("обучающимся"), required=False, initial=True)
    parents = forms.BooleanField(label=_("родителям"), required=False, initial=True)
    only_never = forms.BooleanField(
        label=_("только тем, кто ещё ни разу не входил"), required=False, initial=True
    )
    selection = forms.ChoiceField(
        choices=[("criteria", "criteria"), ("marked", "marked")], required=False
    )
    person = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=[])

    def __init__(self, *args: Any, person_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(pk, str(pk)) for pk in person_ids]  # type: ignore[attr-defined]

    def marked_only(self) -> bool:
        return self.cleaned_data.get("selection") == "marked"


def back_anchor(data: Any) -> str:
    """The row to scroll back to after an inline action (`#p12-s3`), if it looks like one."""
    anchor = str(data.get("anchor", ""))
    return anchor if _ANCHOR.match(anchor) else ""
