"""Forms of the mail and announcement pages; the services check every rule again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from otmetka.academics.models import Group
from otmetka.accounts.roles import Role
from otmetka.lib.forms import DateInput, ModelMultipleChoiceField
from otmetka.lib.views import parse_id
from otmetka.messaging.models import Announcement, AnnouncementAttachment
from otmetka.messaging.services import MAX_ATTACHMENTS, GroupBroadcast


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _files_help() -> str:
    return _(
        "До %(count)s файлов по 10 МБ: PDF, документы, таблицы, презентации, "
        "изображения, ZIP, текст."
    ) % {"count": MAX_ATTACHMENTS}


def _files_field() -> MultipleFileField:
    # The fields are built at import: the help text is formatted lazily, in the page's language.
    return MultipleFileField(label=_("Файлы"), help_text=lazy(_files_help, str)())


def user_id(value: Any) -> int | None:
    """An account id typed into a form or an address, or None when it cannot be one."""
    return parse_id(value)


def user_ids(values: Iterable[Any]) -> set[int]:
    """The valid ids among `values`; the others are dropped."""
    return {number for value in values if (number := user_id(value)) is not None}


class UserIdsField(forms.Field):
    """Ids of chosen accounts from checkboxes named alike; who may be chosen the service says."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        if any(user_id(item) is None for item in values):
            raise ValidationError(_("Адресаты выбраны неверно."))
        return sorted(user_ids(values))


class ComposeForm(forms.Form):
    recipients = UserIdsField(label=_("Кому"), required=False)
    broadcast = forms.ChoiceField(label=_("Или всей группе"), required=False)
    subject = forms.CharField(label=_("Тема"), max_length=200)
    body = forms.CharField(label=_("Текст"), widget=forms.Textarea(attrs={"rows": 8}))
    attachments = _files_field()

    def __init__(self, *args: Any, broadcast_choices: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["broadcast"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("— не рассылать —")), *broadcast_choices]
        if not broadcast_choices:
            del self.fields["broadcast"]

    def group_broadcast(self) -> GroupBroadcast | None:
        value = self.cleaned_data.get("broadcast") or ""
        if not value:
            return None
        audience, _sep, group_id = value.partition(":")
        return GroupBroadcast(group_id=int(group_id), audience=audience)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("recipients") and not data.get("broadcast") and not self.errors:
            raise ValidationError(_("Выберите хотя бы одного адресата."))
        return data


class ReplyForm(forms.Form):
    recipients = UserIdsField(label=_("Кому"))
    body = forms.CharField(label=_("Ответ"), widget=forms.Textarea(attrs={"rows": 6}))
    attachments = _files_field()

    def clean_recipients(self) -> list[int]:
        value: list[int] = self.cleaned_data["recipients"]
        if not value:
            raise ValidationError(_("Выберите хотя бы одного адресата."))
        return value


class AnnouncementForm(forms.Form):
    title = forms.CharField(label=_("Заголовок"), max_length=200)
    body = forms.CharField(label=_("Текст"), widget=forms.Textarea(attrs={"rows": 8}))
    audience = forms.ChoiceField(label=_("Для кого"), choices=Announcement.Audience.choices)
    group = forms.ModelChoiceField(label=_("Группа"), queryset=Group.objects.none(), required=False)
    role = forms.ChoiceField(label=_("Роль"), choices=[("", "—"), *Role.choices], required=False)
    valid_from = forms.DateField(label=_("Показывать с"), widget=DateInput())
    valid_to = forms.DateField(label=_("Показывать по"), widget=DateInput())
    attachments = _files_field()
    remove_attachments = ModelMultipleChoiceField(
        label=_("Удалить файлы"),
        queryset=AnnouncementAttachment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        groups: Any,
        publish_all: bool,
        announcement: Announcement | None = None,
        today: dt.date,
        **kwargs: Any,
    ) -> None:
        if announcement is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": announcement.title,
                    "body": announcement.body,
                    "audience": announcement.audience,
                    "group": announcement.group_id,
                    "role": announcement.role,
                    "valid_from": announcement.valid_from,
                    "valid_to": announcement.valid_to,
                },
            )
        else:
            kwargs.setdefault(
                "initial", {"valid_from": today, "valid_to": today + dt.timedelta(days=7)}
            )
        super().__init__(*args, **kwargs)
        group_field = self.fields["group"]
        assert isinstance(group_field, forms.ModelChoiceField)
        group_field.queryset = groups
        if not publish_all:
            # A curator publishes for their groups only.
            audience = self.fields["audience"]
            assert isinstance(audience, forms.ChoiceField)
            audience.choices = [(Announcement.Audience.GROUP, Announcement.Audience.GROUP.label)]
            audience.initial = Announcement.Audience.GROUP
            del self.fields["role"]
        removable = self.fields["remove_attachments"]
        assert isinstance(removable, forms.ModelMultipleChoiceField)
        if announcement is not None and announcement.pk:
            removable.queryset = announcement.attachments.all()
        else:
            del self.fields["remove_attachments"]
