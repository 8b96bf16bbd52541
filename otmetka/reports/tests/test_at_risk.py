"""Обучающиеся в группе риска: the rules on a hand-made group, the page, its rights, the
workbook, the query budget and the weekly notice to curators."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from otmetka.academics.models import Group, Membership, Workload
from otmetka.accounts.models import RoleAssignment
from otmetka.journal.models import Attendance, Lesson, LessonType, Mark, WorkKind
from otmetka.notifications.models import Notification
from otmetka.org.models import Department, Period
from otmetka.people.models import Person, Student
from otmetka.reports.at_risk import RiskLine, RiskRules, at_risk, judge, number_text
from otmetka.reports.catalogue import CATALOGUE
from otmetka.test import World

pytestmark = pytest.mark.django_db


def _student(world: World, group: Group, last: str, first: str) -> Student:
    person = Person.objects.create(organization=world.org, last_name=last, first_name=first)
    student = Student.objects.create(person=person)
    Membership.objects.create(group=group, student=student, date_from=dt.date(2025, 9, 1))
    return student


class Made:
    """The group ИС-21 in the MDK journal, 20 lessons of 2 h held by 16.11.2026 (40 h):

    - Аверин: 3, 3, 3, 2, 2 → 13 ÷ 5 = 2,6 → at risk «средний 2,6» (ill at both controls);
    - Бобров: 5, 5, 4 → 4,67, but 7 lessons «НП»/«Н» = 14 h of 40 → at risk for absences;
    - Волков: 4, 4, 5, present at both control works and no mark → «нет 2 контрольных»;
    - Громов: 5, 4, 5 and 5, 4 for the controls (weight 2) → 32 ÷ 7 = 4,57, not listed;
    - Дроздов: 5, 4, 5, 4 before 19.10 (4,5), then 2, 3, 2 (2,33): falling → listed;
    - Студентов (the world's student): 4, ill at the controls, not listed.
    A cancelled lesson and one after today, each with a «2» for Громов, count not.
    """

    def __init__(self, world: World) -> None:
        c = world.college
        self.world = world
        group = c.group
        self.averin = _student(world, group, "Аверин", "Антон")
        self.bobrov = _student(world, group, "Бобров", "Борис")
        self.volkov = _student(world, group, "Волков", "Виктор")
        self.gromov = _student(world, group, "Громов", "Глеб")
        self.drozdov = _student(world, group, "Дроздов", "Денис")
        self.ivanov = c.student
        teacher = c.employees["teacher"]
        answer = WorkKind.objects.create(
            organization=world.org, name="Ответ", short_name="О", sgo_type_id=10
        )
        control = WorkKind.objects.create(
            organization=world.org,
            name="Контрольная",
            short_name="КР",
            weight=Decimal(2),
            sgo_type_id=4,
        )

        def lesson(day: dt.date, **extra: Any) -> Lesson:
            return Lesson.objects.create(
                workload=c.workload, date=day, teacher=teacher, hours=2, **extra
            )

        september = [dt.date(2026, 9, 1) + dt.timedelta(days=2 * n) for n in range(14)]
        early = [lesson(day) for day in september]  # 14 lessons, 01.09–27.09
        k1 = lesson(dt.date(2026, 10, 6), lesson_type=LessonType.CONTROL)
        k2 = lesson(dt.date(2026, 10, 8))  # a control work by the kind of its marks
        recent = [lesson(dt.date(2026, 11, day)) for day in (2, 5, 9, 12)]
        cancelled = lesson(dt.date(2026, 10, 13), status=Lesson.Status.CANCELLED)
        future = lesson(dt.date(2026, 11, 20))

        def marks(student: Student, lessons: list[Lesson], values: str) -> None:
            for one, value in zip(lessons[: len(values)], values, strict=True):
                Mark.objects.create(lesson=one, student=student, value=value, work_kind=answer)

        marks(self.averin, early, "33322")
        marks(self.bobrov, early, "554")
        marks(self.volkov, early, "445")
        marks(self.gromov, early, "545")
        marks(self.drozdov, early, "5454")
        marks(self.drozdov, recent, "232")
        marks(self.ivanov, early, "4")
        marks(self.gromov, [cancelled, future], "22")
        for one, value in ((k1, "5"), (k2, "4")):
            Mark.objects.create(lesson=one, student=self.gromov, value=value, work_kind=control)
        for student in (self.averin, self.drozdov, self.ivanov):
            for one in (k1, k2):
                Attendance.objects.create(lesson=one, student=student, code="Б")
        for one in early[5:10]:
            Attendance.objects.create(lesson=one, student=self.bobrov, code="НП")
        for one in (k1, k2):
            Attendance.objects.create(lesson=one, student=self.bobrov, code="Н")
        Attendance.objects.create(lesson=early[11], student=self.bobrov, code="ОП")  # late

    def period(self) -> Period:
        return Period.objects.select_related("academic_year").get(
            pk=self.world.college.semester1.pk
        )


@pytest.fixture
def made(world: World) -> Made:
    return Made(world)


def _reasons(made: Made, groups: Any = None) -> dict[str, str]:
    groups = groups if groups is not None else Group.objects.filter(pk=made.world.college.group.pk)
    report = at_risk(groups, made.period(), today=dt.date(2026, 11, 16))
    return {line.student.person.last_name: line.reason for line in report.lines}


def test_the_list_matches_a_hand_count(made: Made) -> None:
    report = at_risk(
        Group.objects.filter(pk=made.world.college.group.pk),
        made.period(),
        today=dt.date(2026, 11, 16),
    )
    assert report.on == dt.date(2026, 11, 16)
    lines = {line.student.person.last_name: line for line in report.lines}
    assert list(lines) == ["Аверин", "Бобров", "Волков", "Дроздов"]  # by surname
    assert {name: line.reason for name, line in lines.items()} == {
        "Аверин": "средний 2,6",
        "Бобров": "пропущено 14 ч из 40",
        "Волков": "нет 2 контрольных",
        "Дроздов": "за 28 дней средний 2,33, до них 4,5",
    }
    # 2,6 still proposes «3», on the edge of «2».
    assert lines["Аверин"].average == Decimal("2.60") and lines["Аверин"].forecast == "3"
    assert lines["Бобров"].average == Decimal("4.67") and lines["Бобров"].forecast == "5"
    assert (lines["Бобров"].unexcused_hours, lines["Бобров"].hours_held) == (14, 40)
    assert lines["Волков"].missed_controls == 2 and lines["Волков"].forecast == "4"
    # (5 + 4 + 5 + 4 + 2 + 3 + 2) ÷ 7 = 3,57 → «4»: the average alone would not list him.
    assert lines["Дроздов"].average == Decimal("3.57") and lines["Дроздов"].forecast == "4"
    assert lines["Дроздов"].rules == ["Средний балл падает"]
    assert lines["Аверин"].item_index == made.world.college.mdk.index
    assert report.students == 4
    assert report.students_by_group() == {made.world.college.group.pk: 4}


def test_each_rule_at_its_threshold() -> None:
    rules = RiskRules()

    def line(**values: Any) -> RiskLine:
        base: dict[str, Any] = {
            "group": None, "student": None, "item_id": 1, "item_index": "", "item_name": "",
            "average": Decimal("4"), "recent_average": None, "earlier_average": None,
            "unexcused_hours": 0, "hours_held": 40, "missed_controls": 0,
        }  # fmt: skip
        base.update(values)
        return judge(RiskLine(**base), rules)

    assert line().reasons == []
    assert line(average=Decimal("3.00")).reasons == []
    assert line(average=Decimal("2.99")).reasons == ["средний 2,99"]
    assert line(unexcused_hours=11).reasons == []  # 11 h and 27,5 % of 40
    assert line(unexcused_hours=12).reasons == ["пропущено 12 ч из 40"]
    assert line(unexcused_hours=6, hours_held=20).reasons == ["пропущено 6 ч из 20"]  # 30 %
    assert line(unexcused_hours=5, hours_held=20).reasons == []  # 25 %
    assert line(unexcused_hours=6, hours_held=6).reasons == []  # too few hours held to judge
    assert line(unexcused_hours=4, hours_held=8).reasons == ["пропущено 4 ч из 8"]
    assert line(missed_controls=1).reasons == ["нет 1 контрольной"]
    # A drop of 0,5 to below 3 counts; a smaller drop, or one that stays at 3 and above, not.
    falling = {"recent_average": Decimal("2.9"), "earlier_average": Decimal("3.4")}
    assert line(**falling).rules == ["Средний балл падает"]
    assert line(recent_average=Decimal("2.9"), earlier_average=Decimal("3.3")).reasons == []
    assert line(recent_average=Decimal("3"), earlier_average=Decimal("5")).reasons == []
    assert line(average=None, hours_held=8).reasons == ["нет отметок за 8 ч"]
    assert line(average=None, hours_held=6).reasons == []
    several = line(average=Decimal("2.6"), unexcused_hours=14, missed_controls=2)
    assert several.reason == "средний 2,6; пропущено 14 ч из 40; нет 2 контрольных"
    assert [number_text(Decimal(v)) for v in ("2.60", "4.33", "3.00")] == ["2,6", "4,33", "3"]


def test_a_newcomer_owes_no_control_work_written_before_he_came(made: Made) -> None:
    late = _student(made.world, made.world.college.group, "Ёлкин", "Егор")
    Membership.objects.filter(student=late).update(date_from=dt.date(2026, 11, 3))
    # Nor is he «without marks»: 6 h were held since he came (05.11, 09.11, 12.11).
    assert "Ёлкин" not in _reasons(made)
    # Come on 07.10: the control work of 08.10 is owed, that of 06.10 not; 2 + 8 h held.
    Membership.objects.filter(student=late).update(date_from=dt.date(2026, 10, 7))
    assert _reasons(made)["Ёлкин"] == "нет 1 контрольной; нет отметок за 10 ч"


def test_the_semester_that_is_over_is_counted_to_its_end(made: Made) -> None:
    report = at_risk(
        Group.objects.filter(pk=made.world.college.group.pk),
        made.period(),
        today=dt.date(2027, 3, 1),
    )
    assert report.on == dt.date(2026, 12, 28)
    # The lesson of 20.11 is held now: Громов's «2» counts, 42 h are held.
    bobrov = next(line for line in report.lines if line.student.pk == made.bobrov.pk)
    assert bobrov.hours_held == 42


def _second_group(world: World, name: str, students: int) -> Group:
    """Another group with a journal and students at risk, to show the queries do not grow."""
    c = world.college
    group = Group.objects.create(
        organization=world.org, name=name, program=c.program, curriculum=c.curriculum,
        department=c.department, intake_year=2025,
    )  # fmt: skip
    workload = Workload.objects.create(
        academic_year=c.year, teacher=c.employees["teacher"], group=group, item=c.discipline
    )
    kind = WorkKind.objects.get(organization=world.org, name="Ответ")
    control = Lesson.objects.create(
        workload=workload, date=dt.date(2026, 10, 1), teacher=c.employees["teacher"],
        lesson_type=LessonType.CONTROL,
    )  # fmt: skip
    for n in range(students):
        student = _student(world, group, f"Новиков{n}", "Ян")
        Mark.objects.create(lesson=control, student=student, value="2", work_kind=kind)
    return group


def test_the_queries_do_not_grow_with_the_groups(made: Made) -> None:
    period = made.period()

    def count(groups: Any) -> int:
        with CaptureQueriesContext(connection) as queries:
            at_risk(groups, period, today=dt.date(2026, 11, 16))
        return len(queries)

    one = Group.objects.filter(pk=made.world.college.group.pk)
    # groups; roll; hours held per journal; subgroup rolls; marks counted; unexcused hours;
    # control works; marks on them; absences from them.
    assert count(one) == 9
    _second_group(made.world, "ИС-31", 5)
    _second_group(made.world, "ИС-32", 12)
    assert count(Group.objects.filter(organization=made.world.org)) == 9
    assert "Новиков0" in _reasons(made, Group.objects.filter(name="ИС-31"))


URL = "reports:at_risk"


def test_the_page_lists_and_explains(world: World, made: Made) -> None:
    response = world.client_for("deputy").get(reverse(URL))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Обучающиеся в группе риска" in text
    assert "средний 2,6" in text and "нет 2 контрольных" in text
    assert "Аверин Антон" in text and "Громов" not in text
    assert "Как составлен список" in text
    assert (
        "пропущено 12 ч и больше или, когда проведено от 8 ч, 30 % проведённых часов и больше"
        in text
    )
    assert "В группе риска 4 обучающихся." in text


def test_the_page_query_budget_does_not_grow(world: World, made: Made) -> None:
    client = world.client_for("deputy")
    client.get(reverse(URL))  # warm the session

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(URL)).status_code == 200
        return len(queries)

    # session, user, role assignments; the current semester; the nine of the list (groups,
    # roll, hours held, subgroup rolls, marks, unexcused hours, control works, marks and
    # absences on them); the form as drawn: departments, semesters (twice: the choices and
    # the initial), groups.
    before = count()
    assert before == 17
    _second_group(world, "ИС-31", 3)
    _second_group(world, "ИС-32", 9)
    assert count() == before


def test_filters_department_course_group(world: World, made: Made) -> None:
    client = world.client_for("deputy")
    c = world.college
    _second_group(world, "ИС-31", 1)
    period = c.semester1.pk

    def names(**query: Any) -> set[str]:
        response = client.get(reverse(URL), {"period": period, **query})
        assert response.status_code == 200
        report = response.context["report"]
        return {line.student.person.last_name for line in report.lines}

    assert names() == {"Аверин", "Бобров", "Волков", "Дроздов", "Новиков0"}
    assert names(group=c.group.pk) == {"Аверин", "Бобров", "Волков", "Дроздов"}
    assert names(course=2) == {"Аверин", "Бобров", "Волков", "Дроздов", "Новиков0"}
    assert names(course=1) == set()
    elsewhere = Department.objects.create(organization=world.org, name="Заочное отделение")
    assert names(department=elsewhere.pk) == set()
    assert names(department=c.department.pk, group=c.group.pk) != set()


def test_bad_filters_say_why_in_russian(world: World, made: Made) -> None:
    client = world.client_for("deputy")
    response = client.get(reverse(URL), {"course": "первый"})
    assert response.status_code == 400
    assert "Введите целое число." in response.content.decode()
    assert response.context["report"] is None
    assert client.get(reverse("reports:at_risk_xlsx"), {"course": "9"}).status_code == 400


def test_rights(world: World, made: Made) -> None:
    c = world.college
    own = {"group": c.group.pk}
    # The curator: their own group; the other group of the college is not found.
    curator = world.client_for("curator", "curator")
    response = curator.get(reverse(URL), own)
    assert response.status_code == 200 and "Аверин" in response.content.decode()
    _second_group(world, "ИС-31", 1)  # not theirs: its student at risk is not on their list
    response = curator.get(reverse(URL))
    assert response.status_code == 200
    assert {line.group.name for line in response.context["report"].lines} == {"ИС-21"}
    assert curator.get(reverse(URL), {"group": c.other_group.pk}).status_code == 404
    assert curator.get(reverse("reports:at_risk_xlsx"), own).status_code == 200
    # A department head: their department only.
    elsewhere = Department.objects.create(organization=world.org, name="Заочное отделение")
    RoleAssignment.objects.filter(user=world.user("head")).update(department=c.department)
    head = world.client_for("head")
    assert head.get(reverse(URL), own).status_code == 200
    outside = _second_group(world, "З-31", 1)
    outside.department = elsewhere
    outside.save()
    assert head.get(reverse(URL), {"group": outside.pk}).status_code == 404
    assert world.client_for("deputy").get(reverse(URL), {"group": outside.pk}).status_code == 200
    # The other college: our group is not found there.
    stranger = world.client_for(world.stranger.users["deputy"])
    assert stranger.get(reverse(URL), own).status_code == 404
    assert stranger.get(reverse("reports:at_risk_xlsx"), own).status_code == 404
    response = stranger.get(reverse(URL))
    assert response.status_code == 200 and "Аверин" not in response.content.decode()
    # No right to the group reports.
    for persona in ("teacher", "hr"):
        assert world.client_for(persona).get(reverse(URL)).status_code == 403
        assert world.client_for(persona).get(reverse("reports:at_risk_xlsx")).status_code == 403


def test_the_catalogue_lists_it_for_the_group_report_rights() -> None:
    entry = next(entry for entry in CATALOGUE if entry.url_name == URL)
    assert entry.rights == ("reports.all", "journal.view_all", "reports.own_group")


def test_the_workbook_has_the_numbers(world: World, made: Made) -> None:
    response = world.client_for("deputy").get(
        reverse("reports:at_risk_xlsx"), {"period": world.college.semester1.pk}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "Обучающиеся в группе риска, 1 семестр 2026/2027, на 16.11.2026"
    assert rows[1][:3] == ["№", "Группа", "Обучающийся"]
    body = {row[2]: row for row in rows[2:]}
    assert list(body) == ["Аверин Антон", "Бобров Борис", "Волков Виктор", "Дроздов Денис"]
    assert body["Аверин Антон"][5:] == [2.6, 3, 0, 40, 0, "средний 2,6"]
    assert body["Бобров Борис"][7:10] == [14, 40, 0]
    assert body["Волков Виктор"][9] == 2


def _notices(world: World) -> list[Notification]:
    return list(Notification.objects.filter(user=world.user("curator")).order_by("pk"))


def test_the_weekly_notice_goes_once_a_week(
    world: World, made: Made, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    def run(day: str, *flags: str) -> str:
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("notify_at_risk", "--date", day, *flags, stdout=out)
        return out.getvalue()

    assert "получили бы 1" in run("2026-11-16", "--dry-run")
    assert _notices(world) == []
    run("2026-11-16")
    notices = _notices(world)
    assert len(notices) == 1
    notice = notices[0]
    assert notice.title == "Группа риска: 4 обучающихся ваших групп"
    assert notice.body == "ИС-21: 4"
    period = world.college.semester1.pk
    assert notice.url == f"{reverse(URL)}?period={period}&week=2026-W47"
    assert world.client_for("curator", "curator").get(notice.url).status_code == 200
    # The same week again (another day of it): nothing more.
    assert "уже получили на этой неделе: 1" in run("2026-11-19")
    assert len(_notices(world)) == 1
    # The next week: one more.
    run("2026-11-23")
    assert len(_notices(world)) == 2
    # Only curators, and only of groups with students at risk.
    assert Notification.objects.filter(user=world.user("deputy")).count() == 0


def test_a_test_mark_for_one_student_is_no_control_work_for_all(made: Made) -> None:
    before = _reasons(made)
    test = WorkKind.objects.create(
        organization=made.world.org, name="Тестирование", short_name="Т", sgo_type_id=14
    )
    lesson = Lesson.objects.filter(date=dt.date(2026, 9, 27)).get()
    Mark.objects.create(lesson=lesson, student=made.gromov, value="5", work_kind=test)
    assert _reasons(made) == before
    # A «Контрольная работа» mark (SGO 4) does make it one: Волков, present, owes a third.
    control = WorkKind.objects.get(organization=made.world.org, sgo_type_id=4)
    Mark.objects.create(lesson=lesson, student=made.gromov, value="5", work_kind=control, slot=2)
    assert _reasons(made)["Волков"] == "нет 3 контрольных"
