"""«Успеваемость и качество знаний»: every figure of a small hand-made college, the change
against the period before, the query budget, rights, filters, files."""

from __future__ import annotations

import datetime as dt
import io
from decimal import ROUND_HALF_UP, Decimal
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
    Workload,
)
from otmetka.accounts.models import RoleAssignment
from otmetka.journal.models import AttestationMark, AttestationSheet, Lesson, Mark, WorkKind
from otmetka.org.models import AcademicYear, Department, Period
from otmetka.people.models import Person, Student
from otmetka.reports.quality import QualityFilter, QualityReport, quality_report
from otmetka.test import World

pytestmark = pytest.mark.django_db

# A student's results as the test states them: final marks of closed sheets, and for the open
# МДК sheet the mark its weighted average proposes (worked out by hand next to the marks).
Results = list[str | None]
SOU = {"5": Decimal("1.00"), "4": Decimal("0.64"), "3": Decimal("0.36"), "2": Decimal("0.16")}
BAD = {"2", "н/я", "не зачтено"}


def expected(units: list[Results]) -> dict[str, Any]:
    """The figures of a list of units (students or results), computed here, from scratch."""
    students = len(units)
    successful = sum(1 for r in units if not BAD.intersection(x for x in r if x))
    good = sum(
        1
        for r in units
        if not BAD.intersection(x for x in r if x)
        and "3" not in r
        and ("5" in r or "4" in r)
    )
    grades = [x for r in units for x in r if x in SOU]
    q1, q2 = Decimal("0.1"), Decimal("0.01")

    def pct(part: Decimal | int, whole: int) -> Decimal | None:
        if not whole:
            return None
        return (Decimal(part) * 100 / whole).quantize(q1, rounding=ROUND_HALF_UP)

    return {
        "students": students,
        "successful": successful,
        "good": good,
        "success_percent": pct(successful, students),
        "quality_percent": pct(good, students),
        "average": (Decimal(sum(int(g) for g in grades)) / len(grades)).quantize(
            q2, rounding=ROUND_HALF_UP
        )
        if grades
        else None,
        "sou": pct(sum(SOU[g] for g in grades), len(grades)),
        "marks": {g: grades.count(g) for g in ("5", "4", "3", "2")},
    }


def figures(tally: Any) -> dict[str, Any]:
    return {
        "students": tally.students,
        "successful": tally.successful,
        "good": tally.good,
        "success_percent": tally.success_percent,
        "quality_percent": tally.quality_percent,
        "average": tally.average,
        "sou": tally.sou,
        "marks": dict(tally.marks),
    }


class College:
    """Two departments, three groups, marks and sheets whose results are listed in `now` and
    `before` (what the report must find)."""

    def __init__(self, world: World) -> None:
        c = world.college
        self.world = world
        org = world.org
        self.previous_year = AcademicYear.objects.create(
            organization=org,
            name="2025/2026",
            date_from=dt.date(2025, 9, 1),
            date_to=dt.date(2026, 8, 31),
        )
        Period.objects.create(
            academic_year=self.previous_year, kind=Period.Kind.SEMESTER, number=1,
            name="1 семестр", date_from=dt.date(2025, 9, 1), date_to=dt.date(2025, 12, 28),
        )
        self.previous = Period.objects.create(
            academic_year=self.previous_year, kind=Period.Kind.SEMESTER, number=2,
            name="2 семестр", date_from=dt.date(2026, 1, 12), date_to=dt.date(2026, 6, 30),
        )
        self.extramural = Department.objects.create(organization=org, name="Заочное отделение")
        self.credit = CurriculumItem.objects.create(
            curriculum=c.curriculum, kind=CurriculumItem.Kind.DISCIPLINE, index="ОГСЭ.04",
            name="Физическая культура", position=5,
        )
        CurriculumHours.objects.create(
            item=self.credit, semester=1, total=36, theory=36,
            attestation_form=AttestationForm.CREDIT,
        )
        for semester in (1, 2):
            CurriculumHours.objects.create(
                item=c.discipline, semester=semester, total=36, theory=36,
                attestation_form=AttestationForm.EXAM,
            )
        # ЗО-11: first course (intake 2026), extramural department, the same curriculum.
        self.zo = Group.objects.create(
            organization=org, name="ЗО-11", program=c.program, curriculum=c.curriculum,
            department=self.extramural, intake_year=2026,
        )
        teacher, other = c.employees["teacher"], c.employees["other_teacher"]
        third = c.employees["curator"]
        Workload.objects.create(academic_year=c.year, teacher=teacher, group=c.other_group,
                                item=c.mdk)
        Workload.objects.create(academic_year=c.year, teacher=other, group=c.group,
                                item=c.discipline)
        Workload.objects.create(academic_year=c.year, teacher=third, group=self.zo,
                                item=c.discipline)
        Workload.objects.create(academic_year=c.year, teacher=third, group=self.zo,
                                item=self.credit)
        Workload.objects.create(
            academic_year=self.previous_year, teacher=other, group=c.group, item=c.discipline
        )

        def student(group: Group, last: str, since: dt.date, until: dt.date | None = None
                    ) -> Student:
            person = Person.objects.create(organization=org, last_name=last, first_name="Тест")
            pupil = Student.objects.create(person=person)
            Membership.objects.create(group=group, student=pupil, date_from=since, date_to=until)
            return pupil

        autumn25, autumn26 = dt.date(2025, 9, 1), dt.date(2026, 9, 1)
        s1 = c.student
        s2 = student(c.group, "Второв", autumn25)
        s3 = student(c.group, "Третьяков", autumn25)
        s4 = student(c.group, "Четвертаков", autumn25)
        leaver = student(c.group, "Уходов", autumn25, dt.date(2026, 10, 15))
        o = c.other_student
        s6 = student(c.other_group, "Шестаков", autumn26)
        z1 = student(self.zo, "Заочников", autumn26)
        z2 = student(self.zo, "Заочникова", autumn26)
        z3 = student(self.zo, "Зайцев", autumn26)
        self.sizes = (s1, s6)

        def sheet(group: Group, item: CurriculumItem, period: Period, form: str,
                  marks: dict[Student, str]) -> None:
            made = AttestationSheet.objects.create(
                group=group, item=item, period=period, form=form,
                status=AttestationSheet.Status.CLOSED, closed_roll=[s.pk for s in marks],
            )
            for pupil, value in marks.items():
                AttestationMark.objects.create(sheet=made, student=pupil, value=value)

        exam, credit = AttestationForm.EXAM, AttestationForm.CREDIT
        sheet(c.group, c.discipline, c.semester1, exam, {s1: "5", s2: "4", s3: "3", s4: "н/я"})
        sheet(c.other_group, c.discipline, c.semester1, exam, {o: "2", s6: "5"})
        sheet(c.other_group, c.mdk, c.semester1, AttestationForm.DIFF_CREDIT, {o: "3", s6: "5"})
        sheet(self.zo, c.discipline, c.semester1, exam, {z1: "4", z2: "4", z3: "3"})
        sheet(self.zo, self.credit, c.semester1, credit,
              {z1: "зачтено", z2: "не зачтено", z3: "зачтено"})
        sheet(c.group, c.discipline, self.previous, exam, {s1: "5", s2: "4", s3: "2", s4: "2"})
        # МДК of ИС-21 is open: the weighted averages propose the result.
        one = WorkKind.objects.create(organization=org, name="Ответ", short_name="О")
        day = iter(dt.date(2026, 9, 2) + dt.timedelta(days=n) for n in range(90))
        for pupil, values in ((s1, ["5", "5"]), (s2, ["4"]), (s3, ["4", "3"]), (leaver, ["2"])):
            for value in values:
                lesson = Lesson.objects.create(
                    workload=c.workload, date=next(day), teacher=teacher, hours=2
                )
                Mark.objects.create(lesson=lesson, student=pupil, value=value, work_kind=one)
        # 5,00 → «5»; 4,00 → «4»; 3,50 → «4»; Четвертаков has no marks; Уходов left.
        self.now: dict[str, list[Results]] = {
            "ИС-21": [["5", "5"], ["4", "4"], ["3", "4"], ["н/я", None]],
            "ИС-22": [["2", "3"], ["5", "5"]],
            "ЗО-11": [["4", "зачтено"], ["4", "не зачтено"], ["3", "зачтено"]],
        }
        # The 2nd semester of 2025/2026: ИС-21 sat the exam (Уходов, still there, was not on
        # the sheet: no result); Ёлкин of ИС-22 has no result (no sheet, no marks); ЗО-11 had
        # nobody yet.
        self.before: dict[str, list[Results]] = {
            "ИС-21": [["5"], ["4"], ["2"], ["2"], [None]],
            "ИС-22": [[None]],
        }
        # By teacher: Учителев holds МДК of both groups, Другова ОП.01 of both, Кураторова ЗО-11.
        self.by_teacher: dict[str, list[Results]] = {
            "Учителев Пётр Андреевич": [["5"], ["4"], ["4"], [None], ["3"], ["5"]],
            "Другова Дарья Олеговна": [["5"], ["4"], ["3"], ["н/я"], ["2"], ["5"]],
            "Кураторова Елена Викторовна": [["4"], ["4"], ["3"], ["зачтено"], ["не зачтено"],
                                            ["зачтено"]],
        }

    def report(self, by: str, term: str = "1", year: AcademicYear | None = None,
               **filters: Any) -> QualityReport:
        return quality_report(
            organization_id=self.world.org.pk,
            groups=Group.objects.filter(organization=self.world.org),
            year=year or self.world.college.year,
            term=term,
            by=by,
            filters=QualityFilter(**filters),
        )


@pytest.fixture
def college(world: World) -> College:
    return College(world)


def _line(report: QualityReport, label: str) -> Any:
    return next(line for line in report.lines if line.label == label)


def test_each_group_course_department_and_the_college(college: College) -> None:
    now, before = college.now, college.before
    report = college.report("group")
    assert [(line.department, line.label) for line in report.lines] == [
        ("Заочное отделение", "ЗО-11"),
        ("Очное отделение", "ИС-21"),
        ("Очное отделение", "ИС-22"),
    ]
    for name, units in now.items():
        line = _line(report, name)
        assert figures(line.now) == expected(units), name
        if name in before:
            assert figures(line.before) == expected(before[name]), name
        else:
            assert line.before is None
    # Worked by hand for ИС-21: 3 of 4 успевают, 2 on «4» and «5», 25 ÷ 6, (2 + 1,92 + 0,36) ÷ 6.
    is21 = _line(report, "ИС-21")
    assert is21.now.success_percent == Decimal("75.0")
    assert is21.now.quality_percent == Decimal("50.0")
    assert (is21.now.average, is21.now.sou) == (Decimal("4.17"), Decimal("71.3"))
    assert is21.now.preliminary and not _line(report, "ИС-22").now.preliminary
    # Against the 2nd semester of 2025/2026 (3 of 5 успевали, 2 on «4» and «5», 13 ÷ 4, 49,0 %).
    assert is21.change("success_percent") == Decimal("15.0")
    assert is21.change("quality_percent") == Decimal("10.0")
    assert is21.change("average") == Decimal("0.92")
    assert is21.change("sou") == Decimal("22.3")
    assert _line(report, "ИС-22").change("average") is None  # nothing to compare with
    everyone = [u for units in now.values() for u in units]
    assert figures(report.total.now) == expected(everyone)
    assert figures(report.total.before) == expected([u for us in before.values() for u in us])
    assert report.previous_name == "2 семестр 2025/2026"

    by_department = college.report("department")
    internal = now["ИС-21"] + now["ИС-22"]
    assert figures(_line(by_department, "Очное отделение").now) == expected(internal)
    assert figures(_line(by_department, "Заочное отделение").now) == expected(now["ЗО-11"])
    by_course = college.report("course")
    assert [line.label for line in by_course.lines] == ["1 курс", "2 курс"]
    assert figures(_line(by_course, "2 курс").now) == expected(internal)
    # Last year the same groups were a course younger: ИС-21 and ИС-22 were the 1st course.
    assert _line(by_course, "2 курс").before is None
    assert figures(_line(by_course, "1 курс").before) == expected(before["ИС-21"] + before["ИС-22"])
    whole = college.report("college")
    assert len(whole.lines) == 1
    assert figures(whole.lines[0].now) == expected(everyone)
    assert whole.lines[0].now.students == 9
    assert (whole.lines[0].now.average, whole.lines[0].now.sou) == (
        Decimal("3.92"),
        Decimal("64.9"),
    )


def test_by_discipline_and_by_teacher_count_results(college: College) -> None:
    now = college.now
    by_discipline = college.report("discipline")
    assert [line.label for line in by_discipline.lines] == [
        "Операционные системы",
        "Разработка программных модулей",
        "Физическая культура",
    ]
    exam = [[units[0]] for group in now.values() for units in group]
    assert figures(_line(by_discipline, "Операционные системы").now) == expected(exam)
    mdk = [[u[1]] for u in now["ИС-21"] + now["ИС-22"]]
    assert figures(_line(by_discipline, "Разработка программных модулей").now) == expected(mdk)
    by_teacher = college.report("teacher")
    for name, units in college.by_teacher.items():
        assert figures(_line(by_teacher, name).now) == expected(units), name
    teacher = college.world.college.employees["teacher"]
    only = college.report("group", teacher_id=teacher.pk)
    assert [line.label for line in only.lines] == ["ИС-21", "ИС-22"]
    assert figures(_line(only, "ИС-21").now) == expected([[u[1]] for u in now["ИС-21"]])


def test_filters_narrow_the_groups(college: College) -> None:
    now = college.now
    report = college.report("group", department_id=college.extramural.pk)
    assert [line.label for line in report.lines] == ["ЗО-11"]
    assert [line.label for line in college.report("group", course=2).lines] == ["ИС-21", "ИС-22"]
    one = college.report("group", group_id=college.world.college.other_group.pk)
    assert figures(one.total.now) == expected(now["ИС-22"])
    physical = college.report("group", discipline="физическая культура")
    assert [line.label for line in physical.lines] == ["ЗО-11"]
    assert figures(physical.total.now) == expected([[u[1]] for u in now["ЗО-11"]])


def test_the_year_against_the_year_before(college: College) -> None:
    report = college.report("group", term="year")
    assert report.period_name == "2026/2027" and report.previous_name == "2025/2026"
    # 2026/2027: the 2nd semester has no attestation yet, so the year is the 1st semester; in
    # 2025/2026 ИС-21's 1st semester items had no sheet and no marks (no result).
    for name, units in college.now.items():
        assert figures(_line(report, name).now) == expected(units)
    assert figures(_line(report, "ИС-21").before) == expected(college.before["ИС-21"])
    assert _line(report, "ИС-21").change("success_percent") == Decimal("15.0")
    first = college.report("group", term="1", year=college.previous_year)
    assert first.previous_name == ""
    assert figures(_line(first, "ИС-21").now) == expected([[None, None]] * 5)


def _url(name: str = "reports:quality", **params: Any) -> str:
    from django.utils.http import urlencode

    return reverse(name) + ("?" + urlencode(params) if params else "")


def test_the_page_shows_formulas_figures_and_a_chart(world: World, college: College) -> None:
    response = world.client_for("deputy").get(_url())
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "Абсолютная успеваемость",
        "(1,00·n5 + 0,64·n4 + 0,36·n3 + 0,16·n2 + 0,08·n1) ÷ N × 100 %",
        "<td>71,3</td>",
        "<td>+22,3</td>",
        "<td>+0,92</td>",
        "<svg role=\"img\"",
        "Очное отделение: данные диаграммы",
    ):
        assert text in page, text
    summary = reverse("reports:group_summary", kwargs={"group_id": world.college.group.pk})
    assert f"{summary}?period={world.college.semester1.pk}" in page
    assert "<script" not in page.split("<main", 1)[-1].split("</main>")[0]


def _page_queries(world: World, **params: Any) -> int:
    client = world.client_for("deputy")
    client.get(_url())
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(**params)).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_the_college(world: World, college: College) -> None:
    small = _page_queries(world)
    c = world.college
    for n in range(6):
        group = Group.objects.create(
            organization=world.org, name=f"ИС-3{n}", program=c.program, curriculum=c.curriculum,
            department=c.department, intake_year=2025,
        )
        person = Person.objects.create(organization=world.org, last_name=f"Новиков{n}",
                                       first_name="Тест")
        pupil = Student.objects.create(person=person)
        Membership.objects.create(group=group, student=pupil, date_from=dt.date(2026, 9, 1))
        made = AttestationSheet.objects.create(
            group=group, item=c.discipline, period=c.semester1, form=AttestationForm.EXAM,
            status=AttestationSheet.Status.CLOSED, closed_roll=[pupil.pk],
        )
        AttestationMark.objects.create(sheet=made, student=pupil, value="4")
    # Session, user, roles (3); the current semester; the form's discipline names; the groups;
    # the semesters; for the semester and the one before, 5 each (curriculum hours, sheets,
    # memberships, closed marks, marks counted); rendering the form: departments, academic
    # years (twice: the Select reads the first option for `required`), groups, teachers (5).
    assert small == 22
    assert _page_queries(world) == small
    by_teacher = _page_queries(world, by="teacher")
    assert by_teacher == small + 1  # the journals' teachers


@pytest.mark.parametrize(
    ("who", "role", "status"),
    [
        ("director", None, 200),
        ("deputy", None, 200),
        ("head", None, 200),
        ("curator", "curator", 200),
        ("curator", "teacher", 403),
        ("teacher", None, 403),
        ("secretary", None, 403),
        ("student", None, 403),
        ("parent", None, 403),
    ],
)
def test_who_may_open_the_quality_report(world: World, who: str, role: str | None,
                                         status: int) -> None:
    client = world.client_for(who, role=role)
    assert client.get(_url()).status_code == status
    assert client.get(_url("reports:quality_xlsx")).status_code == status


def test_a_curator_counts_only_own_groups(world: World, college: College) -> None:
    client = world.client_for("curator", role="curator")
    report = client.get(_url()).context["report"]
    assert [line.label for line in report.lines] == ["ИС-21"]
    # Another group is not offered: the form says so and there is no report.
    response = client.get(_url(group=world.college.other_group.pk))
    assert response.status_code == 200 and response.context["report"] is None
    assert "Выберите корректный вариант" in response.content.decode()


def test_a_department_head_counts_only_own_department(world: World, college: College) -> None:
    RoleAssignment.objects.filter(user=world.user("head")).update(
        department=college.extramural
    )
    report = world.client_for("head").get(_url()).context["report"]
    assert [line.label for line in report.lines] == ["ЗО-11"]


def test_a_stranger_college_sees_none_of_it(world: World, college: College) -> None:
    client = world.client_for(world.stranger.users["deputy"])
    response = client.get(_url())
    assert response.status_code == 200
    # Only the stranger's own groups: none of the first college's.
    assert [line.label for line in response.context["report"].lines] == ["ДИС-21", "ДИС-22"]
    response = client.get(_url(academic_year=world.college.year.pk))
    assert response.context["report"] is None  # another college's year is not a choice


def test_bad_filters_get_a_message_and_no_report(world: World, college: College) -> None:
    client = world.client_for("deputy")
    response = client.get(_url(term="5", course="x"))
    assert response.status_code == 200 and response.context["report"] is None
    assert "Выберите корректный вариант" in response.content.decode()
    export = client.get(_url("reports:quality_xlsx", term="5"))
    assert export.status_code == 302 and "term=5" in export["Location"]


def test_the_workbook_and_the_printout(world: World, college: College) -> None:
    client = world.client_for("deputy")
    book = load_workbook(io.BytesIO(client.get(_url("reports:quality_xlsx")).content))
    rows = list(book.active.iter_rows(values_only=True))
    is21 = next(row for row in rows if row[0] == "ИС-21 *")
    assert is21[1:12] == (4, 3, 75.0, 15.0, 2, 50.0, 10.0, 4.17, 0.92, 71.3, 22.3)
    assert rows[-1][1] == 9
    assert any(row[0] and str(row[0]).startswith("СОУ (степень обученности)") for row in rows)
    response = client.get(_url("reports:quality_pdf", by="department"))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert f"стр. 1 из {len(reader.pages)}" in text
    assert "Успеваемость и качество знаний: 1 семестр 2026/2027" in text
    assert world.org.name in text
    assert "Заместитель директора по УМР" in text
    assert "Заочное отделение: данные диаграммы" in text
    assert "× 100 %," in text and "%%" not in text


def test_the_catalogue_lists_the_report(world: World) -> None:
    page = world.client_for("curator", role="curator").get(reverse("reports:index"))
    assert reverse("reports:quality") in page.content.decode()


def test_the_database_sums_give_the_journal_average(world: World) -> None:
    """Weights with two decimals are summed exactly: the same average as the journal's."""
    from otmetka.journal.averages import weighted_average
    from otmetka.reports.results import semester_results

    c = world.college
    kinds = [
        WorkKind.objects.create(organization=world.org, name=f"Вид {w}", short_name=f"В{n}",
                                weight=Decimal(w))
        for n, w in enumerate(("0.29", "1.5", "0.1"))
    ]
    marks = [("5", kinds[0]), ("4", kinds[1]), ("3", kinds[2]), ("зч", kinds[1]), ("2", kinds[0])]
    for n, (value, kind) in enumerate(marks):
        lesson = Lesson.objects.create(workload=c.workload, date=dt.date(2026, 9, 2 + n),
                                       teacher=c.employees["teacher"], hours=2)
        Mark.objects.create(lesson=lesson, student=c.student, value=value, work_kind=kind)
    period = Period.objects.select_related("academic_year").get(pk=c.semester1.pk)
    result = semester_results([c.group], period)[c.group.pk]
    column = next(n for n, col in enumerate(result.columns) if col.item_id == c.mdk.pk)
    cell = result.cells[c.student.pk][column]
    assert cell is not None and not cell.final
    # (5·0,29 + 4·1,5 + 3·0,1 + 2·0,29) ÷ 2,18 = 8,33 ÷ 2,18 = 3,8211 → 3,82
    assert cell.average == weighted_average([(v, k.weight) for v, k in marks]) == Decimal("3.82")
