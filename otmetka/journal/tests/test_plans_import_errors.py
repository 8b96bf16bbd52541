"""КТП import names every error of a row, not only the first (issue 11, point 6)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from otmetka.audit.models import AuditEvent
from otmetka.journal.models import LessonType, PlannedTopic, ThematicPlan
from otmetka.journal.services.plans import HOMEWORK_MAX, PlanImportFailed, PlanRow, plan_import
from otmetka.journal.tests.factories_plans import make_plan, titles
from otmetka.test import World

ALLOWED = ", ".join(str(label) for _value, label in LessonType.choices)
# No title, hours in words, a lesson type the college does not have: three errors in line 3.
THREE_ERRORS = (
    "\ufeff№;Тема;Часов;Вид занятия;Домашнее задание\n"
    "1;Введение;2;;\n"
    "2;;два;лекция;\n"
    "3;Циклы;4;;\n"
)
ROW_3 = [
    "Строка 3: укажите тему",
    "Строка 3: часов должно быть целым числом от 1 до 60",
    f"Строка 3: неизвестный вид занятия «лекция»; допустимые: {ALLOWED}",
]


def test_a_row_with_three_errors_shows_three_messages_and_saves_nothing(world: World) -> None:
    workload = world.college.workload
    client = world.client_for("teacher")
    url = reverse("journal:plan_import", kwargs={"workload_id": workload.pk})
    response = client.post(
        url, {"file": SimpleUploadedFile("plan.csv", THREE_ERRORS.encode()), "replace": "on"}
    )
    text = response.content.decode()
    assert "Ничего не сохранено" in text
    for message in ROW_3:
        assert text.count(message) == 2, message  # in the list above the table and in the row
    assert 'name="token"' not in text  # no «Сохранить» for a file with errors
    assert not ThematicPlan.objects.exists() and not PlannedTopic.objects.exists()


def test_the_service_refuses_with_every_error_of_every_row(world: World) -> None:
    plan = make_plan(world.college.workload, "Старая")
    audit_rows = AuditEvent.objects.count()
    rows = [
        PlanRow(line=2, title="Введение", hours="2", lesson_type=""),
        PlanRow(line=3, title="", hours="два", lesson_type="лекция"),
        PlanRow(line=4, title="Т" * 501, hours="0", lesson_type="",
                homework="д" * (HOMEWORK_MAX + 1)),
    ]
    try:
        plan_import(actor=world.actor("teacher"), plan=plan, rows=rows, replace=True)
    except PlanImportFailed as error:
        found = error.row_errors
    else:
        raise AssertionError("the import of bad rows was not refused")
    assert found == [
        *ROW_3,
        "Строка 4: тема не длиннее 500 символов",
        "Строка 4: часов должно быть от 1 до 60",
        f"Строка 4: домашнее задание не длиннее {HOMEWORK_MAX} символов",
    ]
    assert titles(plan) == ["Старая"]
    assert AuditEvent.objects.count() == audit_rows
