"""The weekly timetable to and from XLSX: export, a template, and an all-or-nothing import."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from otmetka.academics.models import Group, Workload
from otmetka.accounts.permissions import ActiveRole
from otmetka.audit.models import AuditEvent
from otmetka.audit.services import audit_change, audit_record
from otmetka.lib.errors import DomainError
from otmetka.lib.tables import Sheet, parse_date, read_table, xlsx_bytes
from otmetka.org.models import Room
from otmetka.schedule.bells import weekday_bells
from otmetka.schedule.models import ScheduleChange, TimetableEntry, Weekday, WeekParity
from otmetka.schedule.selectors import takes_place
from otmetka.schedule.services.conflicts import ENTRY_RELATED
from otmetka.schedule.services.entries import (
    ENTRY_FIELDS,
    end_before,
    entry_problems,
    require_edit,
)

COLUMNS = (
    "Группа",
    "Подгруппа",
    "День",
    "Пара",
    "Дисциплина",
    "Преподаватель",
    "Кабинет",
    "Недели",
    "С",
    "По",
)
# A college of 80 groups has about 3,000 pairs a week with subgroups and alternating weeks.
MAX_ROWS = 5000
MAX_COLUMNS = 16  # the ten columns, and room for a few of the dispatcher's own
MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED = 20 * 1024 * 1024
DAY_NAMES = {int(value): str(label) for value, label in Weekday.choices}
PARITY_NAMES = {str(value): str(label) for value, label in WeekParity.choices}


def _date_text(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def export_rows(entries: QuerySet[TimetableEntry]) -> list[list[Any]]:
    """One row per entry, in the import's columns (one query)."""
    rows = []
    for entry in entries.select_related(*ENTRY_RELATED).order_by(
        "workload__group__name", "weekday", "pair_number", "id"
    ):
        workload = entry.workload
        rows.append(
            [
                workload.group.name,
                workload.subgroup.name if workload.subgroup else "",
                DAY_NAMES[entry.weekday],
                entry.pair_number,
                workload.item.index,
                workload.teacher.person.full_name,
                entry.room.number if entry.room else "",
                PARITY_NAMES[entry.parity],
                _date_text(entry.valid_from),
                _date_text(entry.valid_to),
            ]
        )
    return rows


def _plain(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]] = ()) -> Sheet:
    """A sheet as the dispatcher has always got it: no styling, the spreadsheet's widths."""
    return Sheet(title=title, header=header, rows=rows, header_style="plain",
                 default_width=None, freeze=False)


def export_xlsx(entries: QuerySet[TimetableEntry]) -> bytes:
    return xlsx_bytes([_plain(_("Расписание"), COLUMNS, export_rows(entries))])


def template_xlsx(organization_id: int) -> bytes:
    """An empty timetable sheet and a sheet of the values the import accepts."""
    workloads = Workload.objects.filter(group__organization_id=organization_id).select_related(
        "group", "item", "subgroup", "teacher__person"
    )
    header = [
        _("Группа"),
        _("Подгруппа"),
        _("Дисциплина"),
        _("Преподаватель"),
        _("День"),
        _("Недели"),
        _("Кабинет"),
    ]
    days, parities = list(DAY_NAMES.values()), list(PARITY_NAMES.values())
    rooms = list(
        Room.objects.filter(organization_id=organization_id)
        .order_by("number")
        .values_list("number", flat=True)
    )
    lines = [
        [
            w.group.name,
            w.subgroup.name if w.subgroup else "",
            w.item.index,
            w.teacher.person.full_name,
        ]
        for w in workloads
    ]
    values = []
    for index in range(max(len(lines), len(days), len(rooms))):
        line = lines[index] if index < len(lines) else ["", "", "", ""]
        values.append(
            [
                *line,
                days[index] if index < len(days) else "",
                parities[index] if index < len(parities) else "",
                rooms[index] if index < len(rooms) else "",
            ]
        )
    return xlsx_bytes(
        [_plain(_("Расписание"), COLUMNS), _plain(_("Допустимые значения"), header, values)]
    )


@dataclass
class ImportRow:
    line: int
    values: dict[str, Any]
    errors: list[str] = field(default_factory=list)
    entry: TimetableEntry | None = None


def read_rows(name: str, data: IO[bytes]) -> list[dict[str, str]]:
    """The sheet's rows as text keyed by column name; a DomainError for a file it refuses."""
    rows = read_table(name, data, max_rows=MAX_ROWS + 1, max_columns=MAX_COLUMNS,
                      max_bytes=MAX_BYTES, max_unpacked=MAX_UNPACKED)
    if not rows:
        return []
    header = rows[0]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise DomainError(
            _("В файле нет столбцов: %(columns)s.") % {"columns": ", ".join(missing)},
            field="file",
        )
    if len(rows) - 1 > MAX_ROWS:
        raise DomainError(
            _("Не больше %(count)s строк за одну загрузку.") % {"count": MAX_ROWS}, field="file"
        )
    positions = {column: header.index(column) for column in COLUMNS}
    result = []
    for cells in rows[1:]:
        if not any(cells):
            continue
        result.append(
            {column: cells[index] if index < len(cells) else ""
             for column, index in positions.items()}
        )
    return result


def _names(value: str) -> str:
    return " ".join(value.replace("ё", "е").replace("Ё", "Е").lower().split())


def validate_rows(
    *, actor: ActiveRole, rows: list[dict[str, str]], replace: bool = False
) -> list[ImportRow]:
    """Check every row (lookups, bells, conflicts in the file and with the saved timetable).

    With `replace`, the saved pairs the file replaces do not count as conflicts. The queries
    do not grow with the number of rows, except the conflict check of each row.
    """
    org_id = actor.organization_id
    workloads = list(
        Workload.objects.filter(group__organization_id=org_id).select_related(
            "academic_year", "group", "item", "subgroup", "teacher__person"
        )
    )
    groups = {g.name: g for g in Group.objects.filter(organization_id=org_id, is_active=True)}
    rooms = {r.number: r for r in Room.objects.filter(organization_id=org_id)}
    teacher_names = {_names(w.teacher.person.full_name) for w in workloads}
    items = {w.item.index for w in workloads}
    days = {_names(label): value for value, label in DAY_NAMES.items()}
    parities = {_names(label): value for value, label in PARITY_NAMES.items()}
    parities.update(
        {
            "": WeekParity.EVERY,
            "каждая": WeekParity.EVERY,
            "нечетные": WeekParity.ODD,
            "четные": WeekParity.EVEN,
        }
    )
    pairs = weekday_bells(org_id)
    result = [ImportRow(line=index + 2, values=values) for index, values in enumerate(rows)]
    for row in result:
        _resolve(
            row,
            groups=groups,
            rooms=rooms,
            workloads=workloads,
            teachers=teacher_names,
            items=items,
            days=days,
            parities=parities,
        )
    parsed = [row.entry for row in result if row.entry is not None]
    replaced = _replaced_ids(parsed) if replace else []
    for row in result:
        if row.entry is None:
            continue
        others = [e for e in parsed if e is not row.entry]
        for messages in entry_problems(
            actor=actor, entry=row.entry, pairs=pairs, also=others, exclude_ids=replaced
        ).values():
            row.errors.extend(messages)
    return result


def _resolve(row: ImportRow, **known: Any) -> None:
    values = row.values
    group = known["groups"].get(values["Группа"])
    if group is None:
        row.errors.append(_("Неизвестная группа «%(name)s»") % {"name": values["Группа"]})
    if values["Дисциплина"] not in known["items"]:
        row.errors.append(_("Неизвестная дисциплина «%(name)s»") % {"name": values["Дисциплина"]})
    teacher = _names(values["Преподаватель"])
    if teacher not in known["teachers"]:
        row.errors.append(
            _("Неизвестный преподаватель «%(name)s»") % {"name": values["Преподаватель"]}
        )
    room = None
    if values["Кабинет"]:
        room = known["rooms"].get(values["Кабинет"])
        if room is None:
            row.errors.append(_("Неизвестный кабинет «%(name)s»") % {"name": values["Кабинет"]})
    weekday = known["days"].get(_names(values["День"]))
    if weekday is None:
        row.errors.append(_("Неизвестный день недели «%(name)s»") % {"name": values["День"]})
    parity = known["parities"].get(_names(values["Недели"]))
    if parity is None:
        row.errors.append(
            _("Неизвестное чередование недель «%(name)s»") % {"name": values["Недели"]}
        )
    pair_number = int(values["Пара"]) if values["Пара"].isdigit() else None
    if pair_number is None:
        row.errors.append(
            _("Номер пары должен быть числом: «%(value)s»") % {"value": values["Пара"]}
        )
    valid_from, valid_to = parse_date(values["С"]), parse_date(values["По"])
    if valid_from is None or valid_to is None:
        row.errors.append(_("Даты «С» и «По» нужны в виде ДД.ММ.ГГГГ"))
    if row.errors or group is None:
        return
    subgroup = values["Подгруппа"]
    workload = next(
        (
            w
            for w in known["workloads"]
            if w.group_id == group.pk
            and w.item.index == values["Дисциплина"]
            and _names(w.teacher.person.full_name) == teacher
            and (w.subgroup.name if w.subgroup else "") == subgroup
        ),
        None,
    )
    if workload is None:
        row.errors.append(
            _("Нет строки нагрузки: %(group)s, %(item)s, %(teacher)s")
            % {
                "group": values["Группа"] + (f" ({subgroup})" if subgroup else ""),
                "item": values["Дисциплина"],
                "teacher": values["Преподаватель"],
            }
        )
        return
    assert weekday is not None and pair_number is not None
    assert valid_from is not None and valid_to is not None
    row.entry = TimetableEntry(
        workload=workload,
        weekday=weekday,
        pair_number=pair_number,
        room=room,
        parity=parity,
        valid_from=valid_from,
        valid_to=valid_to,
    )


def _range(entries: Iterable[TimetableEntry]) -> dict[int, tuple[dt.date, dt.date]]:
    """Per group in the file: the first and last date its rows cover."""
    spans: dict[int, tuple[dt.date, dt.date]] = {}
    for entry in entries:
        group_id = entry.workload.group_id
        start, end = spans.get(group_id, (entry.valid_from, entry.valid_to))
        spans[group_id] = (min(start, entry.valid_from), max(end, entry.valid_to))
    return spans


def _replaced(entries: list[TimetableEntry]) -> list[TimetableEntry]:
    """Saved entries of the file's groups that are in force within the file's date range."""
    found: list[TimetableEntry] = []
    for group_id, (start, end) in _range(entries).items():
        found.extend(
            TimetableEntry.objects.select_related("workload")
            .filter(workload__group_id=group_id)
            .overlapping(start, end)
        )
    return found


def _replaced_ids(entries: list[TimetableEntry]) -> list[int]:
    return [entry.pk for entry in _replaced(entries)]


def _entry_text(entry: TimetableEntry) -> str:
    workload = entry.workload
    group = workload.group.name + (f" ({workload.subgroup.name})" if workload.subgroup else "")
    return _("%(group)s, %(weekday)s, %(pair)s пара, %(item)s") % {
        "group": group,
        "weekday": entry.get_weekday_display(),
        "pair": entry.pair_number,
        "item": workload.item.index,
    }


def _carried_changes(
    replaced: list[TimetableEntry], entries: list[TimetableEntry]
) -> tuple[list[tuple[ScheduleChange, TimetableEntry]], list[str]]:
    """The changes for a date (замены) that hang on pairs the import replaces, each with the
    pair of the file that takes it over, and a message for each change no pair can take.

    A change moves with its pair when the file keeps that pair: the same line of the workload
    (group or subgroup, discipline, teacher), day and pair number, in force on the change's
    date and held in that week. A change dated before the file's first date stays where it is:
    its pair is only ended, not removed, and still holds that date. One query.
    """
    starts = _range(entries)
    kept_until = {old.pk: starts[old.workload.group_id][0] for old in replaced}
    changes = (
        ScheduleChange.objects.filter(entry_id__in=kept_until)
        .select_related("entry__workload__group", "entry__workload__item",
                        "entry__workload__subgroup")
        .order_by("date", "pair_number", "pk")
    )
    carried: list[tuple[ScheduleChange, TimetableEntry]] = []
    problems: list[str] = []
    taken: set[tuple[int, dt.date]] = set()
    for change in changes:
        old = change.entry
        assert old is not None
        if old.valid_from < kept_until[old.pk] and change.date < kept_until[old.pk]:
            continue
        new = next(
            (
                entry
                for entry in entries
                if entry.workload_id == old.workload_id
                and entry.weekday == old.weekday
                and entry.pair_number == old.pair_number
                and entry.valid_from <= change.date <= entry.valid_to
                and takes_place(entry.parity, entry.workload.academic_year.date_from, change.date)
                and (id(entry), change.date) not in taken
            ),
            None,
        )
        if new is None:
            problems.append(
                _(
                    "Изменение на %(date)s (%(kind)s: %(pair)s) относится к паре, которой в "
                    "файле на эту дату нет. Оставьте эту пару в файле или сначала удалите "
                    "изменение на странице «Замены»."
                )
                % {
                    "date": _date_text(change.date),
                    "kind": change.get_kind_display(),
                    "pair": _entry_text(old),
                }
            )
            continue
        taken.add((id(new), change.date))
        carried.append((change, new))
    return carried, problems


def replace_problems(rows: list[ImportRow]) -> list[str]:
    """Why replacing the saved timetable with the checked rows would lose changes for dates."""
    entries = [row.entry for row in rows if row.entry is not None]
    if not entries:
        return []
    return _carried_changes(_replaced(entries), entries)[1]


def row_to_data(row: ImportRow) -> dict[str, Any]:
    """A validated row, JSON-safe for the session between preview and commit."""
    entry = row.entry
    assert entry is not None
    return {
        "workload": entry.workload_id,
        "weekday": entry.weekday,
        "pair_number": entry.pair_number,
        "room": entry.room_id,
        "parity": entry.parity,
        "valid_from": entry.valid_from.isoformat(),
        "valid_to": entry.valid_to.isoformat(),
    }


class ImportRefused(Exception):
    def __init__(self, rows: list[ImportRow], problems: list[str] | None = None) -> None:
        super().__init__("import refused")
        self.rows = rows
        self.problems = problems or []  # what the file would lose, beyond its rows' errors


@transaction.atomic
def timetable_import(
    *, actor: ActiveRole, rows: list[dict[str, Any]], replace: bool
) -> list[TimetableEntry]:
    """Create the entries of validated rows; all or nothing, checked again at commit.

    With `replace`, the groups' entries in force within the file's dates are ended first
    (before the file's first date) or deleted (when they start within it). Their changes for
    dates within the file's dates move to the file's same pairs; when the file lacks such a
    pair, nothing is imported and the changes are named.
    """
    require_edit(actor)
    workloads = {
        w.pk: w
        for w in Workload.objects.filter(
            pk__in=[r["workload"] for r in rows],
            group__organization_id=actor.organization_id,
        ).select_related("academic_year", "group", "item", "subgroup", "teacher__person")
    }
    rooms = {r.pk: r for r in Room.objects.filter(organization_id=actor.organization_id)}
    entries = []
    for data in rows:
        workload = workloads.get(data["workload"])
        if workload is None:
            raise ImportRefused([])
        entries.append(
            TimetableEntry(
                workload=workload,
                weekday=data["weekday"],
                pair_number=data["pair_number"],
                room=rooms.get(data["room"]) if data["room"] else None,
                parity=data["parity"],
                valid_from=dt.date.fromisoformat(data["valid_from"]),
                valid_to=dt.date.fromisoformat(data["valid_to"]),
                created_by=actor.user,
            )
        )
    replaced = _replaced(entries) if replace else []
    pairs = weekday_bells(actor.organization_id)
    checked = []
    for index, entry in enumerate(entries):
        others = [e for e in entries if e is not entry]
        problems = entry_problems(
            actor=actor, entry=entry, pairs=pairs, also=others, exclude_ids=[e.pk for e in replaced]
        )
        row = ImportRow(line=index + 2, values={}, entry=entry)
        row.errors = [m for messages in problems.values() for m in messages]
        checked.append(row)
    if any(row.errors for row in checked):
        raise ImportRefused(checked)
    carried, lost = _carried_changes(replaced, entries) if replace else ([], [])
    if lost:
        raise ImportRefused(checked, lost)
    for entry in entries:
        entry.save()
        audit_change(
            actor=actor.user,
            instance=entry,
            before=None,
            organization_id=actor.organization_id,
            fields=ENTRY_FIELDS,
            reason=_("Импорт расписания из XLSX"),
        )
    for change, new in carried:
        old_text = _entry_text(change.entry) if change.entry else ""
        old_id = change.entry_id
        change.entry = new
        change.save(update_fields=["entry"])
        audit_record(
            actor=actor.user,
            action=AuditEvent.Action.UPDATE,
            organization_id=actor.organization_id,
            obj=change,
            changes={"entry": [f"№{old_id}: {old_text}", f"№{new.pk}: {_entry_text(new)}"]},
            reason=_("Импорт расписания из XLSX: пара заменена такой же парой из файла"),
        )
    starts = _range(entries)
    for old in replaced:
        start = starts[old.workload.group_id][0]
        end_before(actor, old, max(start, old.valid_from))
    return entries
