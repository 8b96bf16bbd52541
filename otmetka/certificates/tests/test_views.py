"""The certificates pages as the secretary uses them: issue, print, the register."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from otmetka.certificates.models import Certificate
from otmetka.certificates.services import certificate_issue
from otmetka.certificates.tests.support import attestation_record, fill_details
from otmetka.people.models import Person, Student
from otmetka.test import BASE_QUERIES, World

ENROLMENT = Certificate.Kind.ENROLMENT
RECORD = Certificate.Kind.STUDY_RECORD
REGISTER = reverse("certificates:register")


def issued(
    world: World, kind: str = ENROLMENT, student: Student | None = None, **extra: Any
) -> Certificate:
    return certificate_issue(
        actor=world.actor("secretary"),
        student=student or world.college.student,
        kind=kind,
        **extra,
    )


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return " ".join(text.split())


# --- Rights -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["register", "register_xlsx"])
def test_register_is_the_secretarys(world: World, name: str) -> None:
    url = reverse(f"certificates:{name}")
    assert world.client_for("secretary").get(url).status_code == 200
    assert world.client_for("director").get(url).status_code == 200
    assert world.client_for("deputy").get(url).status_code == 200
    assert world.client_for("teacher").get(url).status_code == 403
    assert world.client_for("curator").get(url).status_code == 403


@pytest.mark.parametrize("name", ["detail", "pdf"])
def test_a_certificate_opens_for_its_college_only(world: World, name: str) -> None:
    url = reverse(f"certificates:{name}", kwargs={"certificate_id": issued(world).pk})
    assert world.client_for("secretary").get(url).status_code == 200
    assert world.client_for("teacher").get(url).status_code == 403
    assert world.client_for(world.stranger.users["secretary"]).get(url).status_code == 404


def test_issue_page_rights(world: World) -> None:
    url = reverse("certificates:issue", kwargs={"student_id": world.college.student.pk})
    stranger = world.client_for(world.stranger.users["secretary"])
    assert world.client_for("secretary").get(url).status_code == 200
    assert world.client_for("teacher").get(url).status_code == 403
    assert stranger.get(url).status_code == 404
    assert world.client_for("teacher").post(url, {"kind": ENROLMENT}).status_code == 403
    assert stranger.post(url, {"kind": ENROLMENT}).status_code == 404
    assert not Certificate.objects.exists()


# --- Issuing from the card ---------------------------------------------------------------------


def test_the_card_offers_a_certificate_to_the_secretary_only(world: World) -> None:
    card = reverse("people:student_detail", kwargs={"student_id": world.college.student.pk})
    issue_url = reverse("certificates:issue", kwargs={"student_id": world.college.student.pk})
    assert issue_url in world.client_for("secretary").get(card).content.decode()
    assert issue_url not in world.client_for("curator").get(card).content.decode()


def test_secretary_issues_from_the_form(world: World) -> None:
    client = world.client_for("secretary")
    url = reverse("certificates:issue", kwargs={"student_id": world.college.student.pk})
    response = client.post(url, {"kind": RECORD, "presented_to": "в Отделение СФР"})
    certificate = Certificate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "certificates:detail", kwargs={"certificate_id": certificate.pk}
    )
    assert (certificate.kind, certificate.presented_to) == (RECORD, "в Отделение СФР")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "kind", "Выберите вид справки."),
        ({"kind": "diploma"}, "kind", "Выберите корректный вариант"),
        ({"kind": ENROLMENT, "presented_to": "х" * 301}, "presented_to", "не более 300"),
    ],
)
def test_bad_input_shows_a_russian_message_and_creates_nothing(
    world: World, data: dict[str, str], field: str, message: str
) -> None:
    url = reverse("certificates:issue", kwargs={"student_id": world.college.student.pk})
    response = world.client_for("secretary").post(url, data)
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert not Certificate.objects.exists()


def test_a_leavers_enrolment_certificate_is_refused_next_to_the_field(world: World) -> None:
    Student.objects.filter(pk=world.college.student.pk).update(status=Student.Status.EXPELLED)
    world.college.student.memberships.update(date_to=dt.date(2026, 10, 31))
    url = reverse("certificates:issue", kwargs={"student_id": world.college.student.pk})
    response = world.client_for("secretary").post(url, {"kind": ENROLMENT})
    assert "выдайте справку об обучении" in response.context["form"].errors["kind"][0]
    assert not Certificate.objects.exists()


# --- The printed certificates ------------------------------------------------------------------


def test_enrolment_certificate_pdf_has_every_element(world: World) -> None:
    fill_details(world.org)
    certificate = issued(world, presented_to="в военный комиссариат")
    response = world.client_for("secretary").get(
        reverse("certificates:pdf", kwargs={"certificate_id": certificate.pk})
    )
    assert response["Content-Type"] == "application/pdf"
    text = flat(pdf_text(response.content))
    for expected in (
        "ОГБПОУ «Томский промышленно-гуманитарный техникум»",  # the college's full name
        "634050, г. Томск, ул. Пушкина, д. 7",
        "ИНН 7707083893 КПП 701701001 ОГРН 1027000862954",
        "тел. +7 (3822) 55-12-34, e-mail: info@tpt.example",
        "Лицензия на осуществление образовательной деятельности № 1234 от 01.02.2016",
        "Свидетельство о государственной аккредитации № 567 от 03.04.2019",
        "СПРАВКА",
        "№ 1/2026 от 16.11.2026",
        "Дана Студентову Ивану Петровичу, 14.03.2009 года рождения",
        "он действительно обучается в ОГБПОУ",
        "на 2 курсе по очной форме обучения",
        "09.02.07 «Информационные системы и программирование», группа ИС-21",
        "основа обучения — бюджет",
        "Зачислен приказом от 25.08.2025 № 45-к",
        "Нормативный срок окончания обучения — 30.06.2029",
        "Справка выдана для предъявления в военный комиссариат.",
        "Директор",
        "Криволапов И. Н.",
        "Секретарь учебной части",
        "Секретарёва А. Б.",
        "(подпись)",
        "М.П.",
        "стр. 1 из 1",
    ):
        assert expected in text, expected
    assert "СПРАВКА ОБ ОБУЧЕНИИ" not in text


def test_study_record_pdf_lists_the_disciplines_hours_and_marks(world: World) -> None:
    fill_details(world.org)
    attestation_record(world)
    certificate = issued(world, RECORD)
    content = (
        world.client_for("secretary")
        .get(reverse("certificates:pdf", kwargs={"certificate_id": certificate.pk}))
        .content
    )
    text = flat(pdf_text(content))
    for expected in (
        "СПРАВКА ОБ ОБУЧЕНИИ",
        "№ 1/2026 от 16.11.2026",
        "Выдана Студентову Ивану Петровичу",
        "обучается с 01.09.2025 в ОГБПОУ",
        "Наименование дисциплины (модуля), практики",
        "Количество часов",
        "Итоговая отметка",
        "1 ОП.01 Операционные системы (экз.) 108 3 (удовлетворительно)",
        "2 МДК.01.01 Разработка программных модулей (дз) 100 4 (хорошо)",
        "Всего часов 208",
        "частью 12 статьи 60 Федерального закона от 29.12.2012 № 273-ФЗ",
        "Справка выдана для предъявления по месту требования.",
        "Директор",
        "Секретарь учебной части",
        "М.П.",
        "стр. 1 из 1",
    ):
        assert expected in text, expected
    assert "(отлично)" not in text  # the open sheet's «5» and the earlier «5» are not final


def test_a_long_study_record_repeats_its_table_header_and_numbers_pages(world: World) -> None:
    from otmetka.academics.models import AttestationForm, CurriculumHours, CurriculumItem
    from otmetka.certificates.tests.support import closed_sheet

    for number in range(2, 62):
        item = CurriculumItem.objects.create(
            curriculum=world.college.curriculum,
            kind=CurriculumItem.Kind.DISCIPLINE,
            index=f"ОП.{number:02d}",
            name=f"Дисциплина номер {number}",
            position=10 + number,
        )
        CurriculumHours.objects.create(
            item=item, semester=3, total=36, theory=36, attestation_form=AttestationForm.CREDIT
        )
        closed_sheet(
            world, item, world.college.semester1, "credit", {world.college.student: "зачтено"}
        )
    certificate = issued(world, RECORD)
    reader = PdfReader(
        io.BytesIO(
            world.client_for("secretary")
            .get(reverse("certificates:pdf", kwargs={"certificate_id": certificate.pk}))
            .content
        )
    )
    pages = [flat(page.extract_text()) for page in reader.pages]
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        if "Дисциплина номер" in page:  # a page of the table repeats its header
            assert "Наименование дисциплины (модуля), практики" in page
        assert f"стр. {number} из {len(pages)}" in page
    assert sum("Дисциплина номер" in page for page in pages) >= 2
    text = " ".join(pages)
    assert "Дисциплина номер 61" in text  # nothing cut
    assert f"Всего часов {60 * 36}" in text
    assert "М.П." in pages[-1]


# --- The register ------------------------------------------------------------------------------


def test_register_filters_by_period_kind_and_group(world: World, now: Any) -> None:
    other = world.college.other_student
    first = issued(world)
    second = issued(world, RECORD)
    third = issued(world, student=other)
    Certificate.objects.filter(pk=first.pk).update(issued_on=dt.date(2026, 3, 2))
    client = world.client_for("secretary")

    def numbers(**params: str) -> list[int]:
        response = client.get(REGISTER, params)
        assert response.status_code == 200
        return [row.number for row in response.context["page"]]

    assert numbers() == [third.number, second.number, first.number]
    assert numbers(date_from="2026-11-01", date_to="2026-11-30") == [3, 2]
    assert numbers(date_from="2026-01-01", date_to="2026-11-30", kind=RECORD) == [2]
    assert numbers(
        date_from="2026-01-01", date_to="2026-11-30", group=str(world.college.other_group.pk)
    ) == [3]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"date_from": "2026-12-01", "date_to": "2026-11-01"}, "date_to", "раньше его начала"),
        ({"date_from": "завтра", "date_to": "2026-11-01"}, "date_from", "Введите правильную дату"),
        ({"date_from": "2026-01-01", "date_to": "2026-11-30", "kind": "x"}, "kind", "Выберите"),
    ],
)
def test_bad_register_filters_show_a_russian_message(
    world: World, params: dict[str, str], field: str, message: str
) -> None:
    issued(world)
    response = world.client_for("secretary").get(REGISTER, params)
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert list(response.context["page"]) == []


def test_register_of_another_college_stays_apart(world: World) -> None:
    issued(world)
    response = world.client_for(world.stranger.users["secretary"]).get(REGISTER)
    assert list(response.context["page"]) == []


def test_register_xlsx_lists_what_the_screen_lists(world: World) -> None:
    issued(world, presented_to="в банк")
    issued(world, RECORD)
    response = world.client_for("secretary").get(
        reverse("certificates:register_xlsx"), {"date_from": "2026-01-01", "date_to": "2026-12-31"}
    )
    book = load_workbook(io.BytesIO(response.content))
    rows = [list(row) for row in book.active.iter_rows(values_only=True)]
    assert rows[0][0] == world.org.name
    assert "Журнал регистрации выданных справок с 01.01.2026 по 31.12.2026" in rows[1][0]
    header = rows[2]
    assert header[:3] == ["Номер", "Дата выдачи", "Обучающийся"]
    body = rows[3:]
    assert [row[0] for row in body] == ["№ 2/2026", "№ 1/2026"]
    assert body[1][2:7] == [
        "Студентов Иван Петрович",
        "ИС-21",
        "справка с места учёбы",
        "в банк",
        "Секретарёва Алла Борисовна",
    ]
    assert body[1][1] == dt.datetime(2026, 11, 16)


def test_register_search_finds_a_student_to_issue_to(world: World) -> None:
    response = world.client_for("secretary").get(REGISTER, {"q": "студентов"})
    assert [s.pk for s in response.context["found"]] == [world.college.student.pk]
    assert (
        reverse("certificates:issue", kwargs={"student_id": world.college.student.pk})
        in response.content.decode()
    )
    response = world.client_for(world.stranger.users["secretary"]).get(REGISTER, {"q": "студентов"})
    assert [s.pk for s in response.context["found"]] == [world.stranger.student.pk]


def test_register_query_budget_does_not_grow(world: World, django_assert_num_queries: Any) -> None:
    client = world.client_for("secretary")
    issued(world)
    client.get(REGISTER)  # warm the session and the rights

    # the students' pending requests, the groups of the filter, the count and the page of
    # certificates (with person and group)
    with django_assert_num_queries(BASE_QUERIES + 4):
        client.get(REGISTER)
    for number in range(15):
        person = Person.objects.create(
            organization=world.org, last_name=f"Новиков{number}", first_name="Олег"
        )
        student = Student.objects.create(person=person)
        world.college.group.memberships.create(student=student, date_from=dt.date(2026, 9, 1))
        issued(world, student=student)
    with django_assert_num_queries(BASE_QUERIES + 4):
        response = client.get(REGISTER)
    assert len(response.context["page"]) == 16


# --- A student's request ------------------------------------------------------------------------

MY = reverse("certificates:my_requests")


def test_student_asks_and_the_secretary_fulfils(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    from otmetka.certificates.models import CertificateRequest
    from otmetka.notifications.models import Notification

    student_client = world.client_for("student")
    assert MY in student_client.get(reverse("diary:week")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = student_client.post(MY, {"kind": RECORD, "presented_to": "в Отделение СФР"})
    assert response.status_code == 302
    asked = CertificateRequest.objects.get()
    assert (asked.student, asked.kind, asked.status) == (
        world.college.student,
        RECORD,
        CertificateRequest.Status.PENDING,
    )
    secretary = world.user("secretary")
    assert Notification.objects.filter(user=secretary, title__contains="Студентов Иван").exists()
    # The secretary sees it on the register page; the stranger college does not.
    client = world.client_for("secretary")
    assert [r.pk for r in client.get(REGISTER).context["requests"]] == [asked.pk]
    stranger = world.client_for(world.stranger.users["secretary"])
    assert stranger.get(REGISTER).context["requests"] == []
    issue_url = reverse("certificates:issue", kwargs={"student_id": world.college.student.pk})
    assert stranger.get(f"{issue_url}?request={asked.pk}").status_code == 404
    page = client.get(f"{issue_url}?request={asked.pk}")
    assert page.context["form"].initial == {"kind": RECORD, "presented_to": "в Отделение СФР"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{issue_url}?request={asked.pk}", {"kind": RECORD, "presented_to": "в СФР"})
    asked.refresh_from_db()
    assert asked.status == CertificateRequest.Status.ISSUED
    assert asked.certificate is not None and asked.certificate.number == 1
    assert client.get(REGISTER).context["requests"] == []
    assert Notification.objects.filter(
        user=world.user("student"), title__contains="Справка готова"
    ).exists()
    assert "выдана: № 1/2026 от 16.11.2026" in student_client.get(MY).content.decode()
    # Fulfilled once: the same request cannot be used again.
    assert client.get(f"{issue_url}?request={asked.pk}").status_code == 404


def test_only_a_student_asks_and_for_themself(world: World) -> None:
    assert world.client_for("parent").get(MY).status_code == 403
    assert world.client_for("teacher").get(MY).status_code == 403
    assert world.client_for("secretary").get(MY).status_code == 403
    world.client_for("other_student").post(MY, {"kind": ENROLMENT})
    assert [r.student_id for r in world.client_for("student").get(MY).context["requests"]] == []


def test_bad_request_input_and_too_many_requests_create_nothing(world: World) -> None:
    from otmetka.certificates.models import CertificateRequest

    client = world.client_for("student")
    response = client.post(MY, {"kind": "diploma"})
    assert "kind" in response.context["form"].errors
    assert not CertificateRequest.objects.exists()
    for _number in range(3):
        assert client.post(MY, {"kind": ENROLMENT}).status_code == 302
    response = client.post(MY, {"kind": ENROLMENT})
    assert response.context["form"].non_field_errors() == [
        "Уже ждут выдачи 3 заявки: дождитесь их выполнения."
    ]
    assert CertificateRequest.objects.count() == 3
