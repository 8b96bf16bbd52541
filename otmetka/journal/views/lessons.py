"""A lesson's page: topic, homework and files, substitution, marks with kinds and comments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from otmetka.accounts.permissions import ActiveRole, right_required, role_of
from otmetka.journal.forms.grid import (
    AttachmentForm,
    LessonCreateForm,
    LessonEditForm,
    MarkEditForm,
    SubstitutionForm,
)
from otmetka.journal.models import HomeworkAttachment, Lesson, Mark
from otmetka.journal.permissions import (
    can_edit_journal,
    can_edit_lesson,
    get_journal_for_user_or_404,
    get_lesson_for_user_or_404,
    lessons_visible_to,
)
from otmetka.journal.selectors import lesson_marks
from otmetka.journal.services.lessons import (
    attachment_add,
    attachment_delete,
    can_set_substitution,
    lesson_create,
    lesson_delete,
    lesson_update,
    substitution_set,
)
from otmetka.journal.services.marks import mark_update
from otmetka.journal.views.grid import EDIT_RIGHTS, READ_RIGHTS
from otmetka.lib.downloads import file_download
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.lib.views import form_error
from otmetka.people.models import Student

SUBSTITUTION_RIGHTS = ("timetable.edit", "journal.edit_all")


def _lesson_url(lesson: Lesson) -> str:
    return reverse("journal:lesson_detail", kwargs={"lesson_id": lesson.pk})


@require_POST
@right_required(*EDIT_RIGHTS)
def lesson_create_view(request: HttpRequest, workload_id: int) -> HttpResponse:
    role = role_of(request)
    workload = get_journal_for_user_or_404(role, workload_id)
    if not can_edit_journal(role, workload):
        raise PermissionDenied
    form = LessonCreateForm(request.POST, workload=workload)
    if form.is_valid():
        try:
            lesson = lesson_create(actor=role, workload=workload, **form.cleaned_data)
        except NotAllowed as refusal:
            raise PermissionDenied(refusal.message) from refusal
        except DomainError as refusal:
            form_error(form, refusal)
        else:
            messages.success(request, _("Занятие добавлено."))
            return redirect(_lesson_url(lesson))
    return render(request, "journal/lesson_create.html", {"workload": workload, "form": form})


def _detail_context(role: ActiveRole, lesson: Lesson, **forms: Any) -> dict[str, Any]:
    workload = lesson.workload
    editable = can_edit_lesson(role, lesson)
    marks = lesson_marks(lesson)
    org_id = role.organization_id
    return {
        "lesson": lesson,
        "workload": workload,
        "editable": editable,
        "can_delete": can_edit_journal(role, workload),
        "form": forms.get("form")
        or LessonEditForm(
            workload=workload,
            initial={
                "pair_number": lesson.pair_number,
                "hours": lesson.hours,
                "lesson_type": lesson.lesson_type,
                "topic": lesson.topic_id,
                "topic_text": lesson.topic_text,
                "homework": lesson.homework,
            },
        ),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
        "attachments": list(lesson.attachments.order_by("uploaded_at", "id")),
        "substitution": getattr(lesson, "substitution", None),
        "substitution_form": (
            forms.get("substitution_form")
            or SubstitutionForm(
                organization_id=org_id,
                initial={"absent_teacher": workload.teacher_id},
            )
        )
        if can_set_substitution(role)
        else None,
        "marks": [
            (
                mark,
                MarkEditForm(
                    organization_id=org_id,
                    initial={
                        "slot": mark.slot,
                        "work_kind": mark.work_kind_id,
                        "comment": mark.comment,
                    },
                ),
            )
            for mark in marks
        ],
    }


@right_required(*READ_RIGHTS)
def lesson_detail(request: HttpRequest, lesson_id: int) -> HttpResponse:
    role = role_of(request)
    lesson = get_lesson_for_user_or_404(role, lesson_id)
    form = None
    if request.method == "POST":
        if not can_edit_lesson(role, lesson):
            raise PermissionDenied
        form = LessonEditForm(request.POST, workload=lesson.workload)
        if form.is_valid():
            try:
                lesson_update(actor=role, lesson=lesson, **form.cleaned_data)
            except DomainError as refusal:
                form_error(form, refusal)
            else:
                messages.success(request, _("Занятие сохранено."))
                return redirect(_lesson_url(lesson))
    return render(request, "journal/lesson_detail.html", _detail_context(role, lesson, form=form))


@require_POST
@right_required(*EDIT_RIGHTS)
def lesson_delete_view(request: HttpRequest, lesson_id: int) -> HttpResponse:
    role = role_of(request)
    lesson = get_lesson_for_user_or_404(role, lesson_id)
    if not can_edit_journal(role, lesson.workload):
        raise PermissionDenied
    try:
        lesson_delete(actor=role, lesson=lesson)
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return redirect(_lesson_url(lesson))
    messages.success(request, _("Занятие удалено."))
    return redirect("journal:grid", workload_id=lesson.workload_id)


@require_POST
@right_required(*EDIT_RIGHTS)
def attachment_upload(request: HttpRequest, lesson_id: int) -> HttpResponse:
    role = role_of(request)
    lesson = get_lesson_for_user_or_404(role, lesson_id)
    if not can_edit_lesson(role, lesson):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment_add(actor=role, lesson=lesson, uploaded_file=form.cleaned_data["file"])
        except DomainError as refusal:
            form_error(form, refusal)
        else:
            messages.success(request, _("Файл приложен."))
            return redirect(_lesson_url(lesson))
    context = _detail_context(role, lesson, attachment_form=form)
    return render(request, "journal/lesson_detail.html", context, status=400)


def _attachment_or_404(role: ActiveRole, attachment_id: int) -> HomeworkAttachment:
    return get_object_or_404(
        HomeworkAttachment.objects.filter(
            lesson__in=lessons_visible_to(role).values("pk")
        ).select_related("lesson__workload__group__organization", "lesson__substitution"),
        pk=attachment_id,
    )


@require_POST
@right_required(*EDIT_RIGHTS)
def attachment_delete_view(request: HttpRequest, attachment_id: int) -> HttpResponse:
    role = role_of(request)
    attachment = _attachment_or_404(role, attachment_id)
    lesson = attachment.lesson
    if not can_edit_lesson(role, lesson):
        raise PermissionDenied
    try:
        attachment_delete(actor=role, attachment=attachment)
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Файл удалён."))
    return redirect(_lesson_url(lesson))


@right_required(*READ_RIGHTS)
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    role = role_of(request)
    attachment = _attachment_or_404(role, attachment_id)
    return file_download(
        attachment.file, name=attachment.original_name, content_type=attachment.content_type
    )


@require_POST
@right_required(*EDIT_RIGHTS)
def mark_edit(request: HttpRequest, lesson_id: int, student_id: int) -> HttpResponse:
    role = role_of(request)
    lesson = get_lesson_for_user_or_404(role, lesson_id)
    student = get_object_or_404(
        Student, pk=student_id, person__organization_id=role.organization_id
    )
    if not can_edit_lesson(role, lesson):
        raise PermissionDenied
    form = MarkEditForm(request.POST, organization_id=role.organization_id)
    if not form.is_valid():
        messages.error(request, _("Проверьте вид работы и комментарий."))
        return redirect(_lesson_url(lesson))
    mark = get_object_or_404(
        Mark.objects.select_related("lesson__workload__group", "lesson__substitution"),
        lesson_id=lesson.pk,
        student_id=student.pk,
        slot=form.cleaned_data["slot"],
    )
    mark.lesson = lesson
    try:
        mark_update(
            actor=role,
            mark=mark,
            work_kind_id=form.cleaned_data["work_kind"].pk,
            comment=form.cleaned_data["comment"],
        )
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Отметка сохранена."))
    return redirect(_lesson_url(lesson))


@require_POST
@right_required(*SUBSTITUTION_RIGHTS)
def substitution_view(request: HttpRequest, lesson_id: int) -> HttpResponse:
    role = role_of(request)
    lesson = get_object_or_404(
        Lesson.objects.select_related("workload__group__organization", "workload__teacher__person"),
        pk=lesson_id,
        workload__group__organization_id=role.organization_id,
    )
    form = SubstitutionForm(request.POST, organization_id=role.organization_id)
    if form.is_valid():
        try:
            substitution_set(actor=role, lesson=lesson, **form.cleaned_data)
        except DomainError as refusal:
            form_error(form, refusal)
        else:
            messages.success(request, _("Замещение оформлено."))
            return redirect(_lesson_url(lesson))
    errors = "; ".join(str(error) for errors in form.errors.values() for error in errors)
    messages.error(request, errors)
    return redirect(_lesson_url(lesson))
