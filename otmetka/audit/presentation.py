"""The audit log as a person reads it: field names in Russian, local times, values in words.

The log keeps what services wrote (field names, ISO stamps in UTC, ids, nested dicts); this
module only renders it. Field names come from the models' `verbose_name` (of the event's
object, or of a row it points to, as a student's card holds the person's name); the few keys
that are not model fields have their labels here. Ids of related rows become names in one
query per related model on the page, whatever the number of events.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from otmetka.audit.models import AuditEvent

# Keys written by services that are no field of the event's object.
KEY_LABELS: dict[str, Any] = {
    "page": gettext_lazy("страница"),
    "student": gettext_lazy("обучающийся"),
    "students": gettext_lazy("обучающиеся"),
    "date_from": gettext_lazy("с"),
    "date_to": gettext_lazy("по"),
    "import": gettext_lazy("загрузка из файла"),
    "copy": gettext_lazy("копирование"),
    "rows": gettext_lazy("строк"),
    "replace": gettext_lazy("с заменой"),
    "source": gettext_lazy("откуда"),
    "topics": gettext_lazy("тем"),
    "created": gettext_lazy("создано"),
    "skipped": gettext_lazy("пропущено"),
    "role": gettext_lazy("роль"),
    "department": gettext_lazy("отделение"),
    "person": gettext_lazy("человек"),
    "username": gettext_lazy("логин"),
    "substitute": gettext_lazy("замещение"),
    "valid_until": gettext_lazy("действует до"),
    "revoked_at": gettext_lazy("отозвано"),
    "expires_at": gettext_lazy("действует до"),
    "status": gettext_lazy("статус"),
    "is_active": gettext_lazy("вход разрешён"),
}

# What a "view" event opened.
PAGE_LABELS: dict[str, Any] = {
    "diary_week": gettext_lazy("дневник: неделя"),
    "diary_marks": gettext_lazy("дневник: отметки"),
    "diary_attendance": gettext_lazy("дневник: посещаемость"),
    "diary_attachment": gettext_lazy("дневник: файл к домашнему заданию"),
    "parent_letters": gettext_lazy("письма родителям"),
}

# Keys that hold ids of rows of a model, when they are not a foreign key of the object.
KEY_MODELS = {"students": "people.student", "department": "org.department"}

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


@dataclass(frozen=True)
class ChangeRow:
    """One line of an event's changes: «Фамилия: Иванов → Петров»; `old` is None for a plain
    value (what a view opened), "—" for a value that was empty."""

    label: str
    old: str | None
    new: str


def _model(label: str) -> type[models.Model] | None:
    if label.count(".") != 1:
        return None
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    """The field `name` of the model, or of a row it points to (a student's person)."""
    if model is None:
        return None
    candidates = [name, name.removesuffix("_id")]
    if name.endswith("_ids"):
        candidates.append(name.removesuffix("_ids") + "s")
    for candidate in candidates:
        try:
            field = model._meta.get_field(candidate)
        except FieldDoesNotExist:
            continue
        if isinstance(field, models.Field):
            return field
    for relation in model._meta.fields:
        if isinstance(relation, models.OneToOneField | models.ForeignKey):
            target = relation.related_model
            if isinstance(target, type) and target is not model:
                try:
                    field = target._meta.get_field(name)
                except FieldDoesNotExist:
                    continue
                if isinstance(field, models.Field):
                    return field
    return None


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _label(model: type[models.Model] | None, key: str) -> str:
    field = _field(model, key)
    if field is not None and field.verbose_name:
        return _capital(str(field.verbose_name))
    if key in KEY_LABELS:
        return _capital(str(KEY_LABELS[key]))
    return key


def _id(value: Any) -> int | None:
    # Only numbers: a related row is stored as its name («214» is a room, not room id 214).
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def _related_label(model: type[models.Model] | None, key: str) -> str | None:
    """The model whose ids `key` holds: a foreign key of the object, or a known key."""
    field = _field(model, key)
    if field is not None and field.is_relation and field.related_model is not None:
        related = field.related_model
        if isinstance(related, type):
            return related._meta.label_lower
    return KEY_MODELS.get(key)


class _Names:
    """Names of related rows, fetched in one query per model after every id is known."""

    def __init__(self) -> None:
        self.wanted: dict[str, set[int]] = defaultdict(set)
        self.names: dict[tuple[str, int], str] = {}

    def want(self, label: str | None, value: Any) -> None:
        if label is None:
            return
        for item in value if isinstance(value, list) else [value]:
            pk = _id(item)
            if pk is not None:
                self.wanted[label].add(pk)

    def fetch(self) -> None:
        for label, ids in self.wanted.items():
            model = _model(label)
            if model is None:
                continue
            rows = model._default_manager.filter(pk__in=ids)
            # The names of students and staff live on their person: joined, not one per row.
            if any(field.name == "person" for field in model._meta.fields):
                rows = rows.select_related("person")
            for row in rows:
                self.names[(label, row.pk)] = str(row)

    def name(self, label: str | None, value: Any) -> str | None:
        pk = _id(value)
        if label is None or pk is None:
            return None
        return self.names.get((label, pk))


def _moment(text: str, tz: ZoneInfo) -> str | None:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.strftime("%d.%m.%Y %H:%M")
    return moment.astimezone(tz).strftime("%d.%m.%Y %H:%M")


class _Renderer:
    def __init__(self, tz: ZoneInfo, names: _Names) -> None:
        self.tz = tz
        self.names = names

    def value(self, model: type[models.Model] | None, key: str, value: Any) -> str:
        if value is None or value == "" or value == [] or value == {}:
            return "—"
        if isinstance(value, bool):
            return str(_("да") if value else _("нет"))
        if isinstance(value, dict):
            parts = [
                f"{_label(model, str(name)).lower()}: {self.value(model, str(name), item)}"
                for name, item in value.items()
            ]
            return "; ".join(parts)
        related = _related_label(model, key)
        if isinstance(value, list):
            return ", ".join(self.value(model, key, item) for item in value)
        name = self.names.name(related, value)
        if name is not None:
            return name
        if key == "page" and str(value) in PAGE_LABELS:
            return str(PAGE_LABELS[str(value)])
        field = _field(model, key)
        if field is not None and field.choices:
            choices = {str(choice): label for choice, label in field.flatchoices}
            if str(value) in choices:
                return str(choices[str(value)])
        if isinstance(value, int | float) and not isinstance(value, bool):
            return number_format(value, force_grouping=True)
        text = str(value)
        if _DATE.match(text):
            return f"{text[8:10]}.{text[5:7]}.{text[:4]}"
        if _MOMENT.match(text):
            return _moment(text, self.tz) or text
        return text

    def rows(self, event: AuditEvent, choices: Mapping[str, Mapping[str, Any]]) -> list[ChangeRow]:
        changes = event.changes
        if not isinstance(changes, dict):
            return []
        model = _model(event.object_type)
        rows = []
        for key, change in changes.items():
            pair = isinstance(change, list | tuple) and len(change) == 2
            old, new = (change[0], change[1]) if pair else (None, change)
            known = choices.get(str(key), {})
            old_text = str(known[old]) if isinstance(old, str) and old in known else None
            new_text = str(known[new]) if isinstance(new, str) and new in known else None
            rows.append(
                ChangeRow(
                    label=_label(model, str(key)),
                    old=(old_text or self.value(model, str(key), old)) if pair else None,
                    new=new_text or self.value(model, str(key), new),
                )
            )
        return rows


def object_label(object_type: str) -> str:
    """«Обучающийся», «Занятие»: what kind of record the event is about ("" if unknown)."""
    model = _model(object_type)
    return _capital(str(model._meta.verbose_name)) if model is not None else ""


def describe_events(
    events: Iterable[AuditEvent],
    tz_name: str,
    *,
    choices: Mapping[str, Mapping[str, Any]] | None = None,
) -> None:
    """Set `change_rows` (a list of `ChangeRow`) and `object_label` on each event.

    `choices`: labels of coded values of keys this layer cannot know («role»: the roles).
    Queries: one per related model whose ids appear on the page.
    """
    events = list(events)
    names = _Names()
    for event in events:
        if not isinstance(event.changes, dict):
            continue
        model = _model(event.object_type)
        for key, change in event.changes.items():
            related = _related_label(model, str(key))
            values = change if isinstance(change, list | tuple) else [change]
            for value in values:
                names.want(related, value)
    names.fetch()
    renderer = _Renderer(ZoneInfo(tz_name), names)
    for event in events:
        event.change_rows = renderer.rows(event, choices or {})  # type: ignore[attr-defined]
        event.object_label = object_label(event.object_type)  # type: ignore[attr-defined]
