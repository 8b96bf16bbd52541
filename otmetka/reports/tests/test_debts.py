"""Академические задолженности and повторная аттестация: the debt list, retakes, the
сводная ведомость after a retake, rights, bad input, files, concurrency."""

from __future__ import annotations

import datetime as dt
import io
import threading
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from otmetka.academics.models import (
    AttestationForm,
    CurriculumHours,
    CurriculumItem,
    Group,
    Membership,
)
from otmetka.accounts.models import RoleAssignment
from otmetka.audit.models import AuditEvent
from otmetka.journal.models import AttestationMark, AttestationSheet, Retake, RetakeSheet
from otmetka.journal.services.retakes import retake_result_set, retake_sheet_issue
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.org.models import Department, Period
from otmetka.people.models import Person, Student
from otmetka.reports.debts import debt_report
from otmetka.reports.summary import group_summary
from otmetka.test import World

pytestmark = pytest.mark.django_db

DEADLINE = dt.date(2026, 12, 10)


def _student(world: World, last: str, first: str, group: Group | None = None) -> Student:
    person = Person.objects.create(organization=world.org, last_name=last, first_name=first)
    student = Student.objects.create(person=person)
    Membership.objects.create(
        group=group or world.college.group, student=student, date_from=dt.date(2025, 9, 1)
    )
    return student


def _closed_sheet(
    group: Group, item: CurriculumItem, period: Period, form: str, marks: dict[Student, str]
) -> AttestationSheet:
    sheet = AttestationSheet.objects.create(
        group=group,
        item=item,
        period=period,
        form=form,
        status=AttestationSheet.Status.CLOSED,
        closed_roll=[student.pk for student in marks],
    )
    for student, value in marks.items():
        AttestationMark.objects.create(sheet=sheet, student=student, value=value)
    return sheet


class Made:
    """ИС-21: ОП.01 экзамен and ОП.02 зачёт closed, МДК open; ИС-22: ОП.01 closed."""

    def __init__(self, world: World) -> None:
        c = world.college
        self.world = world
        self.credit = CurriculumItem.objects.create(
            curriculum=c.curriculum,
            kind=CurriculumItem.Kind.DISCIPLINE,
            index="ОП.02",
            name="Физическая культура",
            position=4,
        )
        CurriculumHours.objects.create(
            item=self.credit,
            semester=3,
            total=36,
            theory=36,
            attestation_form=AttestationForm.CREDIT,
        )
        self.ivanov = c.student  # Студентов Иван Петрович
        self.averina = _student(world, "Аверина", "Анна")
        self.yozhikova = _student(world, "Ёжикова", "Ольга")
        self.ershov = _student(world, "Ершов", "Глеб")
        self.exam = _closed_sheet(
            c.group,
            c.discipline,
            c.semester1,
            AttestationForm.EXAM,
            {self.averina: "2", self.yozhikova: "н/я", self.ershov: "3", self.ivanov: "4"},
        )
        self.zachet = _closed_sheet(
            c.group,
            self.credit,
            c.semester1,
            AttestationForm.CREDIT,
            {
                self.averina: "зачтено",
                self.yozhikova: "зачтено",
                self.ershov: "не зачтено",
                self.ivanov: "зачтено",
            },
        )
        # An open sheet's 2 is no debt yet.
        open_sheet = AttestationSheet.objects.create(
            group=c.group, item=c.mdk, period=c.semester1, form=AttestationForm.DIFF_CREDIT
        )
        AttestationMark.objects.create(sheet=open_sheet, student=self.averina, value="2")
        self.other = _closed_sheet(
            c.other_group,
            c.discipline,
            c.semester1,
            AttestationForm.EXAM,
            {c.other_student: "2"},
        )


@pytest.fixture
def made(world: World) -> Made:
    return Made(world)


def _lines(report: Any) -> list[tuple[str, str, str, str, str]]:
    return [
        (
            group.group.name,
            line.debt.student.person.last_name,
            line.debt.sheet.item.index,
            line.result,
            line.state_text,
        )
        for department in report.departments
        for group in department.groups
        for line in group.lines
    ]


def _groups(world: World, who: str = "deputy") -> Any:
    from otmetka.academics.permissions import group_reports_visible_to

    return group_reports_visible_to(world.actor(who))


def test_the_debt_list_matches_the_hand_count(world: World, made: Made) -> None:
    report = debt_report(_groups(world), {})
    assert _lines(report) == [
        ("ИС-21", "Аверина", "ОП.01", "2", "не погашена"),
        ("ИС-21", "Ёжикова", "ОП.01", "н/а", "не погашена"),
        ("ИС-21", "Ершов", "ОП.02", "незачёт", "не погашена"),
        ("ИС-22", "Ёлкин", "ОП.01", "2", "не погашена"),
    ]
    assert (report.students, report.debts) == (4, 4)
    [department] = report.departments
    assert department.department == world.college.department
    assert [(g.group.name, g.students, len(g.lines)) for g in department.groups] == [
        ("ИС-21", 3, 3),
        ("ИС-22", 1, 1),
    ]


def test_the_curator_sees_own_group_only(world: World, made: Made) -> None:
    report = debt_report(_groups(world, "curator"), {})
    assert {line[0] for line in _lines(report)} == {"ИС-21"}


def test_the_filters_narrow_the_list(world: World, made: Made) -> None:
    c = world.college
    groups = _groups(world)
    assert len(_lines(debt_report(groups, {"group": c.other_group}))) == 1
    assert len(_lines(debt_report(groups, {"course": 2}))) == 4  # intake 2025, year 2026/27
    assert _lines(debt_report(groups, {"course": 1})) == []
    assert [x[1] for x in _lines(debt_report(groups, {"discipline": "физическая"}))] == ["Ершов"]
    assert len(_lines(debt_report(groups, {"period": c.semester1}))) == 4
    assert _lines(debt_report(groups, {"period": c.semester2})) == []
    assert len(_lines(debt_report(groups, {"year": c.year}))) == 4
    other = Department.objects.create(organization=world.org, name="Заочное отделение")
    assert _lines(debt_report(groups, {"department": other})) == []
    assert _lines(debt_report(groups, {"state": "closed"})) == []


def _issue(world: World, made: Made, *students: Student, **extra: Any) -> RetakeSheet:
    teacher = world.college.employees["teacher"]
    args: dict[str, Any] = {
        "actor": world.actor("deputy"),
        "sheet": made.exam,
        "student_ids": [s.pk for s in students],
        "deadline": DEADLINE,
        "examiner_ids": [teacher.pk],
    }
    args.update(extra)
    return retake_sheet_issue(**args)


def _enter(world: World, retake_sheet: RetakeSheet, student: Student, value: str) -> Retake:
    retake = retake_sheet.retakes.get(debt__student=student)
    return retake_result_set(actor=world.actor("teacher"), retake=retake, value=value)


def test_a_passed_retake_closes_the_debt_and_keeps_the_original_mark(
    world: World, made: Made
) -> None:
    retake_sheet = _issue(world, made, made.averina)
    assert retake_sheet.kind == RetakeSheet.Kind.INDIVIDUAL
    assert retake_sheet.number == 1 and retake_sheet.attempt == 1
    _enter(world, retake_sheet, made.averina, "4")
    original = AttestationMark.objects.get(sheet=made.exam, student=made.averina)
    assert original.value == "2" and original.version == 1  # never overwritten
    assert AuditEvent.objects.filter(object_type="journal.retake").count() == 1
    report = debt_report(_groups(world), {})
    assert [x[1] for x in _lines(report)] == ["Ёжикова", "Ершов", "Ёлкин"]
    closed = debt_report(_groups(world), {"state": "closed"})
    assert _lines(closed) == [("ИС-21", "Аверина", "ОП.01", "2→4", "погашена")]
    # The сводная ведомость: the result counts, the original is shown before it.
    period = Period.objects.select_related("academic_year").get(pk=world.college.semester1.pk)
    summary = group_summary(world.college.group, period)
    row = next(r for r in summary.rows if r.student == made.averina)
    exam_column = [c.item_id for c in summary.columns].index(world.college.discipline.pk)
    cell = row.cells[exam_column]
    assert cell is not None and cell.text == "2→4" and cell.mark == "4"
    assert cell.number is None  # the workbook keeps «2→4» as text, the original in view
    assert (row.counts["2"], row.counts["4"]) == (0, 1)
    assert row.successful


def test_a_failed_retake_leaves_the_debt_open_and_shows_its_course(
    world: World, made: Made
) -> None:
    first = _issue(world, made, made.averina, made.yozhikova)
    assert first.kind == RetakeSheet.Kind.GROUP
    _enter(world, first, made.averina, "2")
    _enter(world, first, made.yozhikova, "3")
    lines = {x[1]: x for x in _lines(debt_report(_groups(world), {"state": "all"}))}
    assert lines["Аверина"][3:] == ("2→2", "не погашена")
    assert lines["Ёжикова"][3:] == ("н/а→3", "погашена")


def test_the_second_retake_needs_a_commission_of_three(world: World, made: Made) -> None:
    first = _issue(world, made, made.averina)
    _enter(world, first, made.averina, "2")
    with pytest.raises(DomainError, match="комиссией"):
        _issue(world, made, made.averina)
    e = world.college.employees
    second = _issue(
        world,
        made,
        made.averina,
        examiner_ids=[e["teacher"].pk, e["other_teacher"].pk, e["curator"].pk],
    )
    assert second.attempt == 2 and second.examiners.count() == 3


def test_a_third_attempt_is_refused_and_nothing_is_created(world: World, made: Made) -> None:
    e = world.college.employees
    commission = [e["teacher"].pk, e["other_teacher"].pk, e["curator"].pk]
    _enter(world, _issue(world, made, made.averina), made.averina, "2")
    _enter(world, _issue(world, made, made.averina, examiner_ids=commission), made.averina, "н/я")
    counts = (RetakeSheet.objects.count(), Retake.objects.count(), AuditEvent.objects.count())
    with pytest.raises(DomainError, match="Третья пересдача не допускается"):
        _issue(world, made, made.averina, examiner_ids=commission)
    assert (
        RetakeSheet.objects.count(),
        Retake.objects.count(),
        AuditEvent.objects.count(),
    ) == counts
    line = _lines(debt_report(_groups(world), {}))[0]
    assert line[3:] == ("2→2→н/а", "не погашена после двух пересдач")


def test_a_waiting_retake_a_closed_debt_or_a_non_debt_is_refused(world: World, made: Made) -> None:
    sheet = _issue(world, made, made.averina)
    with pytest.raises(DomainError, match="уже назначена"):
        _issue(world, made, made.averina)
    with pytest.raises(DomainError, match="нет задолженности"):
        _issue(world, made, made.ivanov)
    _enter(world, sheet, made.averina, "5")
    with pytest.raises(DomainError, match="уже закрыта"):
        _issue(world, made, made.averina)
    with pytest.raises(DomainError, match="уже внесён"):
        _enter(world, sheet, made.averina, "3")
    assert Retake.objects.get().value == "5"


def test_bad_issue_and_result_input_changes_nothing(world: World, made: Made) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError, match="Срок пересдачи уже прошёл"):
        _issue(world, made, made.averina, deadline=dt.date(2026, 11, 1))
    with pytest.raises(DomainError, match="экзаменаторов"):
        _issue(world, made, made.averina, examiner_ids=[])
    stranger_teacher = world.stranger.employees["teacher"]
    with pytest.raises(DomainError, match="сотрудников колледжа"):
        _issue(world, made, made.averina, examiner_ids=[stranger_teacher.pk])
    with pytest.raises(DomainError, match="первые или только вторые"):
        first = _issue(world, made, made.yozhikova)
        _enter(world, first, made.yozhikova, "2")
        _issue(world, made, made.averina, made.yozhikova)
    assert RetakeSheet.objects.count() == 1  # only Ёжикова's first
    sheet = RetakeSheet.objects.get()
    with pytest.raises(DomainError, match="Недопустимая отметка"):
        retake_result_set(
            actor=world.actor("teacher"),
            retake=Retake.objects.create(
                retake_sheet=sheet, debt=made.exam.marks.get(student=made.averina), attempt=1
            ),
            value="зачтено",
        )
    with pytest.raises(NotAllowed):
        retake_result_set(
            actor=world.actor("other_teacher"),
            retake=Retake.objects.get(debt__student=made.averina),
            value="4",
        )
    with pytest.raises(NotAllowed):
        _issue(world, made, made.averina, actor=world.actor("curator", role="curator"))
    assert Retake.objects.get(debt__student=made.averina).value == ""
    assert AuditEvent.objects.count() == before + 2  # the first sheet, its result


# --- Pages ------------------------------------------------------------------------------------


def test_the_page_and_files_show_the_debts(world: World, made: Made) -> None:
    client = world.client_for("deputy")
    response = client.get(reverse("reports:debts"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Академические задолженности" in text and "Назначить пересдачу" in text
    assert "Обучающихся: 4, задолженностей: 4" in text
    response = client.get(reverse("reports:debts_xlsx") + "?state=open")
    book = load_workbook(io.BytesIO(response.content))
    values = [[c for c in row if c is not None] for row in book.active.iter_rows(values_only=True)]
    flat = [v for row in values for v in row]
    assert "Аверина Анна" in flat and "Физическая культура" not in flat
    assert "ОП.02 Физическая культура" in flat
    pdf = client.get(reverse("reports:debts_pdf"))
    assert pdf["Content-Type"] == "application/pdf"
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Академические задолженности" in pdf_text and "Ёлкин Семён Ильич" in pdf_text
    assert "стр. 1 из 1" in pdf_text


def test_bad_filters_get_a_russian_message(world: World, made: Made) -> None:
    client = world.client_for("deputy")
    c = world.college
    response = client.get(reverse("reports:debts") + "?course=9")
    assert response.status_code == 200
    assert "Исправьте фильтры" in response.content.decode()
    # A semester of another year, a group of another college: the form refuses.
    other_year = c.year.__class__.objects.create(
        organization=world.org,
        name="2025/2026",
        date_from=dt.date(2025, 9, 1),
        date_to=dt.date(2026, 8, 31),
    )
    response = client.get(
        reverse("reports:debts") + f"?year={other_year.pk}&period={c.semester1.pk}"
    )
    assert "Семестр не из выбранного учебного года." in response.content.decode()
    response = client.get(reverse("reports:debts") + f"?group={world.stranger.group.pk}")
    assert "Исправьте фильтры" in response.content.decode()
    response = client.get(reverse("reports:debts_xlsx") + "?course=x")
    assert response.status_code == 302


def _page_queries(world: World) -> int:
    client = world.client_for("deputy")
    client.get(reverse("reports:debts"))  # warm the session and rights caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("reports:debts")).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_the_debts(world: World, made: Made) -> None:
    small = _page_queries(world)
    for n in range(10):
        student = _student(world, f"Должников{n:02}", "Тест")
        mark = AttestationMark.objects.create(sheet=made.exam, student=student, value="2")
        assert mark.pk
    _issue(world, made, made.averina, made.yozhikova)
    # Session, user, roles (3); debts with joins; their retakes; the filter form's years,
    # semesters, departments and groups (4).
    assert small == 9
    assert _page_queries(world) == small


@pytest.mark.parametrize(
    ("who", "role", "status"),
    [
        ("deputy", None, 200),
        ("director", None, 200),
        ("head", None, 200),
        ("curator", "curator", 200),
        ("curator", "teacher", 403),
        ("teacher", None, 403),
        ("secretary", None, 403),
        ("student", None, 403),
        ("parent", None, 403),
    ],
)
def test_who_may_open_the_debts(world: World, who: str, role: str | None, status: int) -> None:
    client = world.client_for(who, role=role)
    assert client.get(reverse("reports:debts")).status_code == status
    assert client.get(reverse("reports:debts_xlsx")).status_code == status


def _issue_url(made: Made) -> str:
    return reverse("reports:retake_issue", kwargs={"sheet_id": made.exam.pk})


def test_the_deputy_issues_a_retake_from_the_page(world: World, made: Made) -> None:
    client = world.client_for("deputy")
    url = _issue_url(made)
    page = client.get(url + f"?student={made.averina.pk}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Аверина Анна" in text and "Студентов" not in text.split("<form")[1]
    teacher = world.college.employees["teacher"]
    bad = client.post(
        url, {"students": [made.averina.pk], "deadline": "2026-11-01", "examiners": teacher.pk}
    )
    assert bad.status_code == 200 and "Срок пересдачи уже прошёл" in bad.content.decode()
    assert not RetakeSheet.objects.exists()
    response = client.post(
        url,
        {"students": [made.averina.pk], "deadline": DEADLINE.isoformat(), "examiners": teacher.pk},
    )
    retake_sheet = RetakeSheet.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "reports:retake_sheet", kwargs={"retake_sheet_id": retake_sheet.pk}
    )
    # The examiner enters the result on the sheet's page.
    examiner = world.client_for("teacher")
    sheet_url = response["Location"]
    assert examiner.get(sheet_url).status_code == 200
    retake = retake_sheet.retakes.get()
    result_url = reverse("reports:retake_result", kwargs={"retake_sheet_id": retake_sheet.pk})
    examiner.post(result_url, {"retake": retake.pk, "value": "7"})
    retake.refresh_from_db()
    assert retake.value == ""
    examiner.post(result_url, {"retake": retake.pk, "value": "4"})
    retake.refresh_from_db()
    assert retake.value == "4" and retake.entered_by == world.user("teacher")


def test_the_retake_sheet_prints(world: World, made: Made) -> None:
    e = world.college.employees
    _enter(world, _issue(world, made, made.averina), made.averina, "2")
    second = _issue(
        world,
        made,
        made.averina,
        examiner_ids=[e["teacher"].pk, e["other_teacher"].pk, e["curator"].pk],
    )
    _enter(world, second, made.averina, "4")
    client = world.client_for("deputy")
    response = client.get(
        reverse("reports:retake_sheet_pdf", kwargs={"retake_sheet_id": second.pk})
    )
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    for expected in (
        "Экзаменационный лист № 2",
        "вторая пересдача (комиссия)",
        "Аверина Анна",
        "ОП.01",
        "экзамен",
        "2 (неудовлетворительно)",
        "4 (хорошо)",
        "16.11.2026",
        "10.12.2026",
        "Председатель комиссии",
        "Член комиссии",
        "Учителев Пётр Андреевич",
        "Заместитель директора по УМР",
        "стр. 1 из 1",
        "ИС-21, 2 курс",
    ):
        assert expected in " ".join(text.split()), (expected, text)


def _sheet_url(retake_sheet: RetakeSheet, name: str = "reports:retake_sheet") -> str:
    return reverse(name, kwargs={"retake_sheet_id": retake_sheet.pk})


def test_who_may_open_retake_pages(world: World, made: Made) -> None:
    retake_sheet = _issue(world, made, made.averina)
    for who, role, status in (
        ("deputy", None, 200),
        ("head", None, 200),
        ("curator", "curator", 200),
        ("teacher", None, 200),  # the examiner
        ("other_teacher", None, 404),
        ("student", None, 403),
        ("secretary", None, 403),
    ):
        client = world.client_for(who, role=role)
        assert client.get(_sheet_url(retake_sheet)).status_code == status, who
        pdf = client.get(_sheet_url(retake_sheet, "reports:retake_sheet_pdf"))
        assert pdf.status_code == status, who
    for who, role, status in (
        ("deputy", None, 200),
        ("head", None, 200),
        ("curator", "curator", 403),
        ("teacher", None, 403),
    ):
        assert world.client_for(who, role=role).get(_issue_url(made)).status_code == status
    # Entering a result: the curator sees the sheet but is no examiner.
    curator = world.client_for("curator", role="curator")
    result_url = _sheet_url(retake_sheet, "reports:retake_result")
    response = curator.post(result_url, {"retake": retake_sheet.retakes.get().pk, "value": "4"})
    assert response.status_code == 403
    assert Retake.objects.get().value == ""


def test_strangers_get_404(world: World, made: Made) -> None:
    retake_sheet = _issue(world, made, made.averina)
    stranger = world.client_for(world.stranger.users["deputy"])
    assert stranger.get(_sheet_url(retake_sheet)).status_code == 404
    assert stranger.get(_sheet_url(retake_sheet, "reports:retake_sheet_pdf")).status_code == 404
    assert stranger.get(_issue_url(made)).status_code == 404
    # A department head of another department.
    other = Department.objects.create(organization=world.org, name="Заочное отделение")
    RoleAssignment.objects.filter(user=world.user("head")).update(department=other)
    head = world.client_for("head")
    assert head.get(_issue_url(made)).status_code == 404
    assert head.get(_sheet_url(retake_sheet)).status_code == 404
    assert "Аверина" not in head.get(reverse("reports:debts")).content.decode()
    # An open sheet takes no retakes.
    open_sheet = AttestationSheet.objects.get(item=world.college.mdk)
    deputy = world.client_for("deputy")
    url = reverse("reports:retake_issue", kwargs={"sheet_id": open_sheet.pk})
    assert deputy.get(url).status_code == 404


def test_the_catalogue_lists_the_debts(world: World) -> None:
    text = world.client_for("curator", role="curator").get(reverse("reports:index"))
    assert reverse("reports:debts") in text.content.decode()


# --- Concurrency (PostgreSQL) -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_issues_make_one_attempt(transactional_db: None, world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: row locks are tested on PostgreSQL")
    made = Made(world)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def worker(examiner: str) -> None:
        try:
            barrier.wait()
            _issue(
                world,
                made,
                made.averina,
                examiner_ids=[world.college.employees[examiner].pk],
            )
            outcomes.append("ok")
        except DomainError as error:
            outcomes.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(who,)) for who in ("teacher", "curator")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 1, outcomes
    assert any("уже назначена" in outcome for outcome in outcomes), outcomes
    assert Retake.objects.filter(debt__student=made.averina).count() == 1
    assert RetakeSheet.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_results_are_entered_once(transactional_db: None, world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: row locks are tested on PostgreSQL")
    made = Made(world)
    retake = _issue(world, made, made.averina).retakes.get()
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def worker(value: str) -> None:
        try:
            barrier.wait()
            retake_result_set(actor=world.actor("teacher"), retake=retake, value=value)
            outcomes.append("ok")
        except DomainError as error:
            outcomes.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(v,)) for v in ("4", "5")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 1, outcomes
    assert AuditEvent.objects.filter(object_type="journal.retake").count() == 1


def test_the_student_is_told_of_the_retake_and_its_result(
    world: World, made: Made, django_capture_on_commit_callbacks: Any
) -> None:
    from otmetka.notifications.models import Notification

    student_user = world.user("student")  # Студентов has no debt: give him one
    AttestationMark.objects.filter(sheet=made.exam, student=made.ivanov).update(value="2")
    with django_capture_on_commit_callbacks(execute=True):
        retake_sheet = _issue(world, made, made.ivanov)
    with django_capture_on_commit_callbacks(execute=True):
        _enter(world, retake_sheet, made.ivanov, "3")
    titles = list(
        Notification.objects.filter(user=student_user)
        .order_by("pk")
        .values_list("title", flat=True)
    )
    assert titles == [
        "Назначена пересдача по «Операционные системы» до 10.12.2026",
        "Результат пересдачи по «Операционные системы»: 3",
    ]


@pytest.mark.django_db(transaction=True)
def test_concurrent_sheets_get_distinct_numbers(transactional_db: None, world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: row locks are tested on PostgreSQL")
    made = Made(world)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def worker(student: Student) -> None:
        try:
            barrier.wait()
            _issue(world, made, student)
            outcomes.append("ok")
        except DomainError as error:
            outcomes.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(s,)) for s in (made.averina, made.yozhikova)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == ["ok", "ok"]
    assert sorted(RetakeSheet.objects.values_list("number", flat=True)) == [1, 2]
