"""Pages of the КТП: the plan with its topics, import and export, copying from another plan."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from otmetka.academics.models import Workload
from otmetka.accounts.permissions import ActiveRole, right_required, role_of
from otmetka.journal import selectors
from otmetka.journal.forms.plans import (
    PlanCopyForm,
    PlanImportForm,
    PlanImportSaveForm,
    TopicAddForm,
    TopicForm,
    TopicMoveForm,
)
from otmetka.journal.models import PlannedTopic, ThematicPlan
from otmetka.journal.permissions import get_journal_for_user_or_404, journals_visible_to
from otmetka.journal.services import plans as services
from otmetka.lib.downloads import content_download
from otmetka.lib.errors import DomainError
from otmetka.lib.views import form_error

READ = ("journal.view_own", "journal.view_own_group", "journal.view_all", "journal.edit_own",
        "journal.edit_all")
EDIT = ("journal.edit_own", "journal.edit_all")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_SESSION_KEY = "journal_plan_import"


def _editable_journal(role: ActiveRole, workload_id: int) -> Workload:
    """The journal (404 outside the actor's scope), 403 for one the actor may only read."""
    workload = get_journal_for_user_or_404(role, workload_id)
    if not services.can_edit_plan(role, workload):
        raise PermissionDenied
    return workload


def _editable_topic(role: ActiveRole, topic_id: int) -> PlannedTopic:
    topic = get_object_or_404(
        PlannedTopic.objects.select_related("plan__workload__group", "plan__workload__item"),
        pk=topic_id,
        plan__workload__in=journals_visible_to(role).values("pk"),
    )
    if not services.can_edit_plan(role, topic.plan.workload):
        raise PermissionDenied
    return topic


def _submit(request: HttpRequest, form: Form, action: Callable[..., Any]) -> Any | None:
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return action(**form.cleaned_data)
    except DomainError as error:
        form_error(form, error)
        return None


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    return content_download(content, name=filename, content_type=content_type)


@right_required(*READ)
def plan(request: HttpRequest, workload_id: int) -> HttpResponse:
    role = role_of(request)
    workload = get_journal_for_user_or_404(role, workload_id)
    can_edit = services.can_edit_plan(role, workload)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = TopicAddForm(request.POST or None)
    if _submit(request, form, lambda **data: services.topic_add(
            actor=role, plan=services.plan_get_or_create(actor=role, workload=workload), **data)):
        messages.success(request, _("Тема добавлена."))
        return redirect("journal:plan", workload_id=workload.pk)
    thematic_plan = ThematicPlan.objects.filter(workload_id=workload.pk).first()
    topics = selectors.plan_with_usage(thematic_plan) if thematic_plan else []
    return render(request, "journal/plan.html", {
        "workload": workload, "plan": thematic_plan, "topics": topics, "form": form,
        "can_edit": can_edit, "hours_planned": workload.hours_total,
        "hours_in_plan": sum(usage.topic.hours for usage in topics),
    })


@right_required(*EDIT)
def topic_edit(request: HttpRequest, topic_id: int) -> HttpResponse:
    role = role_of(request)
    topic = _editable_topic(role, topic_id)
    form = TopicForm(request.POST or None, initial=TopicForm.initial_for(topic))
    if _submit(request, form, lambda **data: services.topic_update(actor=role, topic=topic,
                                                                   **data)):
        messages.success(request, _("Тема сохранена."))
        return redirect("journal:plan", workload_id=topic.plan.workload_id)
    return render(request, "journal/plan_topic_form.html",
                  {"form": form, "topic": topic, "workload": topic.plan.workload})


@require_POST
@right_required(*EDIT)
def topic_delete(request: HttpRequest, topic_id: int) -> HttpResponse:
    role = role_of(request)
    topic = _editable_topic(role, topic_id)
    try:
        services.topic_delete(actor=role, topic=topic)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Тема «%(title)s» удалена.") % {"title": topic.title})
    return redirect("journal:plan", workload_id=topic.plan.workload_id)


@require_POST
@right_required(*EDIT)
def topic_move(request: HttpRequest, topic_id: int) -> HttpResponse:
    role = role_of(request)
    topic = _editable_topic(role, topic_id)
    form = TopicMoveForm(request.POST)
    if form.is_valid():
        step = -1 if form.cleaned_data["direction"] == "up" else 1
        services.topic_move(actor=role, topic=topic, position=topic.position + step)
    return redirect("journal:plan", workload_id=topic.plan.workload_id)


@right_required(*EDIT)
def plan_copy(request: HttpRequest, workload_id: int) -> HttpResponse:
    role = role_of(request)
    workload = _editable_journal(role, workload_id)
    sources = selectors.plan_copy_sources(role, workload)
    form = PlanCopyForm(request.POST or None, sources=sources)

    def copy(source: int, replace: bool) -> int:
        target = services.plan_get_or_create(actor=role, workload=workload)
        chosen = next(plan for plan in sources if plan.pk == source)
        return services.plan_copy(actor=role, target=target, source=chosen, replace=replace)

    copied = _submit(request, form, copy)
    if copied:
        messages.success(request, _("Скопировано тем: %(count)s.") % {"count": copied})
        return redirect("journal:plan", workload_id=workload.pk)
    return render(request, "journal/plan_copy.html",
                  {"workload": workload, "form": form, "sources": sources})


def _import_preview(request: HttpRequest, workload: Workload, form: PlanImportForm,
                    ) -> dict[str, Any]:
    """Read the upload and keep its rows in the session under a fresh token; nothing is saved."""
    upload = form.cleaned_data["file"]
    rows = services.plan_rows_from_file(upload.name or "", upload)
    checked = [(row, services.plan_rows_check([row])[1]) for row in rows]
    _values, errors = services.plan_rows_check(rows)
    token = secrets.token_urlsafe(16)
    request.session[IMPORT_SESSION_KEY] = {
        "token": token, "workload_id": workload.pk, "replace": form.cleaned_data["replace"],
        "rows": [row.as_dict() for row in rows],
    }
    summary = ngettext(
        "Файл без ошибок: %(count)s тема.", "Файл без ошибок: %(count)s тем.", len(rows)
    ) % {"count": len(rows)}
    return {"rows": checked, "errors": errors, "replace": form.cleaned_data["replace"],
            "summary": summary,
            "save_form": PlanImportSaveForm(initial={"token": token})}


def _import_save(request: HttpRequest, role: ActiveRole, workload: Workload) -> int | None:
    pending = request.session.get(IMPORT_SESSION_KEY) or {}
    form = PlanImportSaveForm(request.POST)
    if (not form.is_valid() or pending.get("token") != form.cleaned_data["token"]
            or pending.get("workload_id") != workload.pk):
        messages.error(request, _("Загрузка устарела; выберите файл ещё раз."))
        return None
    rows = [services.PlanRow(**row) for row in pending["rows"]]
    target = services.plan_get_or_create(actor=role, workload=workload)
    try:
        count = services.plan_import(actor=role, plan=target, rows=rows,
                                     replace=pending["replace"])
    except DomainError as error:
        messages.error(request, error.message)
        return None
    request.session.pop(IMPORT_SESSION_KEY, None)
    return count


@right_required(*EDIT)
def plan_import(request: HttpRequest, workload_id: int) -> HttpResponse:
    role = role_of(request)
    workload = _editable_journal(role, workload_id)
    if request.method == "POST" and "token" in request.POST:
        if _import_save(request, role, workload) is not None:
            messages.success(request, _("План загружен."))
            return redirect("journal:plan", workload_id=workload.pk)
        return redirect("journal:plan_import", workload_id=workload.pk)
    form = PlanImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"workload": workload, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            context.update(_import_preview(request, workload, form))
        except DomainError as error:
            form_error(form, error)
    return render(request, "journal/plan_import.html", context)


@right_required(*READ)
def plan_export(request: HttpRequest, workload_id: int) -> HttpResponse:
    workload = get_journal_for_user_or_404(role_of(request), workload_id)
    thematic_plan = ThematicPlan.objects.filter(workload_id=workload.pk).first()
    filename = _("КТП %(group)s %(item)s.xlsx") % {"group": workload.group.name,
                                                   "item": workload.item.index}
    return _download(services.plan_export_xlsx(thematic_plan), filename, XLSX)


@right_required(*EDIT)
def plan_template(request: HttpRequest) -> HttpResponse:
    if request.GET.get("format") == "csv":
        return _download(services.plan_template_csv(), _("Шаблон КТП.csv"),
                         "text/csv; charset=utf-8")
    return _download(services.plan_template_xlsx(), _("Шаблон КТП.xlsx"), XLSX)
