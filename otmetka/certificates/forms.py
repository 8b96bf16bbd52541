"""Forms of the certificates pages: issuing one, and the register's filters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from otmetka.academics.models import Group
from otmetka.certificates.models import Certificate
from otmetka.lib.forms import DateField


class IssueForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Вид справки"),
        choices=Certificate.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Выберите вид справки.")},
    )
    presented_to = forms.CharField(
        label=_("Для предъявления"),
        required=False,
        max_length=300,
        help_text=_("Куда справка выдаётся; пусто — «по месту требования»."),
    )


class RegisterForm(forms.Form):
    date_from = DateField(label=_("С"))
    date_to = DateField(label=_("По"))
    kind = forms.ChoiceField(
        label=_("Вид справки"),
        choices=[("", _("все виды")), *Certificate.Kind.choices],
        required=False,
    )
    group = forms.ModelChoiceField(
        label=_("Группа"),
        queryset=Group.objects.none(),
        required=False,
        empty_label=_("все группы"),
    )

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["group"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Group.objects.filter(organization_id=organization_id).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if isinstance(start, dt.date) and isinstance(end, dt.date):
            if start > end:
                self.add_error("date_to", _("Конец периода раньше его начала."))
            elif (end - start).days > 366 * 5:
                self.add_error("date_to", _("Период не длиннее пяти лет."))
        return data
