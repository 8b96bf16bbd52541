"""Russian as a careful secretary writes it: one term for one thing, buttons that say what they
do, counts with thousands separated, and a favicon on every page."""

from __future__ import annotations

import importlib
import io

import pytest
from django.apps import apps
from django.urls import reverse
from pypdf import PdfReader

from otmetka.academics.models import Workload
from otmetka.diary.tests.factories import build_diary_week
from otmetka.journal.models import AttestationSheet, WorkKind
from otmetka.journal.services.work_kinds import work_kinds_ensure_defaults
from otmetka.people.models import Consent
from otmetka.test import World

FAVICON = "/static/otmetka/favicon.svg"


def test_every_page_names_the_favicon_and_it_is_served(world: World) -> None:
    for client in (world.client_for("teacher"), world.client_for("student")):
        page = client.get(reverse("accounts:home"), follow=True).content.decode()
        assert f'<link rel="icon" href="{FAVICON}" type="image/svg+xml">' in page
    icon = world.client_for("teacher").get(FAVICON)
    assert icon.status_code == 200
    assert icon.getvalue().startswith(b"<svg")
    # A PDF opened in a tab has no <link>: the browser asks /favicon.ico.
    legacy = world.client_for("teacher").get("/favicon.ico")
    assert (legacy.status_code, legacy["Location"]) == (301, FAVICON)


def test_counts_have_their_thousands_separated(world: World) -> None:
    Workload.objects.filter(pk=world.college.workload.pk).update(hours_first=1200, hours_second=34)
    page = world.client_for("teacher").get(reverse("academics:my_workload")).content.decode()
    assert "<b>1\xa0234</b>" in page  # the year's total, «1 234» with a non-breaking space
    assert "<b>1\xa0200</b>" in page


def test_the_diary_says_marks_and_disciplines(world: World) -> None:
    build_diary_week(world)
    client = world.client_for("parent")
    marks = client.get(reverse("diary:marks")).content.decode()
    assert "Оценк" not in marks and "редмет" not in marks
    assert ">Отметки<" in marks and "Дисциплина" in marks
    attendance = client.get(reverse("diary:attendance")).content.decode()
    assert "По дисциплинам" in attendance and "редмет" not in attendance


def test_a_college_marks_an_oral_answer_not_an_answer_at_a_school_lesson(world: World) -> None:
    work_kinds_ensure_defaults(world.org.pk)
    names = set(WorkKind.objects.filter(organization=world.org).values_list("name", flat=True))
    assert "Устный ответ" in names and "Ответ на уроке" not in names


def test_the_rename_reaches_organizations_made_before(world: World) -> None:
    migration = importlib.import_module("otmetka.journal.migrations.0005_work_kind_oral_answer")
    stranger = world.stranger.organization
    WorkKind.objects.create(organization=world.org, name="Ответ на уроке", short_name="О")
    WorkKind.objects.create(organization=stranger, name="Ответ на уроке", short_name="О")
    WorkKind.objects.create(organization=stranger, name="Устный ответ", short_name="УО")
    migration.rename(apps, None)
    assert WorkKind.objects.filter(organization=world.org, name="Устный ответ").count() == 1
    assert not WorkKind.objects.filter(organization=world.org, name="Ответ на уроке").exists()
    # A college that already has its own «Устный ответ» keeps both rows as they were.
    assert WorkKind.objects.filter(organization=stranger, name="Ответ на уроке").exists()


def test_the_sheet_is_signed_by_the_deputy_for_academic_and_methodical_work(
    world: World,
) -> None:
    client = world.client_for("teacher")
    url = reverse("journal:attestation", kwargs={"workload_id": world.college.workload.pk})
    client.get(f"{url}?period={world.college.semester1.pk}")
    sheet = AttestationSheet.objects.get(group=world.college.group, item=world.college.mdk)
    response = client.get(reverse("journal:attestation_pdf", kwargs={"sheet_id": sheet.pk}))
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Заместитель директора по УМР" in text
    assert "по учебной работе" not in text


@pytest.mark.parametrize(
    ("url_name", "who", "button", "state"),
    [
        ("academics:group_access", "curator", "Отметить отзыв", "отозвано…"),
        ("academics:card_checks", "curator", "Отметить проверку", ">Проверено<"),
        ("academics:group_detail", "head", "Вывести из группы", "выбыл(а)"),
    ],
)
def test_buttons_say_what_they_do(
    world: World, url_name: str, who: str, button: str, state: str
) -> None:
    from otmetka.accounts.models import RoleAssignment

    college = world.college
    Consent.objects.create(person=college.student.person, signed_on=college.year.date_from)
    RoleAssignment.objects.filter(user=world.user("head")).update(department=college.department)
    kwargs = {} if url_name == "academics:card_checks" else {"group_id": college.group.pk}
    page = world.client_for(who).get(reverse(url_name, kwargs=kwargs)).content.decode()
    assert button in page
    assert state not in page


def test_the_history_of_an_order_names_what_changed(world: World) -> None:
    from otmetka.movement.tests.factories import transfer_order

    order = transfer_order(world, number="77-к")
    page = world.client_for("head").get(
        reverse("movement:order_detail", kwargs={"order_id": order.pk})
    )
    html = page.content.decode()
    assert "Номер: 77-к" in html and "Дата приказа: " in html  # keys in any order (jsonb)
    assert "Обучающийся: Студентов Иван Петрович с " in html
    assert "Состояние: черновик → подписан" in html
