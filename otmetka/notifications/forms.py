"""The user's e-mail preferences: an overall switch, the digest, and each kind's delivery."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _

from otmetka.notifications.models import Delivery, Notification, NotificationPreference

PREFIX = "delivery_"


class PreferencesForm(forms.Form):
    email_enabled = forms.BooleanField(
        label=_("Присылать уведомления на e-mail"),
        required=False,
        help_text=_(
            "Выключите, чтобы не получать писем совсем; уведомления в «Отметке» останутся."
        ),
    )
    digest_enabled = forms.BooleanField(
        label=_("Присылать еженедельную сводку"),
        required=False,
        help_text=_("Одно письмо в неделю обо всём, что отмечено «в еженедельной сводке»."),
    )

    def __init__(self, *args: Any, preference: NotificationPreference, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "email_enabled": preference.email_enabled,
                "digest_enabled": preference.digest_enabled,
                **{
                    f"{PREFIX}{kind}": preference.delivery_for(kind)
                    for kind in Notification.Kind.values
                },
            },
        )
        super().__init__(*args, **kwargs)
        for kind, label in Notification.Kind.choices:
            self.fields[f"{PREFIX}{kind}"] = forms.ChoiceField(
                label=str(label).capitalize(), choices=Delivery.choices, widget=forms.RadioSelect
            )

    def kind_fields(self) -> list[BoundField]:
        return [self[f"{PREFIX}{kind}"] for kind in Notification.Kind.values]

    def deliveries(self) -> dict[str, str]:
        return {kind: self.cleaned_data[f"{PREFIX}{kind}"] for kind in Notification.Kind.values}
