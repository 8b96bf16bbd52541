"""Academic years and their periods: the calendar rules, the messages, the audit rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from otmetka.audit.models import AuditEvent
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.org import services
from otmetka.org.models import AcademicYear, Period
from otmetka.test import World

D = dt.date


def periods_of(year: AcademicYear) -> list[tuple[str, int, str, dt.date, dt.date]]:
    return list(
        year.periods.order_by("date_from").values_list(
            "kind", "number", "name", "date_from", "date_to"
        )
    )


def calendar_state(world: World) -> tuple[Any, ...]:
    years = AcademicYear.objects.filter(organization=world.org)
    return (
        list(years.order_by("pk").values()),
        list(Period.objects.filter(academic_year__in=years).order_by("pk").values()),
        AuditEvent.objects.count(),
    )


# --- Years ---------------------------------------------------------------------------------------


def test_year_with_default_periods(world: World) -> None:
    year = services.academic_year_create(
        actor=world.actor("deputy"), name="2027/2028", date_from=D(2027, 9, 1),
        date_to=D(2028, 8, 31), with_default_periods=True,
    )
    # 28.12.2027 is a Tuesday; 12.01.2028 a Wednesday.
    assert periods_of(year) == [
        ("semester", 1, "1 семестр", D(2027, 9, 1), D(2027, 12, 28)),
        ("holidays", 1, "Зимние каникулы", D(2027, 12, 29), D(2028, 1, 11)),
        ("semester", 2, "2 семестр", D(2028, 1, 12), D(2028, 6, 30)),
        ("holidays", 2, "Летние каникулы", D(2028, 7, 1), D(2028, 8, 31)),
    ]
    events = AuditEvent.objects.filter(action="create", organization=world.org)
    assert events.filter(object_type="org.academicyear", object_id=str(year.pk)).count() == 1
    assert events.filter(object_type="org.period").count() == 4


def test_first_semester_ends_on_the_last_working_day_before_29_december() -> None:
    # 28.12.2025 is a Sunday: the semester ends on Friday 26.12; the second one starts on
    # Monday 12.01.2026. In 2030 the 12th of January is a Saturday: Monday the 14th.
    periods = services.default_periods(D(2025, 9, 1), D(2026, 8, 31))
    assert periods[0][3:] == (D(2025, 9, 1), D(2025, 12, 26))
    assert periods[1][3:] == (D(2025, 12, 27), D(2026, 1, 11))
    assert services.default_periods(D(2029, 9, 1), D(2030, 8, 31))[2][3] == D(2030, 1, 14)
    # A year that ends early keeps only what fits.
    short = services.default_periods(D(2029, 9, 1), D(2030, 6, 30))
    assert [period[2] for period in short] == ["1 семестр", "Зимние каникулы", "2 семестр"]


def test_year_without_periods(world: World) -> None:
    year = services.academic_year_create(
        actor=world.actor("admin"), name=" 2027 / 2028 ", date_from=D(2027, 9, 1),
        date_to=D(2028, 8, 31),
    )
    assert year.name == "2027/2028"
    assert periods_of(year) == []


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"name": "2027-2028"}, "name", "два года через косую черту"),
    ({"name": "2027/2029"}, "name", "Годы в названии идут подряд, например 2027/2028"),
    ({"name": "2028/2029"}, "name",
     "Название «2028/2029» не совпадает с датами 01.09.2027–31.08.2028: ожидается «2027/2028»"),
    ({"date_to": D(2027, 8, 31)}, "date_to", "Окончание учебного года должно быть позже начала"),
    ({"name": "2026/2027", "date_from": D(2026, 9, 1), "date_to": D(2027, 8, 31)}, "name",
     "Учебный год 2026/2027 уже есть"),
    ({"date_from": D(2027, 8, 1)}, "date_from",
     "Учебный год 01.08.2027–31.08.2028 пересекается с учебным годом 2026/2027 "
     "(01.09.2026–31.08.2027)"),
])
def test_bad_year_is_refused_and_nothing_changes(
    world: World, values: dict[str, Any], field: str, message: str
) -> None:
    before = calendar_state(world)
    data = {"name": "2027/2028", "date_from": D(2027, 9, 1), "date_to": D(2028, 8, 31),
            "with_default_periods": True, **values}
    with pytest.raises(DomainError) as refused:
        services.academic_year_create(actor=world.actor("deputy"), **data)
    assert message in refused.value.message
    assert refused.value.field == field
    assert calendar_state(world) == before


def test_years_of_another_college_do_not_count_as_overlapping(world: World) -> None:
    AcademicYear.objects.filter(organization=world.stranger.organization).update(
        date_from=D(2027, 9, 1), date_to=D(2028, 8, 31), name="2027/2028"
    )
    year = services.academic_year_create(
        actor=world.actor("deputy"), name="2027/2028", date_from=D(2027, 9, 1),
        date_to=D(2028, 8, 31),
    )
    assert year.organization_id == world.org.pk


def test_year_update_keeps_its_periods_inside(world: World) -> None:
    year = world.college.year
    before = calendar_state(world)
    with pytest.raises(DomainError) as refused:
        services.academic_year_update(actor=world.actor("deputy"), year=year, name="2026/2027",
                                      date_from=D(2026, 9, 2), date_to=D(2027, 8, 31))
    assert refused.value.message.startswith(
        "Период «1 семестр» 01.09.2026–28.12.2026 окажется за границами учебного года"
    )
    assert refused.value.field == "date_from"
    assert calendar_state(world) == before
    services.academic_year_update(actor=world.actor("deputy"), year=year, name="2026/2027",
                                  date_from=D(2026, 9, 1), date_to=D(2027, 7, 31))
    year.refresh_from_db()
    assert year.date_to == D(2027, 7, 31)
    event = AuditEvent.objects.get(object_type="org.academicyear", action="update")
    assert event.changes == {"date_to": ["2027-08-31", "2027-07-31"]}


def test_stranger_and_reader_may_not_change_years(world: World) -> None:
    with pytest.raises(NotAllowed):
        services.academic_year_update(actor=world.actor(world.stranger.users["deputy"]),
                                      year=world.college.year, name="2026/2027",
                                      date_from=D(2026, 9, 1), date_to=D(2027, 7, 31))
    with pytest.raises(NotAllowed):
        services.academic_year_create(actor=world.actor("teacher"), name="2027/2028",
                                      date_from=D(2027, 9, 1), date_to=D(2028, 8, 31))
    assert not AcademicYear.objects.filter(name="2027/2028").exists()


# --- Periods -------------------------------------------------------------------------------------


def test_period_create_update_delete_are_audited(world: World) -> None:
    deputy = world.actor("deputy")
    summer = services.period_create(
        actor=deputy, academic_year=world.college.year, kind="holidays", number=2,
        name="Летние каникулы", date_from=D(2027, 7, 1), date_to=D(2027, 8, 31),
    )
    services.period_update(actor=deputy, period=summer, kind="holidays", number=2,
                           name="Летние каникулы", date_from=D(2027, 7, 5),
                           date_to=D(2027, 8, 31))
    pk = summer.pk
    services.period_delete(actor=deputy, period=summer)
    assert not Period.objects.filter(pk=pk).exists()
    events = AuditEvent.objects.filter(object_type="org.period", object_id=str(pk))
    assert list(events.order_by("id").values_list("action", flat=True)) == [
        "create", "update", "delete"
    ]
    assert events.get(action="update").changes == {"date_from": ["2027-07-01", "2027-07-05"]}


def test_semester_without_a_name_gets_one(world: World) -> None:
    Period.objects.filter(pk=world.college.semester2.pk).delete()
    semester = services.period_create(
        actor=world.actor("deputy"), academic_year=world.college.year, kind="semester",
        number=2, name="", date_from=D(2027, 1, 12), date_to=D(2027, 6, 30),
    )
    assert semester.name == "2 семестр"


# The world's year: 1st semester 01.09.2026–28.12.2026, winter holidays 29.12.2026–11.01.2027,
# 2nd semester 12.01.2027–30.06.2027.
@pytest.mark.parametrize(("values", "field", "message"), [
    ({"kind": "holidays", "number": 2, "name": "Осенние каникулы",
      "date_from": D(2026, 12, 25), "date_to": D(2027, 1, 5)}, "date_from",
     "Каникулы 25.12.2026–05.01.2027 пересекаются с семестром 01.09.2026–28.12.2026"),
    ({"kind": "holidays", "number": 2, "name": "Весенние каникулы",
      "date_from": D(2027, 1, 5), "date_to": D(2027, 1, 20)}, "date_from",
     "Каникулы 05.01.2027–20.01.2027 пересекаются с каникулами 29.12.2026–11.01.2027"),
    ({"kind": "holidays", "number": 2, "name": "Летние каникулы",
      "date_from": D(2027, 7, 1), "date_to": D(2027, 9, 5)}, "date_to",
     "Период 01.07.2027–05.09.2027 выходит за границы учебного года 2026/2027 "
     "(01.09.2026–31.08.2027)"),
    ({"kind": "holidays", "number": 2, "name": "Летние каникулы",
      "date_from": D(2026, 8, 20), "date_to": D(2026, 8, 31)}, "date_from",
     "выходит за границы учебного года"),
    ({"kind": "semester", "number": 3, "name": "3 семестр",
      "date_from": D(2027, 7, 1), "date_to": D(2027, 7, 30)}, "number",
     "Номер семестра в учебном году — 1 или 2"),
    ({"kind": "semester", "number": 1, "name": "Ещё один",
      "date_from": D(2027, 7, 1), "date_to": D(2027, 7, 30)}, "number",
     "Семестр № 1 в этом учебном году уже есть: 1 семестр"),
    ({"kind": "holidays", "number": 1, "name": "Летние каникулы",
      "date_from": D(2027, 7, 1), "date_to": D(2027, 8, 31)}, "number",
     "Каникулы № 1 в этом учебном году уже есть: Зимние каникулы"),
    ({"kind": "holidays", "number": 2, "name": "",
      "date_from": D(2027, 7, 1), "date_to": D(2027, 8, 31)}, "name",
     "Укажите название"),
    ({"kind": "holidays", "number": 2, "name": "Летние каникулы",
      "date_from": D(2027, 8, 31), "date_to": D(2027, 7, 1)}, "date_to",
     "Окончание не может быть раньше начала"),
    ({"kind": "vacation", "number": 2, "name": "Летние каникулы",
      "date_from": D(2027, 7, 1), "date_to": D(2027, 8, 31)}, "kind",
     "Выберите вид периода"),
])
def test_bad_period_is_refused_and_nothing_changes(
    world: World, values: dict[str, Any], field: str, message: str
) -> None:
    before = calendar_state(world)
    with pytest.raises(DomainError) as refused:
        services.period_create(actor=world.actor("deputy"), academic_year=world.college.year,
                               **values)
    assert message in refused.value.message
    assert refused.value.field == field
    assert calendar_state(world) == before


def test_semester_moved_onto_the_holidays_names_both(world: World) -> None:
    before = calendar_state(world)
    with pytest.raises(DomainError) as refused:
        services.period_update(
            actor=world.actor("deputy"), period=world.college.semester1, kind="semester",
            number=1, name="1 семестр", date_from=D(2026, 9, 1), date_to=D(2026, 12, 31),
        )
    assert refused.value.message == (
        "Семестр 01.09.2026–31.12.2026 пересекается с каникулами 29.12.2026–11.01.2027"
    )
    assert calendar_state(world) == before


def test_semesters_do_not_overlap_and_keep_their_order(world: World) -> None:
    deputy = world.actor("deputy")
    with pytest.raises(DomainError) as refused:
        services.period_update(actor=deputy, period=world.college.semester2, kind="semester",
                               number=2, name="2 семестр", date_from=D(2026, 12, 1),
                               date_to=D(2027, 6, 30))
    assert "Семестр 01.12.2026–30.06.2027 пересекается с семестром 01.09.2026–28.12.2026" in (
        refused.value.message
    )
    Period.objects.filter(academic_year=world.college.year, kind="holidays").delete()
    with pytest.raises(DomainError) as refused:
        services.period_update(actor=deputy, period=world.college.semester1, kind="semester",
                               number=1, name="1 семестр", date_from=D(2027, 7, 1),
                               date_to=D(2027, 8, 31))
    assert refused.value.message == "1 семестр идёт раньше 2 семестра: проверьте даты и номер."
    world.college.semester1.refresh_from_db()
    assert world.college.semester1.date_from == D(2026, 9, 1)


def test_a_period_may_keep_its_own_dates(world: World) -> None:
    semester = services.period_update(
        actor=world.actor("deputy"), period=world.college.semester1, kind="semester", number=1,
        name="Осенний семестр", date_from=D(2026, 9, 1), date_to=D(2026, 12, 28),
    )
    assert semester.name == "Осенний семестр"


def test_stranger_and_reader_may_not_change_periods(world: World) -> None:
    with pytest.raises(NotAllowed):
        services.period_delete(actor=world.actor(world.stranger.users["admin"]),
                               period=world.college.semester1)
    with pytest.raises(NotAllowed):
        services.period_create(actor=world.actor("teacher"), academic_year=world.college.year,
                               kind="holidays", number=2, name="Летние каникулы",
                               date_from=D(2027, 7, 1), date_to=D(2027, 8, 31))
    with pytest.raises(NotAllowed):
        services.period_create(actor=world.actor(world.stranger.users["deputy"]),
                               academic_year=world.college.year, kind="holidays", number=2,
                               name="Летние каникулы", date_from=D(2027, 7, 1),
                               date_to=D(2027, 8, 31))
    assert Period.objects.filter(pk=world.college.semester1.pk).exists()
    assert not Period.objects.filter(name="Летние каникулы").exists()
