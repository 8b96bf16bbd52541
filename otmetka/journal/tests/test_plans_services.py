from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from otmetka.academics.models import Workload
from otmetka.audit.models import AuditEvent
from otmetka.journal.models import LessonType, PlannedTopic, ThematicPlan
from otmetka.journal.selectors import next_unused_topic, plan_copy_sources, plan_with_usage
from otmetka.journal.services.plans import (
    HOMEWORK_MAX,
    IMPORT_MAX_BYTES,
    MAX_TOPICS,
    PlanImportFailed,
    PlanRow,
    plan_copy,
    plan_export_xlsx,
    plan_get_or_create,
    plan_import,
    plan_rows_from_file,
    plan_template_csv,
    plan_template_xlsx,
    topic_add,
    topic_delete,
    topic_move,
    topic_update,
)
from otmetka.journal.tests.factories_plans import make_lesson, make_plan, positions, titles
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.org.models import AcademicYear
from otmetka.test import World

DAY = dt.date(2026, 11, 10)


def rows(*items: tuple[str, str, str]) -> list[PlanRow]:
    return [PlanRow(line=index, title=title, hours=hours, lesson_type=kind)
            for index, (title, hours, kind) in enumerate(items, start=2)]


def test_get_or_create_needs_edit_right_to_create(world: World) -> None:
    with pytest.raises(NotAllowed):
        plan_get_or_create(actor=world.actor("curator"), workload=world.college.workload)
    with pytest.raises(NotAllowed):
        plan_get_or_create(actor=world.actor("other_teacher"), workload=world.college.workload)
    plan = plan_get_or_create(actor=world.actor("teacher"), workload=world.college.workload)
    assert plan_get_or_create(actor=world.actor("curator"),
                              workload=world.college.workload) == plan
    assert AuditEvent.objects.filter(object_type="journal.thematicplan", action="create").count() \
        == 1


def test_add_update_move_delete_keep_positions(world: World) -> None:
    teacher = world.actor("teacher")
    plan = plan_get_or_create(actor=teacher, workload=world.college.workload)
    first = topic_add(actor=teacher, plan=plan, title="Первая", hours=2,
                      lesson_type=LessonType.THEORY)
    topic_add(actor=teacher, plan=plan, title="Вторая", hours=4, lesson_type="practical",
              homework="Задачи 1–5")
    topic_add(actor=teacher, plan=plan, title="Нулевая", hours=2, lesson_type="theory",
              position=1)
    assert titles(plan) == ["Нулевая", "Первая", "Вторая"]
    topic_move(actor=teacher, topic=first, position=3)
    assert titles(plan) == ["Нулевая", "Вторая", "Первая"]
    topic_move(actor=teacher, topic=first, position=99)
    assert positions(plan) == [1, 2, 3]
    first.refresh_from_db()
    topic_update(actor=teacher, topic=first, title="Первая (исправлено)", hours=6,
                 lesson_type="laboratory")
    topic_delete(actor=teacher, topic=PlannedTopic.objects.get(plan=plan, title="Нулевая"))
    assert titles(plan) == ["Вторая", "Первая (исправлено)"]
    assert positions(plan) == [1, 2]
    actions = list(AuditEvent.objects.filter(object_type="journal.plannedtopic")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["create", "create", "create", "update", "update", "delete"]


@pytest.mark.parametrize(
    ("hours", "title", "kind", "message"),
    [
        (0, "Тема", "theory", "Часов должно быть от 1 до 60."),
        (61, "Тема", "theory", "Часов должно быть от 1 до 60."),
        (2, "  ", "theory", "Укажите тему."),
        (2, "Тема", "nonsense", "Выберите вид занятия из списка."),
    ],
)
def test_add_refuses_bad_input(world: World, hours: int, title: str, kind: str,
                               message: str) -> None:
    plan = make_plan(world.college.workload, "Есть")
    before = PlannedTopic.objects.count(), AuditEvent.objects.count()
    with pytest.raises(DomainError) as error:
        topic_add(actor=world.actor("teacher"), plan=plan, title=title, hours=hours,
                  lesson_type=kind)
    assert error.value.message == message
    assert (PlannedTopic.objects.count(), AuditEvent.objects.count()) == before


def test_only_the_workload_teacher_edits(world: World) -> None:
    plan = make_plan(world.college.workload, "Тема")
    topic = plan.topics.get()
    for key in ("other_teacher", "curator", "deputy"):
        with pytest.raises(NotAllowed):
            topic_update(actor=world.actor(key), topic=topic, title="Чужая", hours=2,
                         lesson_type="theory")
    with pytest.raises(NotAllowed):
        topic_delete(actor=world.actor("teacher"),
                     topic=make_plan(world.stranger.workload, "Чужая").topics.get())


def test_delete_refused_when_a_lesson_uses_the_topic(world: World) -> None:
    plan = make_plan(world.college.workload, "Введение", "Циклы")
    used = plan.topics.get(title="Введение")
    make_lesson(world.college.workload, used, DAY)
    with pytest.raises(DomainError, match="уже выбрана в занятии 10.11.2026"):
        topic_delete(actor=world.actor("teacher"), topic=used)
    assert titles(plan) == ["Введение", "Циклы"]


def test_next_unused_topic_and_usage(world: World, django_assert_num_queries: object) -> None:
    workload = world.college.workload
    assert next_unused_topic(workload) is None
    plan = make_plan(workload, "Первая", "Вторая", "Третья")
    first, second, _third = plan.topics.order_by("position")
    assert next_unused_topic(workload) == first
    make_lesson(workload, first, DAY)
    make_lesson(workload, first, DAY + dt.timedelta(days=1))
    assert next_unused_topic(workload) == second
    with django_assert_num_queries(2):  # type: ignore[operator]
        usage = plan_with_usage(plan)
    assert [item.dates for item in usage] == [[DAY, DAY + dt.timedelta(days=1)], [], []]


def test_import_is_all_or_nothing_and_lists_every_bad_row(world: World) -> None:
    plan = make_plan(world.college.workload, "Старая")
    before = AuditEvent.objects.count()
    bad = rows(("Введение", "2", "Теоретическое занятие"), ("Циклы", "0", "теория"),
               ("Массивы", "2", "практическое ЗАНЯТИЕ"), ("", "2", ""), ("Файлы", "два", ""))
    with pytest.raises(PlanImportFailed) as error:
        plan_import(actor=world.actor("teacher"), plan=plan, rows=bad, replace=True)
    assert error.value.row_errors == [
        # Every error of a row, not only its first (issue 11, point 6).
        "Строка 3: часов должно быть от 1 до 60",
        "Строка 3: неизвестный вид занятия «теория»; допустимые: " + ", ".join(
            str(label) for _value, label in LessonType.choices),
        "Строка 5: укажите тему",
        "Строка 6: часов должно быть целым числом от 1 до 60",
    ]
    assert titles(plan) == ["Старая"]
    assert AuditEvent.objects.count() == before
    hours = rows(("Введение", "2", ""), ("Циклы", "61", ""))
    with pytest.raises(PlanImportFailed) as error:
        plan_import(actor=world.actor("teacher"), plan=plan, rows=hours, replace=True)
    assert error.value.row_errors == ["Строка 3: часов должно быть от 1 до 60"]


def test_import_replace_twice_gives_the_same_plan(world: World) -> None:
    plan = make_plan(world.college.workload, "Старая 1", "Старая 2", "Старая 3")
    make_lesson(world.college.workload, plan.topics.get(position=1), DAY)
    good = rows(("Введение", "2", "теоретическое занятие"), ("Циклы", "4", "Лабораторная работа"))
    teacher = world.actor("teacher")
    assert plan_import(actor=teacher, plan=plan, rows=good, replace=True) == 3
    ids = list(plan.topics.order_by("position").values_list("pk", "title", "hours",
                                                           "lesson_type"))
    assert [row[1:] for row in ids] == [("Введение", 2, "theory"), ("Циклы", 4, "laboratory")]
    assert plan_import(actor=teacher, plan=plan, rows=good, replace=True) == 0
    assert list(plan.topics.order_by("position").values_list("pk", "title", "hours",
                                                            "lesson_type")) == ids
    assert plan_import(actor=teacher, plan=plan, rows=good, replace=False) == 2
    assert titles(plan) == ["Введение", "Циклы", "Введение", "Циклы"]


def test_import_replace_refused_when_it_would_drop_a_used_topic(world: World) -> None:
    plan = make_plan(world.college.workload, "Старая 1", "Старая 2")
    make_lesson(world.college.workload, plan.topics.get(position=2), DAY)
    with pytest.raises(DomainError, match="Темы 2 уже выбраны"):
        plan_import(actor=world.actor("teacher"), plan=plan,
                    rows=rows(("Одна", "2", "")), replace=True)
    assert titles(plan) == ["Старая 1", "Старая 2"]


def test_csv_with_bom_and_semicolons() -> None:
    content = "\ufeff№;Тема;Часов;Вид занятия;Домашнее задание\r\n" \
              "1;Введение; 2 ;Теоретическое занятие;§ 1, 2\r\n;;;;\r\n" \
              "2;Практика;4;практическое занятие;\r\n"
    parsed = plan_rows_from_file("ktp.csv", io.BytesIO(content.encode("utf-8")))
    assert parsed == [
        PlanRow(line=2, title="Введение", hours="2", lesson_type="Теоретическое занятие",
                homework="§ 1, 2"),
        PlanRow(line=4, title="Практика", hours="4", lesson_type="практическое занятие"),
    ]


def test_bad_files_are_refused() -> None:
    with pytest.raises(DomainError, match="XLSX или CSV"):
        plan_rows_from_file("ktp.pdf", io.BytesIO(b"%PDF-1.4"))
    with pytest.raises(DomainError, match="Не удалось прочитать"):
        plan_rows_from_file("ktp.xlsx", io.BytesIO(b"PK not really"))


def test_templates_open_with_openpyxl() -> None:
    book = load_workbook(io.BytesIO(plan_template_xlsx()))
    sheet, types = book.worksheets
    assert [cell.value for cell in sheet[1]] == ["№", "Тема", "Часов", "Вид занятия",
                                                 "Домашнее задание"]
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["B"].width == 60
    assert [row[0] for row in types.iter_rows(min_row=2, values_only=True)] == [
        str(label) for _value, label in LessonType.choices]
    csv_bytes = plan_template_csv()
    assert csv_bytes.startswith(b"\xef\xbb\xbf")
    assert csv_bytes.decode("utf-8-sig").splitlines()[0] == \
        "№;Тема;Часов;Вид занятия;Домашнее задание"
    parsed = plan_rows_from_file("template.csv", io.BytesIO(csv_bytes))
    assert len(parsed) == 2 and parsed[0].title == "Введение. Цели и задачи курса"


def test_xlsx_round_trip(world: World) -> None:
    teacher = world.actor("teacher")
    plan = plan_get_or_create(actor=teacher, workload=world.college.workload)
    topic_add(actor=teacher, plan=plan, title="Введение", hours=2, lesson_type="theory",
              homework="Конспект\nвторая строка")
    topic_add(actor=teacher, plan=plan, title="Контрольная", hours=1, lesson_type="exam")
    exported = plan_export_xlsx(plan)
    other = ThematicPlan.objects.create(workload=world.college.other_workload)
    plan_import(actor=world.actor("other_teacher"), plan=other,
                rows=plan_rows_from_file("plan.xlsx", io.BytesIO(exported)), replace=True)
    fields = ("position", "title", "hours", "lesson_type", "homework")
    assert list(other.topics.order_by("position").values_list(*fields)) == \
        list(plan.topics.order_by("position").values_list(*fields))


def test_the_largest_plan_exports_and_reads_back_within_the_caps(world: World) -> None:
    # 1,000 topics with the longest homework: the reader's caps must not refuse a real plan.
    plan = ThematicPlan.objects.create(workload=world.college.workload)
    homework = ("Прочитать § %(n)s, выписать определения. " * 200)[:HOMEWORK_MAX]
    PlannedTopic.objects.bulk_create([
        PlannedTopic(plan=plan, position=n, title=f"Тема {n} " + "я" * 480, hours=2,
                     lesson_type=LessonType.PRACTICAL, homework=homework % {"n": n})
        for n in range(1, MAX_TOPICS + 1)
    ])
    exported = plan_export_xlsx(plan)
    assert len(exported) < IMPORT_MAX_BYTES
    parsed = plan_rows_from_file("plan.xlsx", io.BytesIO(exported))
    assert len(parsed) == MAX_TOPICS
    assert parsed[-1].homework == homework % {"n": MAX_TOPICS}


def test_a_file_longer_than_a_plan_can_be_is_refused() -> None:
    content = "№;Тема;Часов\n" + "1;Тема;2\n" * (MAX_TOPICS + 60)
    with pytest.raises(DomainError, match="Не больше 1050 строк за одну загрузку."):
        plan_rows_from_file("plan.csv", io.BytesIO(content.encode()))


def _workload(world: World, **values: object) -> Workload:
    data: dict = {"academic_year": world.college.year, "teacher": world.college.employees[
        "teacher"], "group": world.college.group, "item": world.college.mdk} | values
    return Workload.objects.create(**data)


def test_copy_from_previous_year_and_other_group(world: World) -> None:
    teacher = world.actor("teacher")
    previous = AcademicYear.objects.create(organization=world.org, name="2025/2026",
                                           date_from=dt.date(2025, 9, 1),
                                           date_to=dt.date(2026, 8, 31))
    old = make_plan(_workload(world, academic_year=previous), "Старая 1", "Старая 2")
    other_group = make_plan(_workload(world, group=world.college.other_group), "Соседняя")
    unrelated = make_plan(_workload(world, item=world.college.discipline), "Чужой предмет")
    target = make_plan(world.college.workload, "Своя")
    sources = plan_copy_sources(teacher, world.college.workload)
    assert {plan.pk for plan in sources} == {old.pk, other_group.pk}
    assert plan_copy(actor=teacher, target=target, source=old) == 2
    assert titles(target) == ["Своя", "Старая 1", "Старая 2"]
    plan_copy(actor=teacher, target=target, source=other_group, replace=True)
    assert titles(target) == ["Соседняя"]
    with pytest.raises(DomainError, match="той же дисциплины"):
        plan_copy(actor=teacher, target=target, source=unrelated)
    assert AuditEvent.objects.filter(object_type="journal.thematicplan", action="update",
                                     object_id=str(target.pk)).count() == 2


def test_copy_replace_refused_when_topics_are_used(world: World) -> None:
    teacher = world.actor("teacher")
    source = make_plan(_workload(world, group=world.college.other_group), "Соседняя")
    target = make_plan(world.college.workload, "Своя")
    make_lesson(world.college.workload, target.topics.get(), DAY)
    with pytest.raises(DomainError, match="заменить план нельзя"):
        plan_copy(actor=teacher, target=target, source=source, replace=True)
    assert titles(target) == ["Своя"]
    plan_copy(actor=teacher, target=target, source=source, replace=False)
    assert titles(target) == ["Своя", "Соседняя"]


def test_copy_refuses_a_plan_the_actor_cannot_see(world: World) -> None:
    hidden = make_plan(_workload(world, teacher=world.college.employees["other_teacher"],
                                 group=world.college.other_group), "Не моя")
    target = make_plan(world.college.workload)
    with pytest.raises(DomainError, match="недоступен"):
        plan_copy(actor=world.actor("teacher"), target=target, source=hidden)
