"""The electronic diary: week, marks, attendance; the staff's read-only view of a student's
diary (audited); homework files; letters to parents without the diary."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse

from otmetka.accounts.permissions import ActiveRole, right_required, role_of
from otmetka.accounts.throttle import client_address
from otmetka.audit.models import AuditEvent
from otmetka.audit.services import audit_record
from otmetka.diary import selectors
from otmetka.diary.charts import attendance_chart, averages_chart
from otmetka.diary.forms import LetterPeriodForm, LettersForm
from otmetka.diary.letters import letters_filename, letters_pdf
from otmetka.diary.permissions import (
    LETTER_RIGHTS,
    OWN_RIGHTS,
    STAFF_RIGHTS,
    diary_attachment_or_404,
    get_letter_group_or_404,
    letter_groups,
    own_diary_role,
    own_diary_students,
    staff_diary_students,
)
from otmetka.diary.rendering import day_heading, day_lessons_html
from otmetka.diary.selectors import DiaryStudent
from otmetka.journal.models import HomeworkAttachment
from otmetka.lib.dates import local_today
from otmetka.lib.downloads import file_download, pdf_download
from otmetka.lib.views import requested_week
from otmetka.messaging.selectors import announcements_for
from otmetka.org.models import Period
from otmetka.people.models import Student

CHILD_SESSION_KEY = "otmetka_diary_student"
PAGES = ("week", "marks", "attendance")


@dataclass
class Viewer:
    """Whose diary is shown to whom: the student, the children to switch between, and whether
    the viewer's consent lets them see it (staff read without one, every view audited)."""

    role: ActiveRole
    today: dt.date
    students: list[DiaryStudent]
    student: DiaryStudent | None
    staff: bool = False

    @property
    def consent(self) -> bool:
        return self.staff or bool(self.students and self.students[0].viewer_consent)

    def url(self, page: str) -> str:
        if self.staff and self.student is not None:
            return reverse(f"diary:student_{page}", kwargs={"student_id": self.student.pk})
        return reverse(f"diary:{page}")

    def file_url(self, attachment_id: int) -> str:
        if self.staff and self.student is not None:
            return reverse(
                "diary:student_attachment",
                kwargs={"student_id": self.student.pk, "attachment_id": attachment_id},
            )
        return reverse("diary:attachment", kwargs={"attachment_id": attachment_id})

    @property
    def child_query(self) -> str:
        """`&student=N` for a parent who switches between children, else ""."""
        if self.staff or self.student is None or len(self.students) < 2:
            return ""
        return f"&student={self.student.pk}"

    def context(self, page: str) -> dict[str, Any]:
        return {
            "viewer": self,
            "page": page,
            "tabs": [(name, self.url(name)) for name in PAGES],
            "today": self.today,
        }


def own_viewer(request: HttpRequest) -> Viewer:
    """The student, or the parent's child chosen by ?student= (remembered in the session)."""
    role = role_of(request)
    today = local_today(role.organization.timezone)
    parent = own_diary_role(role)
    students: list[DiaryStudent] = []
    if parent is not None and role.person is not None:
        students = selectors.own_students(
            organization_id=role.organization_id,
            person_id=role.person.pk,
            today=today,
            parent=parent,
        )
    wanted = request.GET.get("student", "")
    if wanted:
        student = next((s for s in students if str(s.pk) == wanted), None)
        if student is None:
            raise Http404
        if len(students) > 1 and request.session.get(CHILD_SESSION_KEY) != student.pk:
            request.session[CHILD_SESSION_KEY] = student.pk
    else:
        remembered = request.session.get(CHILD_SESSION_KEY)
        student = next((s for s in students if s.pk == remembered), None)
        student = student or (students[0] if students else None)
    return Viewer(role=role, today=today, students=students, student=student)


def staff_viewer(request: HttpRequest, student_id: int, page: str) -> Viewer:
    """A student of the actor's scope (else 404); the view is logged (152-ФЗ)."""
    role = role_of(request)
    today = local_today(role.organization.timezone)
    students = selectors.diary_students(
        staff_diary_students(role).filter(pk=student_id), today=today
    )
    if not students:
        raise Http404
    student = students[0]
    audit_record(
        actor=role.user,
        action=AuditEvent.Action.VIEW,
        organization_id=role.organization_id,
        object_type=Student._meta.label_lower,
        object_id=str(student.pk),
        object_repr=student.full_name,
        changes={"page": page},
        address=client_address(request),
    )
    return Viewer(role=role, today=today, students=students, student=student, staff=True)


def _gate(request: HttpRequest, viewer: Viewer) -> HttpResponse | None:
    """Without a student, or without the viewer's consent, the page is only an explanation."""
    if viewer.student is None:
        return render(request, "diary/no_students.html", viewer.context(""))
    if not viewer.consent:
        curators = selectors.group_curators(selectors.group_ids_of(viewer.students))
        rows = [(student, curators.get(student.group_id or 0, [])) for student in viewer.students]
        return render(request, "diary/no_consent.html", {**viewer.context(""), "rows": rows})
    return None


def _week(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    if (gate := _gate(request, viewer)) is not None:
        return gate
    assert viewer.student is not None
    role = viewer.role
    week = selectors.diary_week(
        organization_id=role.organization_id,
        student_id=viewer.student.pk,
        monday=requested_week(request, viewer.today),
        today=viewer.today,
    )
    for day in week.days:
        for item in day.lessons:
            for file in item.files:
                file.url = viewer.file_url(file.id)
    announcements = []
    if not viewer.staff:
        announcements = announcements_for(
            organization_id=role.organization_id,
            role=role.role,
            group_ids=selectors.group_ids_of(viewer.students),
            today=viewer.today,
        )
    days = [
        (day, day_heading(day.date), day_lessons_html(day.lessons) if day.lessons else "")
        for day in week.days
    ]
    context = {
        **viewer.context("week"),
        "week": week,
        "days": days,
        "announcements": announcements,
    }
    return render(request, "diary/week.html", context)


def _semester(request: HttpRequest, viewer: Viewer) -> tuple[list[Period], Period | None]:
    assert viewer.student is not None
    semesters = selectors.student_semesters(
        organization_id=viewer.role.organization_id,
        student_id=viewer.student.pk,
        today=viewer.today,
    )
    period = selectors.choose_semester(semesters, request.GET.get("period", ""), viewer.today)
    if period is None and request.GET.get("period"):
        raise Http404
    return semesters, period


def _marks(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    if (gate := _gate(request, viewer)) is not None:
        return gate
    assert viewer.student is not None
    semesters, period = _semester(request, viewer)
    subjects = (
        selectors.semester_results(
            organization_id=viewer.role.organization_id,
            student_id=viewer.student.pk,
            period=period,
        )
        if period is not None
        else []
    )
    context = {
        **viewer.context("marks"),
        "semesters": semesters,
        "period": period,
        "subjects": subjects,
        "chart": averages_chart(subjects),
    }
    return render(request, "diary/marks.html", context)


def _attendance(request: HttpRequest, viewer: Viewer) -> HttpResponse:
    if (gate := _gate(request, viewer)) is not None:
        return gate
    assert viewer.student is not None
    semesters, period = _semester(request, viewer)
    summary = selectors.AttendanceSummary()
    if period is not None:
        summary = selectors.attendance_by_student(
            organization_id=viewer.role.organization_id,
            student_ids=[viewer.student.pk],
            date_from=period.date_from,
            date_to=period.date_to,
            months_to=min(period.date_to, max(viewer.today, period.date_from)),
        )[viewer.student.pk]
    context = {
        **viewer.context("attendance"),
        "semesters": semesters,
        "period": period,
        "summary": summary,
        "chart": attendance_chart(summary.months),
    }
    return render(request, "diary/attendance.html", context)


def _file(attachment: HomeworkAttachment) -> FileResponse:
    return file_download(
        attachment.file, name=attachment.original_name, content_type=attachment.content_type
    )


# --- the student's and the parent's own diary ------------------------------------------------


@right_required(*OWN_RIGHTS)
def week(request: HttpRequest) -> HttpResponse:
    return _week(request, own_viewer(request))


@right_required(*OWN_RIGHTS)
def marks(request: HttpRequest) -> HttpResponse:
    return _marks(request, own_viewer(request))


@right_required(*OWN_RIGHTS)
def attendance(request: HttpRequest) -> HttpResponse:
    return _attendance(request, own_viewer(request))


@right_required(*OWN_RIGHTS)
def attachment(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    found = diary_attachment_or_404(own_diary_students(role_of(request)), attachment_id)
    if (gate := _gate(request, own_viewer(request))) is not None:
        return gate
    return _file(found)


# --- staff: a student's diary, read-only and audited -----------------------------------------


@right_required(*STAFF_RIGHTS)
def student_week(request: HttpRequest, student_id: int) -> HttpResponse:
    return _week(request, staff_viewer(request, student_id, "diary_week"))


@right_required(*STAFF_RIGHTS)
def student_marks(request: HttpRequest, student_id: int) -> HttpResponse:
    return _marks(request, staff_viewer(request, student_id, "diary_marks"))


@right_required(*STAFF_RIGHTS)
def student_attendance(request: HttpRequest, student_id: int) -> HttpResponse:
    return _attendance(request, staff_viewer(request, student_id, "diary_attendance"))


@right_required(*STAFF_RIGHTS)
def student_attachment(
    request: HttpRequest, student_id: int, attachment_id: int
) -> HttpResponseBase:
    role = role_of(request)
    students = staff_diary_students(role).filter(pk=student_id)
    found = diary_attachment_or_404(students, attachment_id)
    staff_viewer(request, student_id, "diary_attachment")
    return _file(found)


# --- letters to parents without the diary (Положение 4.5) --------------------------------------


@right_required(*LETTER_RIGHTS)
def letters(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    today = local_today(role.organization.timezone)
    form = LettersForm(
        request.GET if "group" in request.GET else None,
        groups=letter_groups(role),
        today=today,
    )
    roll: list[Student] = []
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        roll = selectors.letter_roll(data["group"], data["date_from"], data["date_to"], today=today)
    context = {"form": form, "roll": roll, "query": request.GET.urlencode()}
    return render(request, "diary/letters.html", context, status=400 if form.errors else 200)


def _letters_response(
    request: HttpRequest, role: ActiveRole, group_id: int, student_id: int | None
) -> HttpResponse:
    today = local_today(role.organization.timezone)
    form = LetterPeriodForm(request.GET, today=today)
    if not form.is_valid():
        context = {"form": form, "roll": [], "query": ""}
        return render(request, "diary/letters.html", context, status=400)
    period = form.cleaned_data
    group = get_letter_group_or_404(role, group_id)
    data = selectors.group_letters(
        group=group,
        date_from=period["date_from"],
        date_to=period["date_to"],
        today=today,
        student_id=student_id,
        only_offline=period["only_offline"] and student_id is None,
    )
    if student_id is not None and not data.letters:
        raise Http404
    audit_record(
        actor=role.user,
        action=AuditEvent.Action.VIEW,
        organization_id=role.organization_id,
        obj=group,
        changes={
            "page": "parent_letters",
            "students": [letter.student.pk for letter in data.letters],
            "date_from": period["date_from"].isoformat(),
            "date_to": period["date_to"].isoformat(),
        },
        address=client_address(request),
    )
    pdf = letters_pdf(data, organization=role.organization, printed_on=today)
    return pdf_download(pdf, name=letters_filename(data), inline=False)


@right_required(*LETTER_RIGHTS)
def letters_pdf_view(request: HttpRequest, group_id: int) -> HttpResponse:
    return _letters_response(request, role_of(request), group_id, None)


@right_required(*LETTER_RIGHTS)
def letter_pdf_view(request: HttpRequest, group_id: int, student_id: int) -> HttpResponse:
    return _letters_response(request, role_of(request), group_id, student_id)
