"""КТП (календарно-тематический план, Положение 4.6): topics of a workload line, their order,
import from XLSX/CSV and copying from another plan of the same item.

Positions are kept 1..N without gaps. The unique (plan, position) constraint is checked row by
row on PostgreSQL, so every renumbering first lifts the rows out of the way (see `_renumber`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from otmetka.academics.models import Workload
from otmetka.accounts.permissions import ActiveRole
from otmetka.audit.models import AuditEvent
from otmetka.audit.services import audit_change, audit_delete, audit_record, snapshot
from otmetka.journal.models import Lesson, LessonType, PlannedTopic, ThematicPlan
from otmetka.journal.permissions import can_edit_journal, journals_visible_to
from otmetka.lib.errors import DomainError, NotAllowed, ValidationFailed
from otmetka.lib.tables import Choices, Sheet, read_table, xlsx_bytes

PLAN_FIELDS = ("workload", "note")
TOPIC_FIELDS = ("position", "title", "hours", "lesson_type", "homework")
TITLE_MAX = 500
HOMEWORK_MAX = 5000
HOURS_MIN, HOURS_MAX = 1, 60
MAX_TOPICS = 1000
# Larger than any position in use, so shifted rows never meet the ones still in place.
_SHIFT = 100_000

IMPORT_COLUMNS = ("№", "Тема", "Часов", "Вид занятия", "Домашнее задание")
IMPORT_MAX_BYTES = 2 * 1024 * 1024
# Lines of a file read at most: the topics, a header and some blank lines between them.
IMPORT_MAX_LINES = MAX_TOPICS + 50
# 1,000 topics with the longest titles and homework unpack to about 10 MB.
IMPORT_MAX_UNPACKED = 20 * 1024 * 1024


class PlanImportFailed(ValidationFailed):
    """Some rows of an imported plan are bad; `row_errors` lists every one, nothing was saved."""

    def __init__(self, row_errors: list[str]) -> None:
        super().__init__({None: row_errors})
        self.row_errors = row_errors


@dataclass(frozen=True)
class PlanRow:
    """One row of an imported file, as read (text), with its line number in the file."""

    line: int
    title: str
    hours: str
    lesson_type: str
    homework: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "title": self.title, "hours": self.hours,
                "lesson_type": self.lesson_type, "homework": self.homework}


@dataclass(frozen=True)
class TopicValues:
    title: str
    hours: int
    lesson_type: str
    homework: str


# --- rights ---------------------------------------------------------------------------------------


def can_edit_plan(actor: ActiveRole, workload: Workload) -> bool:
    """The workload's own teacher (journal.edit_own) or journal.edit_all in the organization."""
    return can_edit_journal(actor, workload)


def _require_edit(actor: ActiveRole, workload: Workload) -> None:
    if workload.group.organization_id != actor.organization_id:
        raise NotAllowed(_("Этот план относится к другой организации."))
    if not can_edit_plan(actor, workload):
        raise NotAllowed(_("Изменять этот план может только преподаватель по нагрузке."))


def _workload_of(plan: ThematicPlan) -> Workload:
    return Workload.objects.select_related("group", "item").get(pk=plan.workload_id)


# --- validation ---------------------------------------------------------------------------------


def _fold(text: str) -> str:
    return " ".join(text.casefold().replace("ё", "е").split())


def lesson_type_from_label(text: str) -> str | None:
    """LessonType value for its Russian label (or code), ignoring case and ё/е; None if unknown."""
    wanted = _fold(text)
    for value, label in LessonType.choices:
        if wanted in (_fold(str(label)), value):
            return value
    return None


def lesson_type_labels() -> list[str]:
    return [str(label) for _value, label in LessonType.choices]


def _topic_problems(
    *, title: str, hours: int | None, lesson_type: str, homework: str
) -> list[DomainError]:
    """Every rule a topic's values break, each naming its field; empty when none is broken."""
    problems: list[DomainError] = []
    if not title:
        problems.append(DomainError(_("Укажите тему."), field="title"))
    elif len(title) > TITLE_MAX:
        problems.append(DomainError(
            _("Тема не длиннее %(count)s символов.") % {"count": TITLE_MAX}, field="title"))
    if hours is None or not HOURS_MIN <= hours <= HOURS_MAX:
        problems.append(DomainError(_("Часов должно быть от 1 до 60."), field="hours"))
    if lesson_type not in LessonType.values:
        problems.append(DomainError(_("Выберите вид занятия из списка."), field="lesson_type"))
    if len(homework) > HOMEWORK_MAX:
        problems.append(DomainError(
            _("Домашнее задание не длиннее %(count)s символов.") % {"count": HOMEWORK_MAX},
            field="homework",
        ))
    return problems


def _check_topic(
    *, title: str, hours: int | None, lesson_type: str, homework: str
) -> TopicValues:
    title = " ".join((title or "").split())
    homework = (homework or "").strip()
    problems = _topic_problems(title=title, hours=hours, lesson_type=lesson_type,
                               homework=homework)
    if problems:
        raise problems[0]
    assert hours is not None  # a missing number is one of the problems
    return TopicValues(title=title, hours=hours, lesson_type=lesson_type, homework=homework)


def _row_problems(row: PlanRow, hours: int | None, lesson_type: str | None) -> list[str]:
    """Everything wrong with a row of a file, in the order of its columns."""
    problems: list[str] = []
    for problem in _topic_problems(
        title=" ".join(row.title.split()), hours=hours, lesson_type=lesson_type or "",
        homework=row.homework.strip(),
    ):
        if problem.field == "hours" and hours is None and row.hours.strip():
            problems.append(_("часов должно быть целым числом от 1 до 60"))
        elif problem.field == "lesson_type" and lesson_type is None:
            problems.append(
                _("неизвестный вид занятия «%(value)s»; допустимые: %(allowed)s")
                % {"value": row.lesson_type.strip(), "allowed": ", ".join(lesson_type_labels())}
            )
        else:
            problems.append(problem.message)
    return problems


def _hours_from_text(text: str) -> int | None:
    text = (text or "").strip().replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    if not number.is_integer():
        return None
    return int(number)


def plan_rows_check(rows: list[PlanRow]) -> tuple[list[TopicValues], list[str]]:
    """Validate every row; the topics to save and the row-level messages (all of them)."""
    topics: list[TopicValues] = []
    errors: list[str] = []
    if not rows:
        errors.append(_("В файле нет ни одной темы."))
    if len(rows) > MAX_TOPICS:
        errors.append(_("В плане не больше %(count)s тем.") % {"count": MAX_TOPICS})
        return topics, errors
    for row in rows:
        hours = _hours_from_text(row.hours)
        lesson_type = (
            LessonType.THEORY.value if not row.lesson_type.strip()
            else lesson_type_from_label(row.lesson_type)
        )
        problems = _row_problems(row, hours, lesson_type)
        for problem in problems:
            message = problem.rstrip(".")
            message = message[:1].lower() + message[1:]
            errors.append(_("Строка %(line)s: %(message)s") % {"line": row.line,
                                                                "message": message})
        if not problems and lesson_type is not None:
            topics.append(_check_topic(title=row.title, hours=hours, lesson_type=lesson_type,
                                       homework=row.homework))
    return topics, errors


# --- files ---------------------------------------------------------------------------------------


def _rows_from_table(table: list[list[str]]) -> list[PlanRow]:
    rows: list[PlanRow] = []
    for line, cells in enumerate(table, start=1):
        texts = cells[:5] + [""] * (5 - len(cells[:5]))
        if not any(texts):
            continue
        if not rows and _fold(texts[1]) == _fold("Тема"):
            continue  # the header row
        rows.append(PlanRow(line=line, title=texts[1], hours=texts[2],
                            lesson_type=texts[3], homework=texts[4]))
    return rows


def plan_rows_from_file(name: str, data: IO[bytes]) -> list[PlanRow]:
    """Read an uploaded XLSX or CSV (UTF-8 with or without BOM, `;` or `,`) into rows."""
    table = read_table(name, data, max_rows=IMPORT_MAX_LINES, max_columns=len(IMPORT_COLUMNS),
                       max_bytes=IMPORT_MAX_BYTES, max_unpacked=IMPORT_MAX_UNPACKED)
    if len(table) > IMPORT_MAX_LINES:
        raise DomainError(_("Не больше %(count)s строк за одну загрузку.")
                          % {"count": IMPORT_MAX_LINES}, field="file")
    return _rows_from_table(table)


# --- services ------------------------------------------------------------------------------------


@transaction.atomic
def plan_get_or_create(*, actor: ActiveRole, workload: Workload) -> ThematicPlan:
    """The workload's КТП; a missing one is created, which needs the right to edit it."""
    if not journals_visible_to(actor).filter(pk=workload.pk).exists():
        raise NotAllowed(_("Этот журнал вам недоступен."))
    plan = ThematicPlan.objects.filter(workload_id=workload.pk).first()
    if plan is not None:
        return plan
    _require_edit(actor, workload)
    plan, created = ThematicPlan.objects.get_or_create(workload=workload)
    if created:
        audit_change(actor=actor.user, instance=plan, before=None,
                     organization_id=actor.organization_id, fields=PLAN_FIELDS)
    return plan


def _renumber(plan_id: int, ordered_ids: list[int]) -> None:
    """Give the plan's topics positions 1..N in the order of `ordered_ids` (two queries)."""
    PlannedTopic.objects.filter(plan_id=plan_id).update(position=F("position") + _SHIFT)
    topics = [PlannedTopic(pk=pk, position=index) for index, pk in enumerate(ordered_ids, 1)]
    PlannedTopic.objects.bulk_update(topics, ["position"])


def _ordered_ids(plan_id: int) -> list[int]:
    return list(
        PlannedTopic.objects.filter(plan_id=plan_id).order_by("position").values_list("pk",
                                                                                     flat=True)
    )


def _audit_topic(actor: ActiveRole, topic: PlannedTopic, before: dict[str, Any] | None) -> None:
    audit_change(actor=actor.user, instance=topic, before=before,
                 organization_id=actor.organization_id, fields=TOPIC_FIELDS)


@transaction.atomic
def topic_add(
    *,
    actor: ActiveRole,
    plan: ThematicPlan,
    title: str,
    hours: int | None,
    lesson_type: str,
    homework: str = "",
    position: int | None = None,
) -> PlannedTopic:
    """Add a topic at the end, or at `position` (1..N+1) shifting the later ones down."""
    workload = _workload_of(plan)
    _require_edit(actor, workload)
    values = _check_topic(title=title, hours=hours, lesson_type=lesson_type, homework=homework)
    # Lock the plan row so concurrent additions take positions one after another.
    ThematicPlan.objects.select_for_update().filter(pk=plan.pk).first()
    ids = _ordered_ids(plan.pk)
    if len(ids) >= MAX_TOPICS:
        raise DomainError(_("В плане не больше %(count)s тем.") % {"count": MAX_TOPICS})
    if position is not None and not 1 <= position <= len(ids) + 1:
        raise DomainError(
            _("Номер темы — от 1 до %(count)s.") % {"count": len(ids) + 1}, field="position"
        )
    topic = PlannedTopic.objects.create(
        plan=plan, position=len(ids) + 1 + _SHIFT, title=values.title, hours=values.hours,
        lesson_type=values.lesson_type, homework=values.homework,
    )
    index = (position or len(ids) + 1) - 1
    _renumber(plan.pk, ids[:index] + [topic.pk] + ids[index:])
    topic.refresh_from_db()
    _audit_topic(actor, topic, None)
    ThematicPlan.objects.filter(pk=plan.pk).update(updated_at=timezone.now())
    return topic


@transaction.atomic
def topic_update(
    *,
    actor: ActiveRole,
    topic: PlannedTopic,
    title: str,
    hours: int | None,
    lesson_type: str,
    homework: str = "",
) -> PlannedTopic:
    _require_edit(actor, _workload_of(topic.plan))
    values = _check_topic(title=title, hours=hours, lesson_type=lesson_type, homework=homework)
    before = snapshot(topic, TOPIC_FIELDS)
    topic.title, topic.hours = values.title, values.hours
    topic.lesson_type, topic.homework = values.lesson_type, values.homework
    topic.save(update_fields=["title", "hours", "lesson_type", "homework"])
    _audit_topic(actor, topic, before)
    return topic


@transaction.atomic
def topic_delete(*, actor: ActiveRole, topic: PlannedTopic) -> None:
    """Delete an unused topic; one a lesson refers to is refused (edit it instead)."""
    _require_edit(actor, _workload_of(topic.plan))
    used_on = (
        Lesson.objects.filter(topic_id=topic.pk).order_by("date").values_list("date", flat=True)
    )
    first = used_on.first()
    if first is not None:
        raise DomainError(
            _("Тема «%(title)s» уже выбрана в занятии %(date)s; удалить её нельзя — "
              "исправьте её формулировку или часы.")
            % {"title": topic.title, "date": first.strftime("%d.%m.%Y")}
        )
    plan_id = topic.plan_id
    audit_delete(actor=actor.user, instance=topic, organization_id=actor.organization_id,
                 fields=TOPIC_FIELDS)
    topic.delete()
    _renumber(plan_id, _ordered_ids(plan_id))


@transaction.atomic
def topic_move(*, actor: ActiveRole, topic: PlannedTopic, position: int) -> PlannedTopic:
    """Put the topic at `position` (clamped to 1..N), keeping the others in their order."""
    _require_edit(actor, _workload_of(topic.plan))
    ThematicPlan.objects.select_for_update().filter(pk=topic.plan_id).first()
    ids = _ordered_ids(topic.plan_id)
    position = max(1, min(position, len(ids)))
    before = snapshot(topic, TOPIC_FIELDS)
    ids.remove(topic.pk)
    ids.insert(position - 1, topic.pk)
    _renumber(topic.plan_id, ids)
    topic.refresh_from_db()
    _audit_topic(actor, topic, before)
    return topic


def _used_topic_ids(plan_id: int) -> set[int]:
    return set(
        Lesson.objects.filter(topic__plan_id=plan_id).values_list("topic_id", flat=True)
    )


def _write_topics(
    *, actor: ActiveRole, plan: ThematicPlan, values: list[TopicValues], replace: bool
) -> int:
    """Make the plan's topics `values` (replace) or append them; returns how many were written.

    Replacing updates topics in place by position, so lessons keep their links and a rerun of
    the same file changes nothing; extra topics are deleted, which is refused if a lesson uses
    one of them.
    """
    ThematicPlan.objects.select_for_update().filter(pk=plan.pk).first()
    existing = list(PlannedTopic.objects.filter(plan_id=plan.pk).order_by("position"))
    keep = existing[: len(values)] if replace else []
    extra = existing[len(values):] if replace else []
    start = 0 if replace else len(existing)
    if start + len(values) > MAX_TOPICS:
        raise DomainError(_("В плане не больше %(count)s тем.") % {"count": MAX_TOPICS})
    used = _used_topic_ids(plan.pk)
    blocked = [topic for topic in extra if topic.pk in used]
    if blocked:
        raise DomainError(
            _("Темы %(numbers)s уже выбраны в занятиях и не могут быть удалены; "
              "загрузите план не короче нынешнего или добавьте темы без замены.")
            % {"numbers": ", ".join(str(topic.position) for topic in blocked)}
        )
    changed = 0
    for topic in extra:
        audit_delete(actor=actor.user, instance=topic, organization_id=actor.organization_id,
                     fields=TOPIC_FIELDS)
    PlannedTopic.objects.filter(pk__in=[topic.pk for topic in extra]).delete()
    changed += len(extra)
    for topic, value in zip(keep, values, strict=False):
        before = snapshot(topic, TOPIC_FIELDS)
        topic.title, topic.hours = value.title, value.hours
        topic.lesson_type, topic.homework = value.lesson_type, value.homework
        if snapshot(topic, TOPIC_FIELDS) != before:
            topic.save(update_fields=["title", "hours", "lesson_type", "homework"])
            _audit_topic(actor, topic, before)
            changed += 1
    created = PlannedTopic.objects.bulk_create(
        [
            PlannedTopic(plan=plan, position=start + index, title=value.title,
                         hours=value.hours, lesson_type=value.lesson_type,
                         homework=value.homework)
            for index, value in enumerate(values[len(keep):], start=len(keep) + 1)
        ]
    )
    for topic in created:
        if topic.pk is None:  # backends without RETURNING on bulk insert
            topic = PlannedTopic.objects.get(plan_id=plan.pk, position=topic.position)
        _audit_topic(actor, topic, None)
    changed += len(created)
    if changed:
        ThematicPlan.objects.filter(pk=plan.pk).update(updated_at=timezone.now())
    return changed


@transaction.atomic
def plan_import(
    *, actor: ActiveRole, plan: ThematicPlan, rows: list[PlanRow], replace: bool
) -> int:
    """Import topics all-or-nothing: every row is checked first; any bad row saves nothing.

    Raises PlanImportFailed listing every bad row. Returns the number of topics written.
    """
    workload = _workload_of(plan)
    _require_edit(actor, workload)
    values, errors = plan_rows_check(rows)
    if errors:
        raise PlanImportFailed(errors)
    changed = _write_topics(actor=actor, plan=plan, values=values, replace=replace)
    audit_record(
        actor=actor.user, action=AuditEvent.Action.UPDATE,
        organization_id=actor.organization_id, obj=plan,
        changes={"import": [None, {"rows": len(values), "replace": replace,
                                   "changed": changed}]},
    )
    return changed


def _same_item(target: Workload, source: Workload) -> bool:
    if target.item_id == source.item_id:
        return True
    return (_fold(target.item.index) == _fold(source.item.index)
            and _fold(target.item.name) == _fold(source.item.name))


@transaction.atomic
def plan_copy(
    *, actor: ActiveRole, target: ThematicPlan, source: ThematicPlan, replace: bool = False
) -> int:
    """Copy the topics of `source` (the same item in another group or an earlier year).

    With `replace` the target's topics are replaced, refused when any of them is used by a
    lesson; without it the copied topics are appended. Returns the number of topics copied.
    """
    target_workload = _workload_of(target)
    _require_edit(actor, target_workload)
    if source.pk == target.pk:
        raise DomainError(_("Нельзя скопировать план в него же."), field="source")
    if not journals_visible_to(actor).filter(pk=source.workload_id).exists():
        raise DomainError(_("Этот план вам недоступен."), field="source")
    source_workload = _workload_of(source)
    if not _same_item(target_workload, source_workload):
        raise DomainError(
            _("Копировать можно только план той же дисциплины (%(index)s %(name)s).")
            % {"index": target_workload.item.index, "name": target_workload.item.name},
            field="source",
        )
    if replace and _used_topic_ids(target.pk):
        raise DomainError(
            _("Темы этого плана уже выбраны в занятиях, заменить план нельзя; "
              "скопируйте темы без замены — они добавятся в конец."),
            field="replace",
        )
    values = [
        TopicValues(title=topic.title, hours=topic.hours, lesson_type=topic.lesson_type,
                    homework=topic.homework)
        for topic in PlannedTopic.objects.filter(plan_id=source.pk).order_by("position")
    ]
    if not values:
        raise DomainError(_("В выбранном плане нет тем."), field="source")
    if replace:
        existing = PlannedTopic.objects.filter(plan_id=target.pk)
        for topic in existing.order_by("position"):
            audit_delete(actor=actor.user, instance=topic,
                         organization_id=actor.organization_id, fields=TOPIC_FIELDS)
        existing.delete()
    _write_topics(actor=actor, plan=target, values=values, replace=False)
    audit_record(
        actor=actor.user, action=AuditEvent.Action.UPDATE,
        organization_id=actor.organization_id, obj=target,
        changes={"copy": [None, {"source": str(source_workload), "topics": len(values),
                                 "replace": replace}]},
    )
    return len(values)


# --- templates and export -------------------------------------------------------------------------

_COLUMN_WIDTHS = (6, 60, 8, 28, 50)
_EXAMPLE_ROWS = (
    ("1", "Введение. Цели и задачи курса", 2, str(LessonType.THEORY.label), "Конспект"),
    ("2", "Практическая работа № 1", 2, str(LessonType.PRACTICAL.label), ""),
)


def _xlsx_book(rows: list[tuple[Any, ...]]) -> bytes:
    """The plan's sheet, and a sheet of lesson types that column D offers as a list."""
    types = "Виды занятий"
    return xlsx_bytes([
        Sheet(title="КТП", header=IMPORT_COLUMNS, rows=rows, widths=_COLUMN_WIDTHS,
              choices=[Choices(column=4, source=types, rows=MAX_TOPICS)]),
        Sheet(title=types, header=["Вид занятия"],
              rows=[[label] for label in lesson_type_labels()], widths=[32],
              header_style="bold", freeze=False),
    ])


def plan_template_xlsx() -> bytes:
    """The import template: the columns, two example rows and a sheet of lesson types."""
    return _xlsx_book(list(_EXAMPLE_ROWS))


def plan_template_csv() -> bytes:
    """The same template as CSV for Russian Excel: UTF-8 with BOM, `;` between columns."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(IMPORT_COLUMNS)
    writer.writerows(_EXAMPLE_ROWS)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def plan_export_xlsx(plan: ThematicPlan | None) -> bytes:
    """The plan's topics in the import layout, so the file can be edited and loaded back."""
    topics = (
        PlannedTopic.objects.filter(plan_id=plan.pk).order_by("position") if plan else []
    )
    return _xlsx_book(
        [
            (topic.position, topic.title, topic.hours, str(topic.get_lesson_type_display()),
             topic.homework)
            for topic in topics
        ]
    )
