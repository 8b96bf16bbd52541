"""Background work of the journal (django-tasks): notices never block a request (printed
journals are documents, built by `documents.tasks`)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from otmetka.journal.models import ABSENCE_CODES, Attendance, AttendanceCode, Lesson, Mark
from otmetka.lib.dates import local_today
from otmetka.notifications.models import Notification
from otmetka.notifications.services import notify
from otmetka.people.models import Consent, Guardianship, Student


@task()
def notify_cell_change(
    *,
    lesson_id: int,
    student_id: int,
    mark_ids: list[int],
    corrected: bool,
    attendance_code: str | None,
) -> int:
    """Tell the student and their parents about a mark or an absence the teacher has saved.

    The request only queued this (one INSERT); the recipients are found here, from the cell as
    it is now: a mark deleted (or an absence removed) before the task ran is not announced.
    Returns how many people were notified.
    """
    lesson = (
        Lesson.objects.select_related("workload__item", "workload__group__organization")
        .filter(pk=lesson_id)
        .first()
    )
    if lesson is None:
        return 0
    organization = lesson.workload.group.organization
    recipients = diary_recipients(student_id=student_id, today=local_today(organization.timezone))
    if not recipients:
        return 0
    student = Student.objects.select_related("person").get(pk=student_id)
    with translation.override(settings.LANGUAGE_CODE):
        notice = _mark_notice(lesson, student_id, mark_ids, corrected) if mark_ids else None
        if notice is None and attendance_code is not None:
            notice = _attendance_notice(lesson, student_id, attendance_code)
        if notice is None:
            return 0
        kind, title, details = notice
        subject = f"{lesson.workload.item.index} {lesson.workload.item.name}"
        body = " · ".join([student.person.full_name, subject, *details])
    notify(
        user_ids=recipients,
        organization_id=organization.pk,
        kind=kind,
        title=title,
        body=body,
        url=diary_url(student_id=student_id, day=lesson.date),
    )
    return len(recipients)


def _active_consent(person: OuterRef, today: dt.date) -> Exists:
    """Положение 3.8: the diary (and its notices) only for those who signed the consent."""
    return Exists(
        Consent.objects.filter(person_id=person, signed_on__lte=today).filter(
            Q(revoked_on__isnull=True) | Q(revoked_on__gt=today)
        )
    )


def diary_recipients(*, student_id: int, today: dt.date) -> list[int]:
    """Users told about the student's marks: the student and the parents who get the diary,
    each with an active account of the student's organization and an active consent. Two
    queries."""
    own = Student.objects.filter(
        pk=student_id,
        person__user__isnull=False,
        person__user__is_active=True,
        person__user__organization_id=F("person__organization_id"),
    ).filter(_active_consent(OuterRef("person_id"), today))
    college = F("student__person__organization_id")
    guardians = Guardianship.objects.filter(
        student_id=student_id,
        receives_diary=True,
        guardian__organization_id=college,
        guardian__user__isnull=False,
        guardian__user__is_active=True,
        guardian__user__organization_id=college,
    ).filter(_active_consent(OuterRef("guardian_id"), today))
    user_ids = [*own.values_list("person__user_id", flat=True)]
    user_ids += guardians.values_list("guardian__user_id", flat=True)
    return sorted({user_id for user_id in user_ids if user_id is not None})


def diary_url(*, student_id: int, day: dt.date) -> str:
    """The diary's week of that day for that student (a plain path until the diary exists)."""
    try:
        base = reverse("diary:week")
    except NoReverseMatch:
        base = "/diary/"
    return f"{base}?{urlencode({'student': student_id, 'week': day.isoformat()})}"


def _when(lesson: Lesson) -> dict[str, str]:
    """The discipline by its index and name («МДК.01.01 Разработка программных модулей»): the
    index alone means nothing to a parent."""
    item = lesson.workload.item
    return {"subject": f"{item.index} {item.name}".strip(), "date": lesson.date.strftime("%d.%m")}


def _pair(lesson: Lesson) -> list[str]:
    if lesson.pair_number is None:
        return []
    return [_("%(pair)s пара") % {"pair": lesson.pair_number}]


def _mark_notice(
    lesson: Lesson, student_id: int, mark_ids: list[int], corrected: bool
) -> tuple[str, str, list[str]] | None:
    marks = list(
        Mark.objects.filter(pk__in=mark_ids, lesson_id=lesson.pk, student_id=student_id)
        .select_related("work_kind")
        .order_by("slot")
    )
    if not marks:
        return None
    params = {**_when(lesson), "marks": "/".join(mark.get_value_display() for mark in marks)}
    if corrected:
        title = ngettext(
            "Исправлена отметка: %(marks)s по %(subject)s (%(date)s)",
            "Исправлены отметки: %(marks)s по %(subject)s (%(date)s)",
            len(marks),
        )
    else:
        title = ngettext(
            "Новая отметка %(marks)s по %(subject)s (%(date)s)",
            "Новые отметки %(marks)s по %(subject)s (%(date)s)",
            len(marks),
        )
    kinds = sorted({mark.work_kind.name for mark in marks})
    details = [*_pair(lesson), _("вид работы: %(kinds)s") % {"kinds": ", ".join(kinds)}]
    return Notification.Kind.MARK, title % params, details


def _attendance_notice(
    lesson: Lesson, student_id: int, code: str
) -> tuple[str, str, list[str]] | None:
    current = (
        Attendance.objects.filter(lesson_id=lesson.pk, student_id=student_id)
        .values_list("code", flat=True)
        .first()
    )
    if current is None or current != code:  # removed or changed again since: that save tells
        return None
    if code == AttendanceCode.LATE:
        title = _("Опоздание на занятие по %(subject)s (%(date)s)")
    elif code in ABSENCE_CODES:
        title = _("Пропуск занятия по %(subject)s (%(date)s)")
    else:
        return None
    label = AttendanceCode(code).label
    return Notification.Kind.ABSENCE, title % _when(lesson), [*_pair(lesson), f"{code} — {label}"]
