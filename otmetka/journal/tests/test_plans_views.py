from __future__ import annotations

import datetime as dt
import io
import time
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from otmetka.academics.models import Workload
from otmetka.journal.models import LessonType, PlannedTopic, ThematicPlan
from otmetka.journal.tests.factories_plans import make_lesson, make_plan, titles
from otmetka.lib.tests.factories import NUMBER_ROW, TEXT_ROW, xlsx_bomb
from otmetka.test import World


def plan_url(workload: Workload, name: str = "journal:plan") -> str:
    return reverse(name, kwargs={"workload_id": workload.pk})


def topic_url(topic: PlannedTopic, name: str) -> str:
    return reverse(name, kwargs={"topic_id": topic.pk})


def test_plan_page_access(world: World) -> None:
    workload = world.college.workload
    make_plan(workload, "Введение")
    assert world.client_for("teacher").get(plan_url(workload)).status_code == 200
    assert world.client_for("other_teacher").get(plan_url(workload)).status_code == 404
    assert world.client_for("student").get(plan_url(workload)).status_code == 403
    assert world.client_for(world.stranger.users["teacher"]).get(
        plan_url(workload)).status_code == 404
    assert world.client_for(world.stranger.users["deputy"]).get(
        plan_url(workload)).status_code == 404
    curator = world.client_for("curator")
    page = curator.get(plan_url(workload))
    assert page.status_code == 200 and "Введение" in page.content.decode()
    assert "Новая тема" not in page.content.decode()
    assert curator.post(plan_url(workload), {"title": "X", "hours": 2,
                                             "lesson_type": "theory"}).status_code == 403
    assert world.client_for("deputy").get(plan_url(workload)).status_code == 200


@pytest.mark.parametrize("name", ["journal:plan_copy", "journal:plan_import"])
def test_edit_pages_access(world: World, name: str) -> None:
    workload = world.college.workload
    assert world.client_for("teacher").get(plan_url(workload, name)).status_code == 200
    assert world.client_for("other_teacher").get(plan_url(workload, name)).status_code == 404
    assert world.client_for("curator").get(plan_url(workload, name)).status_code == 403
    assert world.client_for("deputy").get(plan_url(workload, name)).status_code == 403
    assert world.client_for(world.stranger.users["teacher"]).get(
        plan_url(workload, name)).status_code == 404


def test_topic_urls_access(world: World) -> None:
    topic = make_plan(world.college.workload, "Введение").topics.get()
    edit = topic_url(topic, "journal:topic_edit")
    assert world.client_for("teacher").get(edit).status_code == 200
    assert world.client_for("other_teacher").get(edit).status_code == 404
    assert world.client_for("curator").get(edit).status_code == 403
    assert world.client_for(world.stranger.users["teacher"]).get(edit).status_code == 404
    for name in ("journal:topic_delete", "journal:topic_move"):
        assert world.client_for("teacher").get(topic_url(topic, name)).status_code == 405
        assert world.client_for(world.stranger.users["teacher"]).post(
            topic_url(topic, name), {"direction": "up"}).status_code == 404
        assert world.client_for("curator").post(
            topic_url(topic, name), {"direction": "up"}).status_code == 403
    assert PlannedTopic.objects.filter(pk=topic.pk).exists()


def test_teacher_builds_the_plan(world: World) -> None:
    workload = world.college.workload
    client = world.client_for("teacher")
    response = client.post(plan_url(workload), {"title": "Циклы", "hours": "0",
                                                "lesson_type": "theory"})
    assert "Часов должно быть от 1 до 60." in response.content.decode()
    assert not ThematicPlan.objects.filter(workload=workload, topics__isnull=False).exists()
    for title in ("Введение", "Циклы"):
        response = client.post(plan_url(workload), {"title": title, "hours": "2",
                                                    "lesson_type": "theory"}, follow=True)
        assert "Тема добавлена." in response.content.decode()
    plan = ThematicPlan.objects.get(workload=workload)
    loops = plan.topics.get(title="Циклы")
    client.post(topic_url(loops, "journal:topic_move"), {"direction": "up"})
    assert titles(plan) == ["Циклы", "Введение"]
    response = client.post(topic_url(loops, "journal:topic_edit"),
                           {"title": "Циклы и ветвления", "hours": "4",
                            "lesson_type": "practical", "homework": "Задачи"}, follow=True)
    assert "Тема сохранена." in response.content.decode()
    make_lesson(workload, plan.topics.get(title="Введение"), dt.date(2026, 11, 10))
    response = client.post(topic_url(plan.topics.get(title="Введение"), "journal:topic_delete"),
                           follow=True)
    text = response.content.decode()
    assert "удалить её нельзя" in text and "10.11.2026" in text
    assert "6 из 80" in text
    client.post(topic_url(loops, "journal:topic_delete"))
    assert titles(plan) == ["Введение"]


def test_plan_page_query_budget(world: World, django_assert_num_queries: Any) -> None:
    workload = world.college.workload
    plan = make_plan(workload, "Первая", "Вторая")
    client = world.client_for("teacher")
    client.get(plan_url(workload))

    def count() -> int:
        # session, user, role assignments with person and employee, the
        # journal (scoped), the plan, its topics, the dates of the lessons that used them
        with django_assert_num_queries(7) as captured:
            assert client.get(plan_url(workload)).status_code == 200
        return len(captured)

    first = count()
    topics = make_plan(workload, *[f"Тема {index}" for index in range(30)]).topics.all()
    for index, topic in enumerate(topics[:10]):
        make_lesson(workload, topic, dt.date(2026, 10, 1) + dt.timedelta(days=index))
    assert plan.topics.count() == 32
    assert count() == first


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_import_preview_then_save(world: World) -> None:
    workload = world.college.workload
    client = world.client_for("teacher")
    bad = ("\ufeff№;Тема;Часов;Вид занятия;Домашнее задание\n1;Введение;2;;\n"
           "2;Циклы;99;;\n3;;2;;\n4;Массивы;2;лекция;\n").encode()
    response = client.post(plan_url(workload, "journal:plan_import"),
                           {"file": _upload("plan.csv", bad), "replace": "on"})
    text = response.content.decode()
    assert "Ничего не сохранено" in text
    for message in ("Строка 3: часов должно быть от 1 до 60", "Строка 4: укажите тему",
                    "Строка 5: неизвестный вид занятия «лекция»"):
        assert message in text
    assert 'name="token"' not in text
    assert not PlannedTopic.objects.exists()
    good = "№;Тема;Часов;Вид занятия\n1;Введение;2;теоретическое занятие\n2;Циклы;4;\n".encode()
    response = client.post(plan_url(workload, "journal:plan_import"),
                           {"file": _upload("plan.csv", good), "replace": "on"})
    assert "Файл без ошибок: 2 темы." in response.content.decode()
    assert not PlannedTopic.objects.exists()
    token = client.session["journal_plan_import"]["token"]
    response = client.post(plan_url(workload, "journal:plan_import"), {"token": "wrong"},
                           follow=True)
    assert "Загрузка устарела" in response.content.decode()
    response = client.post(plan_url(workload, "journal:plan_import"), {"token": token},
                           follow=True)
    assert "План загружен." in response.content.decode()
    plan = ThematicPlan.objects.get(workload=workload)
    assert titles(plan) == ["Введение", "Циклы"]
    # the token is spent: a second save does nothing
    client.post(plan_url(workload, "journal:plan_import"), {"token": token})
    assert titles(plan) == ["Введение", "Циклы"]


def test_export_and_templates_download(world: World) -> None:
    workload = world.college.workload
    make_plan(workload, "Введение", "Циклы")
    response = world.client_for("curator").get(plan_url(workload, "journal:plan_export"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Введение",
                                                                               "Циклы"]
    assert world.client_for(world.stranger.users["teacher"]).get(
        plan_url(workload, "journal:plan_export")).status_code == 404
    client = world.client_for("teacher")
    xlsx = client.get(reverse("journal:plan_template"))
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames == ["КТП", "Виды занятий"]
    csv_response = client.get(reverse("journal:plan_template") + "?format=csv")
    assert csv_response.content.startswith(b"\xef\xbb\xbf\xe2\x84\x96;")
    assert world.client_for("student").get(reverse("journal:plan_template")).status_code == 403


def test_copy_page_flow(world: World) -> None:
    source_workload = Workload.objects.create(
        academic_year=world.college.year, teacher=world.college.employees["teacher"],
        group=world.college.other_group, item=world.college.mdk,
    )
    make_plan(source_workload, "Соседняя 1", "Соседняя 2")
    client = world.client_for("teacher")
    page = client.get(plan_url(world.college.workload, "journal:plan_copy"))
    assert world.college.other_group.name in page.content.decode()
    source = ThematicPlan.objects.get(workload=source_workload)
    response = client.post(plan_url(world.college.workload, "journal:plan_copy"),
                           {"source": source.pk}, follow=True)
    assert "Скопировано тем: 2." in response.content.decode()
    assert titles(ThematicPlan.objects.get(workload=world.college.workload)) == [
        "Соседняя 1", "Соседняя 2"]
    foreign = make_plan(world.college.other_workload, "Чужая")
    response = client.post(plan_url(world.college.workload, "journal:plan_copy"),
                           {"source": foreign.pk})
    assert response.status_code == 200 and "Выберите корректный вариант" in \
        response.content.decode()


@pytest.mark.parametrize(("rows", "row", "message"), [
    # 120 MB of rows packed into under a megabyte (the finding: 61 s of CPU from 342 KB).
    (2_400_000, TEXT_ROW, "Файл XLSX слишком велик в распакованном виде."),
    # Few megabytes, but 300,000 rows: refused by counting, before any row is parsed.
    (300_000, NUMBER_ROW, "В файле XLSX слишком много данных"),
], ids=["unpacks-to-120-MB", "300000-rows"])
def test_import_refuses_a_decompression_bomb_quickly(
    world: World, rows: int, row: bytes, message: str
) -> None:
    workload = world.college.workload
    content = xlsx_bomb(rows=rows, row=row)
    assert len(content) < 1_000_000
    client = world.client_for("teacher")
    started = time.process_time()
    response = client.post(plan_url(workload, "journal:plan_import"),
                           {"file": _upload("plan.xlsx", content), "replace": "on"})
    assert time.process_time() - started < 5
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "journal_plan_import" not in client.session
    assert not ThematicPlan.objects.exists() and not PlannedTopic.objects.exists()


def test_import_refuses_a_file_over_the_size_cap(world: World) -> None:
    client = world.client_for("teacher")
    content = "№;Тема;Часов\n" + "1;Тема;2\n" * 300_000  # about 3 MB of real rows
    response = client.post(plan_url(world.college.workload, "journal:plan_import"),
                           {"file": _upload("plan.csv", content.encode()), "replace": "on"})
    assert "Файл больше 2 МБ." in response.content.decode()
    assert not PlannedTopic.objects.exists()


def test_export_writes_formula_like_text_as_plain_text(world: World) -> None:
    workload = world.college.workload
    plan = make_plan(workload, "=cmd|' /C calc'!A0")
    PlannedTopic.objects.filter(plan=plan).update(homework="@SUM(1+1)*cmd|' /C calc'!A0")
    response = world.client_for("teacher").get(plan_url(workload, "journal:plan_export"))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    title, homework = sheet["B2"], sheet["E2"]
    assert title.data_type == "s" and title.value == "=cmd|' /C calc'!A0"
    assert homework.data_type == "s" and homework.value == "@SUM(1+1)*cmd|' /C calc'!A0"
    assert title.quotePrefix and homework.quotePrefix
    # The layout a teacher knows stays: bold shaded header, widths, the list of lesson types.
    assert sheet.title == "КТП" and sheet["A1"].font.bold
    assert sheet["A1"].fill.fgColor.rgb == "00DDE6F0"
    assert [sheet.column_dimensions[c].width for c in "ABCDE"] == [6, 60, 8, 28, 50]
    assert sheet.freeze_panes == "A2"
    (validation,) = sheet.data_validations.dataValidation
    assert validation.formula1 == f"'Виды занятий'!$A$2:$A${len(LessonType.choices) + 1}"
    assert str(validation.sqref) == "D2:D1001"
