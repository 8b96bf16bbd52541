"""Generated from the URL configuration: every URL of the project, whatever app adds it,
sends an anonymous visitor to the login page and answers 404 to a user of another
organization who asks for an object of the first (DESIGN.md §4, rules 1 and 3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from otmetka.academics.models import CurriculumHours, Membership
from otmetka.accounts.models import RoleAssignment
from otmetka.accounts.permissions import effective_rights
from otmetka.certificates.models import Certificate
from otmetka.documents.models import Document
from otmetka.journal.models import (
    AttestationSheet,
    HomeworkAttachment,
    JournalUnlock,
    Lesson,
    PlannedTopic,
    RetakeSheet,
    ThematicPlan,
    UnlockRequest,
    WorkKind,
)
from otmetka.messaging.models import (
    Announcement,
    AnnouncementAttachment,
    Message,
    MessageAttachment,
    MessageRecipient,
)
from otmetka.movement.models import Order, OrderItem, OrderKind
from otmetka.notifications.models import Notification
from otmetka.org.models import BellSchedule, Pair, Room
from otmetka.people.models import Consent, Guardianship, LateCardJustification
from otmetka.schedule.models import CalendarFeed, DateBells, ScheduleChange, TimetableEntry
from otmetka.test import World

# Pages anyone may open.
PUBLIC = {
    "accounts:login",
    "accounts:forgot_password",
    "i18n:set_language",
    # The iCal address is its own secret (a revocable token), for calendar apps without a login.
    "schedule:ical",
}
# Mounted apps with their own access control.
SKIP_PREFIXES = ("django-admin/", "static/", "media/")


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    kwargs: tuple[str, ...]
    view: Callable[..., Any]


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), full_ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            route = prefix + str(pattern.pattern)
            if route.startswith(SKIP_PREFIXES):
                continue
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            kwargs = tuple(pattern.pattern.regex.groupindex)
            yield Route(name, route, kwargs, pattern.callback)


ROUTES = sorted(_walk(get_resolver().url_patterns), key=lambda r: r.name)


def _retake_sheet(w: World) -> RetakeSheet:
    sheet, _created = AttestationSheet.objects.get_or_create(
        group=w.college.group,
        item=w.college.discipline,
        period=w.college.semester1,
        defaults={"form": "exam", "status": AttestationSheet.Status.CLOSED},
    )
    retake_sheet = RetakeSheet.objects.create(
        organization=w.org,
        number=RetakeSheet.objects.filter(organization=w.org).count() + 1,
        kind=RetakeSheet.Kind.INDIVIDUAL,
        sheet=sheet,
        attempt=1,
        deadline=dt.date(2026, 12, 10),
        issued_by=w.user("deputy"),
    )
    retake_sheet.examiners.add(w.college.employees["teacher"])
    return retake_sheet


def _lesson(w: World) -> Lesson:
    return Lesson.objects.get_or_create(
        workload=w.college.workload,
        date=dt.date(2026, 11, 16),
        pair_number=1,
        defaults={"teacher": w.college.employees["teacher"], "topic_text": "Введение"},
    )[0]


def _entry(w: World) -> TimetableEntry:
    return TimetableEntry.objects.get_or_create(
        workload=w.college.workload,
        weekday=2,
        pair_number=1,
        defaults={
            "valid_from": w.college.semester1.date_from,
            "valid_to": w.college.semester1.date_to,
        },
    )[0]


def _bells(w: World) -> BellSchedule:
    return BellSchedule.objects.get_or_create(
        organization=w.org, name="Основное", defaults={"is_default": True}
    )[0]


def _message(w: World) -> Message:
    message = Message.objects.create(
        organization=w.org, sender=w.user("curator"), subject="Собрание", body="В пятницу"
    )
    message.thread = message
    message.save(update_fields=["thread"])
    MessageRecipient.objects.create(message=message, user=w.user("parent"))
    return message


def _announcement(w: World) -> Announcement:
    return Announcement.objects.create(
        organization=w.org,
        author=w.user("director"),
        title="Собрание",
        body="В пятницу",
        valid_from=dt.date(2026, 11, 1),
        valid_to=dt.date(2026, 11, 30),
    )


def _order(w: World) -> Order:
    order, _ = Order.objects.get_or_create(
        organization=w.org,
        academic_year=w.college.year,
        number="1-к",
        defaults={
            "date": dt.date(2026, 11, 16),
            "kind": OrderKind.TRANSFER,
            "created_by": w.user("head"),
        },
    )
    OrderItem.objects.get_or_create(
        order=order,
        student=w.college.student,
        defaults={
            "effective_date": dt.date(2026, 11, 16),
            "from_group": w.college.group,
            "to_group": w.college.other_group,
        },
    )
    return order


# Each URL keyword names an object of the first college; the stranger must get 404 for it.
OBJECT_KWARGS: dict[str, Callable[[World], Any]] = {
    "person_id": lambda w: w.college.student.person.pk,
    "student_id": lambda w: w.college.student.pk,
    "employee_id": lambda w: w.college.employees["teacher"].pk,
    "guardianship_id": lambda w: Guardianship.objects.get(student=w.college.student).pk,
    "consent_id": lambda w: (
        Consent.objects.create(
            person=w.college.student.person, signed_on=dt.date(2025, 9, 1), document="Заявление № 1"
        ).pk
    ),
    "program_id": lambda w: w.college.program.pk,
    "curriculum_id": lambda w: w.college.curriculum.pk,
    "item_id": lambda w: w.college.mdk.pk,
    "hours_id": lambda w: CurriculumHours.objects.get(item=w.college.mdk, semester=3).pk,
    "group_id": lambda w: w.college.group.pk,
    "subgroup_id": lambda w: w.college.subgroup.pk,
    "membership_id": lambda w: Membership.objects.get(student=w.college.student).pk,
    "workload_id": lambda w: w.college.workload.pk,
    "user_id": lambda w: w.user("teacher").pk,
    "assignment_id": lambda w: RoleAssignment.objects.get(user=w.user("teacher")).pk,
    "year_id": lambda w: w.college.year.pk,
    "period_id": lambda w: w.college.semester1.pk,
    "department_id": lambda w: w.college.department.pk,
    "room_id": lambda w: Room.objects.get(organization=w.org, number="214").pk,
    "bells_id": lambda w: _bells(w).pk,
    "lesson_id": lambda w: _lesson(w).pk,
    "plan_id": lambda w: ThematicPlan.objects.get_or_create(workload=w.college.workload)[0].pk,
    "topic_id": lambda w: PlannedTopic.objects.get_or_create(
        plan=ThematicPlan.objects.get_or_create(workload=w.college.workload)[0],
        position=1,
        defaults={"title": "Введение"},
    )[0].pk,
    "work_kind_id": lambda w: WorkKind.objects.get_or_create(
        organization=w.org, name="Устный ответ", defaults={"short_name": "О"}
    )[0].pk,
    "sheet_id": lambda w: AttestationSheet.objects.get_or_create(
        group=w.college.group,
        item=w.college.mdk,
        period=w.college.semester1,
        defaults={"form": "diff_credit"},
    )[0].pk,
    "retake_sheet_id": lambda w: _retake_sheet(w).pk,
    "unlock_id": lambda w: JournalUnlock.objects.create(
        workload=w.college.workload,
        reason="Исправление ошибки",
        valid_until=timezone.now() + dt.timedelta(days=1),
        granted_by=w.user("deputy"),
    ).pk,
    "request_id": lambda w: UnlockRequest.objects.create(
        workload=w.college.workload, requested_by=w.user("teacher"), reason="Ошибка в отметке"
    ).pk,
    "attachment_id": lambda w: HomeworkAttachment.objects.create(
        lesson=_lesson(w),
        file=ContentFile(b"%PDF-1.4 test", name="task.pdf"),
        original_name="task.pdf",
        size=13,
        content_type="application/pdf",
    ).pk,
    "print_id": lambda w: Document.objects.create(
        organization=w.org, owner=w.user("teacher"), kind="journal.print", title="Журнал",
        params={"workload": w.college.workload.pk, "period": w.college.semester1.pk},
    ).pk,
    "document_id": lambda w: Document.objects.create(
        organization=w.org, owner=w.user("deputy"), kind="reports.alphabetical",
        title="Алфавитная книга", status=Document.Status.READY,
        file=ContentFile(b"%PDF-1.4 test", name="book.pdf"), filename="book.pdf",
    ).pk,
    "entry_id": lambda w: _entry(w).pk,
    "date_bells_id": lambda w: DateBells.objects.create(
        organization=w.org, date=dt.date(2026, 12, 28), bell_schedule=_bells(w)
    ).pk,
    "change_id": lambda w: ScheduleChange.objects.create(
        organization=w.org,
        date=dt.date(2026, 11, 17),
        kind=ScheduleChange.Kind.CANCEL,
        entry=_entry(w),
        workload=w.college.workload,
        reason="Болезнь преподавателя",
    ).pk,
    "feed_id": lambda w: CalendarFeed.objects.create(
        organization=w.org,
        employee=w.college.employees["teacher"],
        token="t" * 43,
        created_by=w.user("teacher"),
    ).pk,
    "notification_id": lambda w: Notification.objects.create(
        user=w.user("teacher"), organization=w.org, kind="other", title="Проверка"
    ).pk,
    "thread_id": lambda w: _message(w).pk,
    "message_id": lambda w: _message(w).pk,
    "message_attachment_id": lambda w: MessageAttachment.objects.create(
        message=_message(w),
        file=ContentFile(b"%PDF-1.4 test", name="letter.pdf"),
        original_name="letter.pdf",
        size=13,
        content_type="application/pdf",
    ).pk,
    "announcement_id": lambda w: _announcement(w).pk,
    "certificate_id": lambda w: Certificate.objects.create(
        organization=w.org, year=2026, number=1, kind=Certificate.Kind.ENROLMENT,
        student=w.college.student, issued_on=dt.date(2026, 11, 16),
        presented_to="по месту требования", issued_by=w.user("secretary"),
        issued_by_name="Секретарёва Алла Борисовна", group=w.college.group,
        content={"student": {"last_name": "Студентов", "first_name": "Иван",
                             "middle_name": "Петрович"}, "organization": {"short_name": "ТПТ"}},
    ).pk,
    "announcement_attachment_id": lambda w: AnnouncementAttachment.objects.create(
        announcement=_announcement(w),
        file=ContentFile(b"%PDF-1.4 test", name="notice.pdf"),
        original_name="notice.pdf",
        size=13,
        content_type="application/pdf",
    ).pk,
    "pair_id": lambda w: Pair.objects.get_or_create(
        bell_schedule=_bells(w),
        number=1,
        defaults={"starts_at": dt.time(8, 30), "ends_at": dt.time(10, 0)},
    )[0].pk,
}
OBJECT_KWARGS["order_id"] = lambda w: _order(w).pk
OBJECT_KWARGS["order_item_id"] = lambda w: _order(w).items.get().pk
OBJECT_KWARGS["justification_id"] = lambda w: LateCardJustification.objects.get_or_create(
    student=w.college.student,
    defaults={"reason": "Первичная загрузка контингента", "justified_by": w.user("head")},
)[0].pk
# Keywords that are not objects of an organization.
PLAIN_KWARGS: dict[str, Callable[[World], Any]] = {
    "role_code": lambda w: "teacher",
    "token": lambda w: "no-such-token",
}


def _kwargs(route: Route, world: World) -> dict[str, Any]:
    values = {}
    for name in route.kwargs:
        maker = OBJECT_KWARGS.get(name) or PLAIN_KWARGS.get(name)
        assert maker is not None, (
            f"URL {route.name} uses keyword {name!r}: add it to OBJECT_KWARGS so that its "
            "isolation is tested"
        )
        values[name] = maker(world)
    return values


def _request(client: Client, url: str) -> Any:
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    return response


def test_the_project_has_routes() -> None:
    names = {route.name for route in ROUTES}
    assert {"accounts:login", "accounts:user_list", "academics:group_list"} <= names


@pytest.mark.parametrize("route", [r for r in ROUTES if r.name not in PUBLIC], ids=lambda r: r.name)
def test_anonymous_is_sent_to_login(world: World, route: Route) -> None:
    url = reverse(route.name, kwargs=_kwargs(route, world))
    response = _request(Client(), url)
    assert response.status_code == 302, f"{route.name}: {response.status_code}"
    assert response["Location"].startswith(reverse("accounts:login")), response["Location"]


OBJECT_ROUTES = [r for r in ROUTES if set(r.kwargs) & set(OBJECT_KWARGS)]


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=lambda r: r.name)
def test_stranger_gets_404_for_objects_of_another_college(world: World, route: Route) -> None:
    url = reverse(route.name, kwargs=_kwargs(route, world))
    required = getattr(route.view, "required_rights", None)
    assert required is not None, f"{route.name} is not guarded by right_required/signed_in"
    # The stranger holds a role that may use this page in *their own* college.
    candidates = [
        (key, user)
        for key, user in world.stranger.users.items()
        for assignment in user.role_assignments.all()
        if not required
        or set(required) & effective_rights(assignment.organization_id, assignment.role)
    ]
    assert candidates, f"no role of the stranger college may open {route.name}"
    for key, user in candidates:
        role = next(
            a.role
            for a in user.role_assignments.all()
            if not required or set(required) & effective_rights(a.organization_id, a.role)
        )
        response = _request(world.client_for(user, role=role), url)
        assert response.status_code == 404, (
            f"{route.name} as stranger {key}: {response.status_code}"
        )


def test_every_guarded_view_declares_its_rights() -> None:
    unguarded = [
        r.name
        for r in ROUTES
        if r.name not in PUBLIC | {"accounts:logout", "accounts:password_change"}
        and getattr(r.view, "required_rights", None) is None
    ]
    assert unguarded == []
