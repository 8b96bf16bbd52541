"""The сводная ведомость of a group for a whole academic year: both semesters side by side."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from otmetka.academics.models import AttestationForm, CurriculumHours, CurriculumItem
from otmetka.journal.models import AttestationMark, AttestationSheet
from otmetka.org.models import AcademicYear
from otmetka.reports.summary import group_summary_year
from otmetka.reports.tests.test_group_summary import Made, _student
from otmetka.test import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(world: World) -> Made:
    """The first semester's hand-made group, and in the second: a new exam, ОП.05, where
    Аверина got «5», Студентов «3», and Новиков, who came on 20.01.2027, «4»."""
    made = Made(world)
    c = world.college
    item = CurriculumItem.objects.create(
        curriculum=c.curriculum,
        kind=CurriculumItem.Kind.DISCIPLINE,
        index="ОП.05",
        name="Основы экономики",
        position=9,
    )
    CurriculumHours.objects.create(
        item=item, semester=4, total=48, theory=48, attestation_form=AttestationForm.EXAM
    )
    newcomer = _student(world, "Новиков", "Илья", since=dt.date(2027, 1, 20))
    on_roll = [made.averina, made.yozhikova, made.ershov, newcomer, made.ivanov]
    sheet = AttestationSheet.objects.create(
        group=c.group,
        item=item,
        period=c.semester2,
        form=AttestationForm.EXAM,
        status=AttestationSheet.Status.CLOSED,
        closed_roll=[s.pk for s in on_roll],
    )
    for student, value in ((made.averina, "5"), (made.ivanov, "3"), (newcomer, "4")):
        AttestationMark.objects.create(sheet=sheet, student=student, value=value)
    return made


def _year_url(world: World, name: str = "reports:group_summary") -> str:
    url = reverse(name, kwargs={"group_id": world.college.group.pk})
    return f"{url}?year={world.college.year.pk}"


def test_both_semesters_side_by_side(world: World, year: Made) -> None:
    summary = group_summary_year(world.college.group, world.college.year)
    assert summary is not None and summary.year == world.college.year
    assert [(c.index, c.term) for c in summary.columns] == [
        ("ОП.01", "3 сем."),
        ("МДК.01.01", "3 сем."),
        ("ОП.02", "3 сем."),
        ("ОП.05", "4 сем."),
    ]
    rows = {row.student.person.last_name: row for row in summary.rows}
    assert list(rows) == ["Аверина", "Ёжикова", "Ершов", "Новиков", "Студентов", "Уходов"]
    assert [cell.text if cell else "" for cell in rows["Новиков"].cells] == ["", "", "", "4"]
    assert rows["Новиков"].joined_on == dt.date(2027, 1, 20) and rows["Новиков"].on_roll
    # The year's counts: the first semester's (4, 4 and незачёт) and the second's «3».
    c = rows["Студентов"].counts
    assert (c["5"], c["4"], c["3"], c["2"], c["failed"]) == (0, 2, 1, 0, 1)
    # 6 hours in the first semester (2 excused), 2 unexcused in the second.
    assert (rows["Студентов"].missed_hours, rows["Студентов"].excused_hours) == (8, 2)
    # Уходов left in October: shown, not counted.
    assert rows["Уходов"].left_on == dt.date(2026, 10, 15) and not rows["Уходов"].on_roll
    assert summary.students == 5


def test_the_page_files_and_the_choice_of_a_year(world: World, year: Made) -> None:
    client = world.client_for("deputy")
    page = client.get(_year_url(world))
    assert page.status_code == 200
    text = page.content.decode()
    assert "2026/2027 учебный год, 2 курс" in text
    assert "4 сем., экз." in text
    assert "approval-title" not in text  # the approval is a semester's
    xlsx = client.get(_year_url(world, "reports:group_summary_xlsx"))
    rows = list(load_workbook(io.BytesIO(xlsx.content)).worksheets[0].iter_rows(values_only=True))
    assert any("ОП.05 Основы экономики (4 сем., экз.)" in row for row in rows), rows[:5]
    pdf = client.get(_year_url(world, "reports:group_summary_pdf"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    choose = client.get(
        reverse("reports:group_summary_choose"),
        {
            "period": str(world.college.semester1.pk),
            "group": str(world.college.group.pk),
            "whole_year": "on",
        },
    )
    assert choose.status_code == 302 and choose["Location"] == _year_url(world)


def test_a_year_of_another_college_is_404(world: World, year: Made) -> None:
    stranger_year = AcademicYear.objects.get(organization=world.stranger.organization)
    url = reverse("reports:group_summary", kwargs={"group_id": world.college.group.pk})
    client = world.client_for("deputy")
    assert client.get(f"{url}?year={stranger_year.pk}").status_code == 404
    assert client.get(f"{url}?year=x").status_code == 404
    assert world.client_for("teacher").get(_year_url(world)).status_code == 403
