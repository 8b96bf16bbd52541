"""The teacher's journals and the journal grid, where marks and absences are typed."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from otmetka.academics.models import Workload
from otmetka.accounts.permissions import ActiveRole, right_required, role_of
from otmetka.journal.cells import cell_html
from otmetka.journal.forms.grid import CellForm, LessonCreateForm, UnlockRequestForm
from otmetka.journal.models import ABSENCE_CODES, Lesson, LessonType
from otmetka.journal.permissions import can_edit_journal, can_edit_lesson, journals_visible_to
from otmetka.journal.selectors import (
    GridCell,
    GridLesson,
    cell_current,
    cell_history,
    journal_grid,
    journal_period_for,
    journal_periods,
    plan_topics_with_use,
)
from otmetka.journal.services.marks import cell_save
from otmetka.lib.dates import local_today
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.lib.views import parse_id
from otmetka.people.models import Student

READ_RIGHTS = (
    "journal.view_own",
    "journal.view_own_group",
    "journal.view_all",
    "journal.edit_own",
    "journal.edit_all",
)
EDIT_RIGHTS = ("journal.edit_own", "journal.edit_all")


def journal_or_404(role: ActiveRole, workload_id: int) -> Workload:
    return get_object_or_404(
        journals_visible_to(role).select_related(
            "group__organization", "item", "subgroup", "teacher__person", "academic_year"
        ),
        pk=workload_id,
    )


def lessons_visible_to(role: ActiveRole) -> QuerySet[Lesson]:
    return Lesson.objects.filter(
        workload_id__in=journals_visible_to(role).values("pk")
    ).select_related(
        "workload__group__organization",
        "workload__item",
        "workload__subgroup",
        "workload__teacher__person",
        "teacher__person",
        "substitution",
        "room",
    )


def lesson_or_404(role: ActiveRole, lesson_id: int) -> Lesson:
    return get_object_or_404(lessons_visible_to(role), pk=lesson_id)


@right_required(*READ_RIGHTS)
def journal_list(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    today = local_today(role.organization.timezone)
    journals = (
        journals_visible_to(role)
        .filter(academic_year__date_from__lte=today, academic_year__date_to__gte=today)
        .select_related("group", "item", "subgroup", "teacher__person")
        .order_by("group__name", "item__position", "item__index", "subgroup__name")
    )
    return render(request, "journal/journal_list.html", {"journals": journals})


@right_required(*READ_RIGHTS)
def grid(request: HttpRequest, workload_id: int) -> HttpResponse:
    role = role_of(request)
    workload = journal_or_404(role, workload_id)
    workload.group.organization = role.organization
    today = local_today(role.organization.timezone)
    periods = journal_periods(workload)
    wanted = request.GET.get("period", "")
    period = journal_period_for(periods, today, parse_id(wanted))
    if period is None:
        raise Http404
    data = journal_grid(workload, period, today)
    can_edit = can_edit_journal(role, workload)
    compact = request.GET.get("view") == "compact"
    focus = _compact_lesson(data.lessons, request.GET.get("lesson", "")) if compact else None
    constants = _cell_constants()

    def html(cell: GridCell) -> str:
        return cell_html(cell, can_edit=can_edit, url_base=constants["cell_url_base"],
                         label=constants["mark_label"])

    for row in data.rows:
        cells = [c for c in row.cells if focus is None or c.lesson.id == focus.id]
        row.cells_html = mark_safe("".join(html(cell) for cell in cells))  # noqa: S308
    context = {
        "workload": workload,
        "grid": data,
        "periods": periods,
        "can_edit": can_edit,
        "compact": compact,
        "focus": focus,
        "is_teacher": role.employee_id is not None and role.employee_id == workload.teacher_id,
        "lesson_form": _new_lesson_form(workload, today) if can_edit else None,
        "request_form": UnlockRequestForm(),
    }
    return render(request, "journal/grid.html", context)


def _cell_constants() -> dict[str, str]:
    """What every cell repeats, computed once: a grid has thousands of cells, and a URL
    reversal or a translation per cell would cost more than the rest of the page."""
    base = reverse("journal:cell_save", kwargs={"lesson_id": 1, "student_id": 1})
    return {"cell_url_base": base.removesuffix("1/cells/1/"), "mark_label": _("Отметка")}


def _compact_lesson(lessons: list[GridLesson], wanted: str) -> GridLesson | None:
    wanted_id = parse_id(wanted)
    if wanted_id is not None:
        found = next((lesson for lesson in lessons if lesson.id == wanted_id), None)
        if found is not None:
            return found
    return lessons[-1] if lessons else None


def _new_lesson_form(workload: Workload, today: object) -> LessonCreateForm:
    """The «add a lesson» form, proposing the КТП's next unused topic (one query)."""
    topics = plan_topics_with_use(workload)
    topic = next((topic for topic in topics if not topic.used), None)  # type: ignore[attr-defined]
    initial: dict[str, object] = {"date": today, "hours": 2, "lesson_type": LessonType.THEORY}
    if topic is not None:
        initial.update(topic=topic.pk, lesson_type=topic.lesson_type, hours=topic.hours)
    return LessonCreateForm(workload=workload, topics=topics, initial=initial)


@require_POST
@right_required(*EDIT_RIGHTS)
def cell_save_view(request: HttpRequest, lesson_id: int, student_id: int) -> HttpResponse:
    role = role_of(request)
    lesson = lesson_or_404(role, lesson_id)
    student = get_object_or_404(
        Student.objects.select_related("person"),
        pk=student_id,
        person__organization_id=role.organization_id,
    )
    if not can_edit_lesson(role, lesson):
        raise PermissionDenied
    form = CellForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    error, saved, absent = "", False, False
    try:
        result = cell_save(
            actor=role,
            lesson=lesson,
            student=student,
            text=data.get("value") or "",
            work_kind_id=data.get("work_kind"),
            expected=request.POST.get("version"),
        )
        text, saved = result.text, True
        absent = result.attendance is not None and result.attendance.code in ABSENCE_CODES
    except NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from refusal
    except DomainError as refusal:
        error = refusal.message
        text, absent = cell_current(lesson.pk, student.pk)
    if not request.headers.get("HX-Request"):
        return redirect("journal:grid", workload_id=lesson.workload_id)
    cell = GridCell(
        lesson=GridLesson(
            lesson.pk,
            lesson.date,
            lesson.pair_number,
            lesson.hours,
            lesson.topic_text,
            lesson.lesson_type,
            locked=False,
        ),
        text=text,
        student_id=student.pk,
        absent=absent,
    )
    constants = _cell_constants()
    return HttpResponse(
        cell_html(
            cell,
            can_edit=True,
            url_base=constants["cell_url_base"],
            label=constants["mark_label"],
            error=error,
            saved=saved,
            typed=data.get("value") or "",
        )
    )


@right_required(*READ_RIGHTS)
def cell_history_view(request: HttpRequest, lesson_id: int, student_id: int) -> HttpResponse:
    role = role_of(request)
    lesson = lesson_or_404(role, lesson_id)
    student = get_object_or_404(
        Student.objects.select_related("person"),
        pk=student_id,
        person__organization_id=role.organization_id,
    )
    rows = cell_history(lesson.pk, student.pk)
    return render(
        request,
        "journal/lesson_cell_history.html",
        {"lesson": lesson, "student": student, "rows": rows},
    )
