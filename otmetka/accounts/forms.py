from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from otmetka.accounts.rights import RIGHTS
from otmetka.accounts.roles import Role
from otmetka.audit.models import AuditEvent
from otmetka.lib.forms import DateField
from otmetka.org.models import Department


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Логин"),
        max_length=150,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "username",
                "autofocus": True,
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )
    password = forms.CharField(
        label=_("Пароль"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    remember = forms.BooleanField(label=_("Запомнить меня на этом устройстве"), required=False)

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Текущий (временный) пароль"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password1 = forms.CharField(
        label=_("Новый пароль"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Не короче 8 символов, не только цифры, не похож на логин."),
    )
    new_password2 = forms.CharField(
        label=_("Новый пароль ещё раз"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_old_password(self) -> str:
        password = self.cleaned_data["old_password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Текущий пароль введён неверно."))
        return str(password)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("Пароли не совпадают."))
        return data


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("Логин"), max_length=63)
    roles = forms.MultipleChoiceField(
        label=_("Роли"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    person = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RoleGrantForm(forms.Form):
    # No role is chosen for the administrator: a slip of the hand must not make a director.
    role = forms.ChoiceField(
        label=_("Роль"),
        choices=[("", _("— выберите роль —")), *Role.choices],
        error_messages={"required": _("Выберите роль.")},
    )
    department = forms.ModelChoiceField(
        label=_("Отделение"), queryset=Department.objects.none(), required=False
    )

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]


class RightsForm(forms.Form):
    rights = forms.MultipleChoiceField(
        label=_("Права"),
        choices=[(right.code, right.label) for right in RIGHTS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class AuditFilterForm(forms.Form):
    """Filters of the audit log; the dates are the organization's local days."""

    action = forms.ChoiceField(
        label=_("Действие"),
        choices=[("", _("все"))] + list(AuditEvent.Action.choices),
        required=False,
    )
    actor = forms.CharField(
        label=_("Кто (логин или фамилия)"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    object = forms.CharField(
        label=_("Объект (например, фамилия обучающегося)"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    date_from = DateField(label=_("С"), required=False)
    date_to = DateField(label=_("По"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Конец периода раньше его начала."))
        return data
