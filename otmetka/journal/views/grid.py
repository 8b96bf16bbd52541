"""The journals list (a teacher's own; all of them, filtered and in pages, for those who read
every journal) and the journal grid, where marks and absences are typed."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
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
from otmetka.journal.forms.journals import JournalFilterForm
from otmetka.journal.models import (
    ABSENCE_CODES,
    NUMERIC_MARKS,
    AttendanceCode,
    LessonType,
    MarkValue,
)
from otmetka.journal.permissions import (
    can_edit_journal,
    can_edit_lesson,
    get_lesson_for_user_or_404,
    grid_journal_for_user_or_404,
    journals_visible_to,
    substituted_lessons,
)
from otmetka.journal.selectors import (
    Grid,
    GridCell,
    GridLesson,
    cell_current,
    cell_history,
    code_text,
    journal_grid,
    journal_period_for,
    journal_periods,
    plan_topics_with_use,
)
from otmetka.journal.services.marks import cell_save
from otmetka.lib.dates import local_today
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.lib.views import paginate, parse_id, query_without_page
from otmetka.people.models import Student

READ_RIGHTS = (
    "journal.view_own",
    "journal.view_own_group",
    "journal.view_all",
    "journal.edit_own",
    "journal.edit_all",
)
EDIT_RIGHTS = ("journal.edit_own", "journal.edit_all")
SUBSTITUTED_SHOWN = 100  # the latest substituted lessons listed under the teacher's journals


@right_required(*READ_RIGHTS)
def journal_list(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    today = local_today(role.organization.timezone)
    if role.has("journal.view_all"):
        return _all_journals(request, role, today)
    journals = (
        journals_visible_to(role)
        .filter(academic_year__date_from__lte=today, academic_year__date_to__gte=today)
        .select_related("group", "item", "subgroup", "teacher__person")
        .order_by("group__name", "item__position", "item__index", "subgroup__name")
    )
    substituted = (
        substituted_lessons(role)
        .filter(
            workload__academic_year__date_from__lte=today,
            workload__academic_year__date_to__gte=today,
        )
        .select_related("workload__group", "workload__item", "workload__subgroup",
                        "substitution__absent_teacher__person")
        .order_by("-date", "-pair_number")[: SUBSTITUTED_SHOWN + 1]
    )
    # The latest ones only; the page says so when there are more (each is in its journal).
    shown = list(substituted)
    return render(request, "journal/journal_list.html", {
        "journals": journals, "substituted": shown[:SUBSTITUTED_SHOWN],
        "substituted_cut": len(shown) > SUBSTITUTED_SHOWN,
    })


def _all_journals(request: HttpRequest, role: ActiveRole, today: dt.date) -> HttpResponse:
    """The journals of the college (of a head's department), filtered as the address says and
    a page at a time: the current academic year when the address names none."""
    form = JournalFilterForm(request.GET, organization_id=role.organization_id, today=today)
    journals = (
        form.apply(journals_visible_to(role))
        .select_related("group", "item", "subgroup", "teacher__person")
        .order_by("group__name", "item__position", "item__index", "subgroup__name", "pk")
    )
    return render(request, "journal/journal_list.html", {
        "all_journals": True, "form": form, "page": paginate(request, journals),
        "query": query_without_page(request),
    })


@right_required(*READ_RIGHTS)
def grid(request: HttpRequest, workload_id: int) -> HttpResponse:
    role = role_of(request)
    # `only`: a substitute sees just the lessons of this journal they substitute.
    workload, only = grid_journal_for_user_or_404(role, workload_id)
    workload.group.organization = role.organization
    today = local_today(role.organization.timezone)
    periods = journal_periods(workload)
    wanted = request.GET.get("period", "")
    period = journal_period_for(periods, today, parse_id(wanted))
    if period is None:
        raise Http404
    data = journal_grid(workload, period, today, only=only)
    can_edit = can_edit_journal(role, workload) if only is None else role.has("journal.edit_own")
    compact = request.GET.get("view") == "compact"
    current = _current_lesson(data)
    wanted_lesson = request.GET.get("lesson", "")
    focus = _compact_lesson(data.lessons, wanted_lesson, current) if compact else None
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
        "current": current,
        "legend": _legend(),
        "is_teacher": role.employee_id is not None and role.employee_id == workload.teacher_id,
        "substitute": only is not None,
        "lesson_form": _new_lesson_form(workload, today) if can_edit and only is None else None,
        "request_form": UnlockRequestForm(),
    }
    return render(request, "journal/grid.html", context)


def _cell_constants() -> dict[str, str]:
    """What every cell repeats, computed once: a grid has thousands of cells, and a URL
    reversal or a translation per cell would cost more than the rest of the page."""
    base = reverse("journal:cell_save", kwargs={"lesson_id": 1, "student_id": 1})
    return {"cell_url_base": base.removesuffix("1/cells/1/"), "mark_label": _("Отметка")}


def _compact_lesson(
    lessons: list[GridLesson], wanted: str, current: GridLesson | None
) -> GridLesson | None:
    wanted_id = parse_id(wanted)
    if wanted_id is not None:
        found = next((lesson for lesson in lessons if lesson.id == wanted_id), None)
        if found is not None:
            return found
    return current


def _current_lesson(grid: Grid) -> GridLesson | None:
    """The lesson the teacher is most likely marking: the grid opens scrolled to it, and the
    compact view shows it.

    Today's first lesson with nothing entered yet (of two pairs today, the first until it has
    entries), else the latest lesson on or before today, else the semester's first.
    """
    past = [lesson for lesson in grid.lessons if lesson.date <= grid.today]
    todays = [lesson for lesson in past if lesson.date == grid.today]
    if len(todays) > 1:
        filled = {
            cell.lesson.id
            for row in grid.rows
            for cell in row.cells
            if cell.text and cell.lesson.date == grid.today
        }
        blank = next((lesson for lesson in todays if lesson.id not in filled), None)
        if blank is not None:
            return blank
    if past:
        return past[-1]
    return grid.lessons[0] if grid.lessons else None


def _legend() -> list[tuple[str, str]]:
    """The codes a cell can show, as the cell shows them, with what each means."""
    codes = [(code_text(code), str(label)) for code, label in AttendanceCode.choices]
    marks = [(value, str(label)) for value, label in MarkValue.choices]
    return codes + [(value, label) for value, label in marks if value not in NUMERIC_MARKS]


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
    lesson = get_lesson_for_user_or_404(role, lesson_id)
    student = get_object_or_404(
        Student.objects.select_related("person"),
        pk=student_id,
        person__organization_id=role.organization_id,
    )
    if not can_edit_lesson(role, lesson):
        raise PermissionDenied
    form = CellForm(request.POST)
    # What was typed goes back into the cell on a refusal, so that nothing typed is lost.
    typed = request.POST.get("value", "").replace("\x00", "")[:200]
    error, saved, absent = "", False, False
    if form.is_valid():
        try:
            result = cell_save(
                actor=role,
                lesson=lesson,
                student=student,
                text=form.cleaned_data["value"],
                work_kind_id=form.cleaned_data["work_kind"],
                expected=form.cleaned_data["version"] if "version" in request.POST else None,
            )
            text, saved = result.text, True
            absent = result.attendance is not None and result.attendance.code in ABSENCE_CODES
        except NotAllowed as refusal:
            raise PermissionDenied(refusal.message) from refusal
        except DomainError as refusal:
            error = refusal.message
    else:
        error = " ".join(str(message) for messages in form.errors.values() for message in messages)
    if error:
        text, absent = cell_current(lesson.pk, student.pk)
    if not request.headers.get("HX-Request"):
        if error:
            messages.error(request, error)
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
            typed=typed,
        )
    )


@right_required(*READ_RIGHTS)
def cell_history_view(request: HttpRequest, lesson_id: int, student_id: int) -> HttpResponse:
    role = role_of(request)
    lesson = get_lesson_for_user_or_404(role, lesson_id)
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
