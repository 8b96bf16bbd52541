"""Lesson creation and changes, substitutions, homework files."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from otmetka.audit.models import AuditEvent
from otmetka.journal.models import HomeworkAttachment, JournalHistory, Lesson, Mark
from otmetka.journal.services.lessons import (
    attachment_add,
    attachment_delete,
    lesson_create,
    lesson_delete,
    lesson_update,
    substitution_set,
)
from otmetka.journal.services.marks import cell_save
from otmetka.journal.tests.factories_grid import make_lesson, make_plan
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.test import TODAY, World


def test_create_proposes_the_next_unused_topic(world: World) -> None:
    workload = world.college.workload
    first, second = make_plan(workload, "Введение", "Типы данных")
    lesson = lesson_create(
        actor=world.actor("teacher"), workload=workload, date=TODAY, pair_number=1
    )
    assert (lesson.topic, lesson.topic_text, lesson.teacher) == (
        first,
        "Введение",
        world.college.employees["teacher"],
    )
    assert lesson.filled_at is not None
    again = lesson_create(
        actor=world.actor("teacher"), workload=workload, date=TODAY, pair_number=2
    )
    assert again.topic == second
    row = JournalHistory.objects.get(entity="lesson", entity_id=lesson.pk)
    assert row.action == "create" and row.new["topic_text"] == "Введение"


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (TODAY + dt.timedelta(days=1), "Занятие не может быть в будущем."),
        (dt.date(2026, 8, 20), "Дата вне семестров учебного года"),
    ],
)
def test_create_refuses_bad_dates(world: World, day: dt.date, message: str) -> None:
    with pytest.raises(DomainError, match=message):
        lesson_create(actor=world.actor("teacher"), workload=world.college.workload, date=day)
    assert not Lesson.objects.exists()


def test_create_refuses_holidays(world: World, now: object) -> None:
    now.move_to(dt.datetime(2027, 1, 5, 10, 0, tzinfo=dt.UTC))  # type: ignore[attr-defined]
    with pytest.raises(DomainError, match="каникулы"):
        lesson_create(
            actor=world.actor("teacher"), workload=world.college.workload, date=dt.date(2027, 1, 4)
        )


def test_create_refuses_a_topic_of_another_plan(world: World) -> None:
    (foreign,) = make_plan(world.college.other_workload, "Чужая тема")
    with pytest.raises(DomainError, match="не из КТП этого журнала"):
        lesson_create(
            actor=world.actor("teacher"), workload=world.college.workload, date=TODAY, topic=foreign
        )
    assert not Lesson.objects.exists()


def test_create_refuses_a_taken_pair_and_other_teacher(world: World) -> None:
    make_lesson(world.college.workload, pair=1)
    with pytest.raises(DomainError, match="1-й паре"):
        lesson_create(
            actor=world.actor("teacher"), workload=world.college.workload, date=TODAY, pair_number=1
        )
    with pytest.raises(NotAllowed):
        lesson_create(
            actor=world.actor("other_teacher"), workload=world.college.workload, date=TODAY
        )


def test_update_sets_filled_at_once_and_writes_history(world: World) -> None:
    lesson = make_lesson(world.college.workload, topic_text="")
    lesson_update(actor=world.actor("teacher"), lesson=lesson, homework="§ 3, задачи 1–5")
    first = lesson.filled_at
    assert first is not None
    lesson_update(actor=world.actor("teacher"), lesson=lesson, topic_text="Циклы")
    assert lesson.filled_at == first
    rows = list(JournalHistory.objects.filter(entity="lesson").order_by("id"))
    assert [row.new for row in rows] == [{"homework": "§ 3, задачи 1–5"}, {"topic_text": "Циклы"}]


def test_delete_refused_with_marks(world: World) -> None:
    lesson = make_lesson(world.college.workload)
    cell_save(actor=world.actor("teacher"), lesson=lesson, student=world.college.student, text="5")
    with pytest.raises(DomainError, match="есть отметки"):
        lesson_delete(actor=world.actor("teacher"), lesson=lesson)
    Mark.objects.all().delete()
    lesson_delete(actor=world.actor("teacher"), lesson=lesson)
    assert not Lesson.objects.exists()
    assert JournalHistory.objects.filter(entity="lesson", action="delete").count() == 1


def test_substitution_gives_the_lesson_to_the_substitute(world: World) -> None:
    lesson = make_lesson(world.college.workload)
    employees = world.college.employees
    with pytest.raises(NotAllowed):
        substitution_set(
            actor=world.actor("teacher"),
            lesson=lesson,
            absent_teacher=employees["teacher"],
            substitute=employees["other_teacher"],
            reason="Болезнь",
        )
    substitution_set(
        actor=world.actor("dispatcher"),
        lesson=lesson,
        absent_teacher=employees["teacher"],
        substitute=employees["other_teacher"],
        reason="Болезнь",
    )
    lesson.refresh_from_db()
    assert lesson.teacher == employees["other_teacher"]
    assert AuditEvent.objects.filter(object_type="journal.substitution").exists()
    # The substitute now fills this lesson.
    lesson = Lesson.objects.select_related("substitution").get(pk=lesson.pk)
    cell_save(
        actor=world.actor("other_teacher"), lesson=lesson, student=world.college.student, text="4"
    )


PDF = b"%PDF-1.4\n%test\n"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("task.exe", b"MZ\x90\x00", "Такие файлы прикладывать нельзя"),
        ("task.pdf", b"MZ\x90\x00binary", "не похоже на PDF"),
        ("task.docx", PDF, "не похоже на DOCX"),
        ("notes.txt", b"abc\x00def", "не похоже на TXT"),
    ],
)
def test_attachment_type_checked_by_name_and_content(
    world: World, name: str, content: bytes, message: str
) -> None:
    lesson = make_lesson(world.college.workload)
    with pytest.raises(DomainError, match=message):
        attachment_add(
            actor=world.actor("teacher"),
            lesson=lesson,
            uploaded_file=SimpleUploadedFile(name, content),
        )
    assert not HomeworkAttachment.objects.exists()


def test_attachment_size_limit_and_happy_path(
    world: World, settings: object, tmp_path: object
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)  # type: ignore[attr-defined]
    lesson = make_lesson(world.college.workload)
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(DomainError, match="больше 10 МБ"):
        attachment_add(actor=world.actor("teacher"), lesson=lesson, uploaded_file=big)
    attachment = attachment_add(
        actor=world.actor("teacher"),
        lesson=lesson,
        uploaded_file=SimpleUploadedFile("Задание.pdf", PDF),
    )
    assert (attachment.original_name, attachment.content_type) == ("Задание.pdf", "application/pdf")
    text = attachment_add(
        actor=world.actor("teacher"),
        lesson=lesson,
        uploaded_file=SimpleUploadedFile("readme.txt", "Прочитать главу".encode()),
    )
    attachment_delete(actor=world.actor("teacher"), attachment=text)
    assert list(HomeworkAttachment.objects.values_list("original_name", flat=True)) == [
        "Задание.pdf"
    ]
    assert JournalHistory.objects.filter(entity="lesson").count() == 3
