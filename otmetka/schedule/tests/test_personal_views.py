"""My timetable: a teacher's pairs, a student's subgroup, a parent's child; the week PDF."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from otmetka.academics.models import Subgroup, Workload
from otmetka.people.models import Guardianship
from otmetka.schedule.tests.test_changes_selector import make_bells, make_entry
from otmetka.test import World

WEEK = reverse("schedule:my_week") + "?week=2026-11-17"


def _setup(world: World) -> None:
    college = world.college
    make_bells(world)
    make_entry(world)  # ИС-21, whole group, Tuesday 2nd pair
    other_subgroup = Subgroup.objects.create(group=college.group, name="2 подгруппа")
    split = Workload.objects.create(
        academic_year=college.year,
        teacher=college.employees["other_teacher"],
        group=college.group,
        item=college.discipline,
        subgroup=other_subgroup,
    )
    make_entry(world, workload=split, pair_number=3)
    make_entry(world, workload=college.other_workload, pair_number=4)


def test_teacher_sees_own_pairs(world: World) -> None:
    _setup(world)
    page = world.client_for("teacher").get(WEEK).content.decode()
    assert "МДК.01.01 ИС-21" in page
    assert "ОП.01" not in page


def test_student_sees_own_subgroup_only(world: World) -> None:
    _setup(world)
    response = world.client_for("student").get(WEEK)
    assert response.status_code == 200
    page = response.content.decode()
    assert "МДК.01.01 ИС-21" in page
    assert "2 подгруппа" not in page
    assert "ИС-22" not in page


def test_parent_switches_child(world: World) -> None:
    _setup(world)
    college = world.college
    Guardianship.objects.create(
        student=college.other_student, guardian=college.parent, kind=Guardianship.Kind.MOTHER
    )
    client = world.client_for("parent")
    page = client.get(WEEK).content.decode()
    assert "Ёлкин Семён Ильич" in page
    first = client.get(WEEK + f"&student={college.student.pk}").content.decode()
    assert "МДК.01.01 ИС-21" in first and "ОП.01 ИС-22" not in first
    second = client.get(WEEK + f"&student={college.other_student.pk}").content.decode()
    assert "ОП.01 ИС-22" in second and "МДК.01.01" not in second
    stranger_child = world.stranger.student.pk
    assert client.get(WEEK + f"&student={stranger_child}").status_code == 404


def test_my_today(world: World, now: Any) -> None:
    _setup(world)
    now.move_to(dt.datetime(2026, 11, 17, 9, 0, tzinfo=dt.UTC))
    page = world.client_for("teacher").get(reverse("schedule:my_today")).content.decode()
    assert "10:10" in page and "МДК.01.01 ИС-21" in page


def test_week_pdf_rights(world: World) -> None:
    _setup(world)
    college = world.college
    url = reverse("schedule:week_pdf") + f"?group={college.group.pk}&week=2026-11-17"
    response = world.client_for("dispatcher").get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert world.client_for(world.stranger.users["dispatcher"]).get(url).status_code == 404
    teacher_url = reverse("schedule:week_pdf") + f"?teacher={college.employees['teacher'].pk}"
    assert world.client_for("teacher").get(teacher_url).status_code == 200
    assert world.client_for("other_teacher").get(teacher_url).status_code == 404
