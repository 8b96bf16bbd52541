"""The year rollover: next year created, groups promoted once, subgroups and workload carried."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from otmetka.academics.models import (
    AttestationForm,
    CurriculumHours,
    Group,
    SubgroupMembership,
    Workload,
)
from otmetka.academics.services.rollover import HolidaySpan, YearDates, year_rollover
from otmetka.audit.models import AuditEvent
from otmetka.journal.models import AttestationSheet
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.org.models import AcademicYear, Period
from otmetka.test import World

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 16)
DATES = YearDates(
    name="2027/2028",
    date_from=dt.date(2027, 9, 1),
    date_to=dt.date(2028, 8, 31),
    semester1=(dt.date(2027, 9, 1), dt.date(2027, 12, 28)),
    semester2=(dt.date(2028, 1, 12), dt.date(2028, 6, 30)),
    holidays=(HolidaySpan("Зимние каникулы", dt.date(2027, 12, 29), dt.date(2028, 1, 11)),),
)


def test_creates_the_year_promotes_groups_and_refuses_a_second_run(world: World) -> None:
    college = world.college
    final = Group.objects.create(
        organization=world.org,
        name="ИС-11",
        program=college.program,
        curriculum=college.curriculum,
        department=college.department,
        intake_year=2023,
    )
    result = year_rollover(actor=world.actor("deputy"), today=TODAY, dates=DATES)
    year = AcademicYear.objects.get(organization=world.org, name="2027/2028")
    assert result.year == year
    periods = list(year.periods.order_by("date_from").values_list("kind", "number", "date_from"))
    assert periods == [
        (Period.Kind.SEMESTER, 1, dt.date(2027, 9, 1)),
        (Period.Kind.HOLIDAYS, 1, dt.date(2027, 12, 29)),
        (Period.Kind.SEMESTER, 2, dt.date(2028, 1, 12)),
    ]
    groups = Group.objects.filter(organization=world.org)
    # In the new year the groups are on the next course; in the current one, as they were.
    assert {group.name: group.course_in(year) for group in groups} == {
        "ИС-21": 3, "ИС-22": 3, "ИС-11": 5
    }
    assert {group.name: group.course_in(college.year) for group in groups} == {
        "ИС-21": 2, "ИС-22": 2, "ИС-11": 4
    }
    assert [group.name for group in result.promoted] == ["ИС-21", "ИС-22"]
    assert [group.name for group in result.graduating] == [final.name]
    assert AuditEvent.objects.filter(
        object_type="org.academicyear", object_id=str(year.pk), action=AuditEvent.Action.CREATE
    ).exists()
    with pytest.raises(DomainError, match="уже создан"):
        year_rollover(actor=world.actor("deputy"), today=TODAY, dates=DATES)
    # The stranger college is untouched.
    assert not AcademicYear.objects.filter(organization=world.stranger.organization,
                                           name="2027/2028").exists()


def test_workload_is_copied_with_the_new_semesters_hours(world: World) -> None:
    college = world.college
    # Course 3 studies semesters 5 and 6: the МДК continues, the discipline ended in semester 3.
    CurriculumHours.objects.create(
        item=college.mdk, semester=5, total=48, theory=30, practical=10, independent=8
    )
    CurriculumHours.objects.create(item=college.mdk, semester=6, total=24, laboratory=24)
    result = year_rollover(actor=world.actor("head"), today=TODAY, dates=DATES)
    copies = list(
        Workload.objects.filter(academic_year=result.year).values_list(
            "teacher_id", "group_id", "item_id", "hours_first", "hours_second"
        )
    )
    assert copies == [(college.employees["teacher"].pk, college.group.pk, college.mdk.pk, 40, 24)]
    assert Workload.objects.filter(academic_year=college.year).count() == 2  # left as it was


def test_subgroup_members_continue_into_the_new_year(world: World) -> None:
    college = world.college
    SubgroupMembership.objects.filter(subgroup=college.subgroup).update(
        date_to=dt.date(2027, 6, 30)
    )
    result = year_rollover(actor=world.actor("deputy"), today=TODAY, dates=DATES)
    assert result.subgroup_members_renewed == 1
    assert (
        SubgroupMembership.objects.filter(subgroup=college.subgroup, student=college.student)
        .on_day(dt.date(2027, 9, 1))
        .exists()
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date_from": dt.date(2027, 8, 1)}, "после окончания текущего"),
        ({"semester1": (dt.date(2027, 9, 1), dt.date(2028, 9, 30))}, "выходит за границы"),
        ({"semester2": (dt.date(2027, 12, 1), dt.date(2028, 6, 30))}, "после 1-го"),
        ({"name": "2026/2027"}, "уже есть"),
    ],
)
def test_bad_dates_change_nothing(world: World, changes: dict[str, object], message: str) -> None:
    dates = YearDates(**{**DATES.__dict__, **changes})
    with pytest.raises(DomainError, match=message):
        year_rollover(actor=world.actor("deputy"), today=TODAY, dates=dates)
    assert AcademicYear.objects.filter(organization=world.org).count() == 1


def test_only_the_deputy_and_the_department_head_roll_over(world: World) -> None:
    with pytest.raises(NotAllowed):
        year_rollover(actor=world.actor("secretary"), today=TODAY, dates=DATES)


class TestPage:
    url = staticmethod(lambda: reverse("academics:rollover"))

    def test_proposes_next_year_dates_and_lists_the_groups(self, world: World) -> None:
        page = world.client_for("deputy").get(self.url()).content.decode()
        assert 'value="2027/2028"' in page and 'value="2027-09-01"' in page
        assert 'value="2027-12-29"' in page  # the winter holidays, a year on
        assert "ИС-21: 2 → 3 курс" in page

    def test_post_rolls_over_then_the_page_says_it_is_done(self, world: World) -> None:
        client = world.client_for("head")
        form = {
            "name": "2027/2028",
            "date_from": "2027-09-01",
            "date_to": "2028-08-31",
            "semester1_from": "2027-09-01",
            "semester1_to": "2027-12-28",
            "semester2_from": "2028-01-12",
            "semester2_to": "2028-06-30",
            "holiday0_name": "Зимние каникулы",
            "holiday0_from": "2027-12-29",
            "holiday0_to": "2028-01-11",
        }
        answer = client.post(self.url(), form, follow=True)
        assert "Создан учебный год 2027/2028" in answer.content.decode()
        again = client.post(self.url(), form).content.decode()
        assert "уже создан" in again
        assert AcademicYear.objects.filter(organization=world.org).count() == 2

    def test_rights(self, world: World) -> None:
        for user in ("deputy", "head"):
            assert world.client_for(user).get(self.url()).status_code == 200
        for user in ("director", "teacher", "curator", "secretary", "admin"):
            assert world.client_for(user).get(self.url()).status_code == 403


# --- Review: subgroups of leavers and movers, department scope -----------------------------------


def test_leavers_and_movers_are_not_put_back_into_subgroups(world: World) -> None:
    from otmetka.academics.models import Membership, Subgroup
    from otmetka.academics.tests.test_groups_support import make_student

    college = world.college
    group = college.group
    other_subgroup = Subgroup.objects.create(group=group, name="2 подгруппа")
    # A leaver: left the group (and so the subgroup) in March.
    leaver = make_student(world, "Ушедший", group=group, date_to=dt.date(2027, 3, 14))
    SubgroupMembership.objects.create(
        subgroup=college.subgroup,
        student=leaver,
        date_from=dt.date(2026, 9, 1),
        date_to=dt.date(2027, 3, 14),
    )
    # A mover: from the first subgroup to the second in January, still in the group.
    mover = make_student(world, "Перешедший", group=group)
    SubgroupMembership.objects.create(
        subgroup=college.subgroup,
        student=mover,
        date_from=dt.date(2026, 9, 1),
        date_to=dt.date(2027, 1, 11),
    )
    SubgroupMembership.objects.create(
        subgroup=other_subgroup, student=mover, date_from=dt.date(2027, 1, 12)
    )
    year_rollover(actor=world.actor("deputy"), today=TODAY, dates=DATES)
    new_year = dt.date(2027, 9, 1)
    on_day = SubgroupMembership.objects.on_day(new_year)
    assert not on_day.filter(student=leaver).exists()
    assert not Membership.objects.filter(student=leaver).on_day(new_year).exists()
    assert list(on_day.filter(student=mover).values_list("subgroup_id", flat=True)) == [
        other_subgroup.pk
    ]


def test_a_head_bound_to_a_department_cannot_roll_the_whole_college_over(world: World) -> None:
    from otmetka.academics.tests.test_groups_support import bind_head_to

    bind_head_to(world, world.college.department)
    with pytest.raises(NotAllowed):
        year_rollover(actor=world.actor("head"), today=TODAY, dates=DATES)
    assert AcademicYear.objects.filter(organization=world.org).count() == 1


# --- The current year is left as it was (issue 11: the rollover corrupted it) -------------------

MAY = dt.datetime(2027, 5, 14, 10, 0, tzinfo=ZoneInfo("Asia/Tomsk"))  # the 2nd semester
ROLLOVER_FORM = {
    "name": "2027/2028",
    "date_from": "2027-09-01",
    "date_to": "2028-08-31",
    "semester1_from": "2027-09-01",
    "semester1_to": "2027-12-28",
    "semester2_from": "2028-01-12",
    "semester2_to": "2028-06-30",
}
# What differs between two renderings of one page whatever the data: the CSRF token, the CSP
# nonce and the id of the attestation sheet the first look opens (PostgreSQL does not give back
# the id of a row whose transaction was undone); and the one thing a rollover adds to a page of
# the current year: the new year as a choice in a year picker.
_VOLATILE = re.compile(
    r'(name="csrfmiddlewaretoken" value="|nonce="|"X-CSRFToken": "|/sheets/)[^"/]*(["/])'
)
_NEW_YEAR_CHOICE = re.compile(r'<option value="\d+">2027/2028</option>\s*')


def _pages(world: World) -> list[tuple[str, str]]:
    college = world.college
    workload = college.workload
    return [
        ("teacher", reverse("journal:attestation", kwargs={"workload_id": workload.pk})
         + f"?period={college.semester2.pk}"),
        ("teacher", reverse("journal:grid", kwargs={"workload_id": workload.pk})),
        ("teacher", reverse("academics:my_workload")),
        ("deputy", reverse("academics:workload_list")),
        ("deputy", reverse("academics:workload_teachers")),
        ("deputy", reverse("academics:workload_edit", kwargs={"workload_id": workload.pk})),
        ("deputy", reverse("academics:workload_create") + f"?group={college.group.pk}"),
        ("deputy", reverse("academics:group_list")),
        ("deputy", reverse("academics:group_list") + "?course=2"),
        ("deputy", reverse("academics:group_detail", kwargs={"group_id": college.group.pk})),
        ("director", reverse("academics:dashboard")),
        ("curator", reverse("academics:my_groups")),
        ("head", reverse("reports:contingent")),
        ("head", reverse("schedule:group_list")),
    ]


def _render_all(clients: dict[str, Client], pages: list[tuple[str, str]]) -> dict[str, str]:
    bodies = {}
    for who, url in pages:
        response = clients[who].get(url)
        assert response.status_code == 200, url
        body = _VOLATILE.sub(r"\1\2", response.content.decode())
        bodies[f"{who} {url}"] = _NEW_YEAR_CHOICE.sub("", body)
    return bodies


def test_a_rollover_in_may_leaves_every_page_of_the_current_year_unchanged(
    world: World, now: Any
) -> None:
    college = world.college
    # ИС-21 has a дифф. зачёт on МДК.01.01 in semester 4, the 2nd semester of its 2nd course.
    CurriculumHours.objects.create(
        item=college.mdk, semester=4, total=60, theory=20, practical=20, independent=20,
        attestation_form=AttestationForm.DIFF_CREDIT,
    )
    Workload.objects.filter(pk=college.workload.pk).update(hours_second=40)
    now.move_to(MAY)
    pages = _pages(world)
    clients = {who: world.client_for(who) for who in {who for who, _url in pages}}
    # Looked at before, in a transaction undone afterwards: the first look at the attestation
    # page opens the semester's sheet, and the look after the rollover must open it itself.
    with transaction.atomic():
        before = _render_all(clients, pages)
        transaction.set_rollback(True)
    assert not AttestationSheet.objects.exists()

    answer = clients["deputy"].post(reverse("academics:rollover"), ROLLOVER_FORM, follow=True)
    assert "Создан учебный год 2027/2028" in answer.content.decode()
    after = _render_all(clients, pages)

    for page, body in before.items():
        assert after[page] == body, page
    attestation = after[f"teacher {pages[0][1]}"]
    assert "дифференцированный зачёт" in attestation
    assert "нет промежуточной аттестации" not in attestation
    assert AttestationSheet.objects.get().form == AttestationForm.DIFF_CREDIT
    # What the rollover is for: the new year has the groups on the 3rd course.
    new_year = AcademicYear.objects.get(organization=world.org, name="2027/2028")
    assert college.group.course_in(new_year) == 3
