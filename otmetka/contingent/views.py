"""Pages of the contingent imports and exports: templates, upload, preview, commit, XLSX."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from otmetka.academics.models import Membership
from otmetka.academics.permissions import groups_visible_to
from otmetka.accounts.permissions import ActiveRole, right_required, role_of
from otmetka.audit.models import AuditEvent
from otmetka.audit.services import audit_record
from otmetka.contingent import exports, imports
from otmetka.contingent.documents import STUDENTS_EXPORT
from otmetka.contingent.forms import ImportForm
from otmetka.contingent.stash import stash_put, stash_take
from otmetka.documents.permissions import documents_visible_to
from otmetka.documents.services import document_request
from otmetka.lib.dates import local_today
from otmetka.lib.downloads import xlsx_download
from otmetka.lib.errors import DomainError
from otmetka.people.models import Employee
from otmetka.people.permissions import students_visible_to

STUDENTS, STAFF = imports.STUDENTS_RIGHT, imports.STAFF_RIGHT
PREVIEW_ROWS = 300  # rows listed on the preview page besides those with errors
RECENT_DOCUMENTS = 5  # the user's latest exports listed on the page («Все мои документы»)


@dataclass(frozen=True)
class Kind:
    code: str
    title: object
    check: Callable[..., imports.ImportCheck]
    run: Callable[..., imports.ImportResult]


KINDS = {
    "students": Kind(
        "students",
        gettext_lazy("Загрузка обучающихся с родителями"),
        imports.students_check,
        imports.students_import,
    ),
    "staff": Kind(
        "staff", gettext_lazy("Загрузка сотрудников"), imports.staff_check, imports.staff_import
    ),
}


def _xlsx(content: bytes, name: str) -> HttpResponse:
    return xlsx_download(content, name=name)


def _audit_export(role: ActiveRole, what: str) -> None:
    # Personal data leaving the system is a view of it (152-ФЗ).
    audit_record(
        actor=role.user,
        action=AuditEvent.Action.VIEW,
        organization_id=role.organization_id,
        object_type="contingent.export",
        object_repr=what,
    )


@right_required(STUDENTS, STAFF)
def index(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    groups = groups_visible_to(role).filter(is_active=True).order_by("name")
    recent = documents_visible_to(role).filter(kind=STUDENTS_EXPORT)
    return render(
        request,
        "contingent/index.html",
        {
            "can_students": role.has(STUDENTS),
            "can_staff": role.has(STAFF),
            "groups": groups if role.has(STUDENTS) else [],
            "documents": recent.order_by("-created_at", "-pk")[:RECENT_DOCUMENTS],
        },
    )


def _preview(
    request: HttpRequest, kind: Kind, check: imports.ImportCheck, token: str = ""
) -> HttpResponse:
    errors = [row for row in check.rows if row.errors]
    others = [row for row in check.rows if not row.errors]
    return render(
        request,
        "contingent/preview.html",
        {
            "kind": kind,
            "check": check,
            "token": token,
            "error_rows": errors,
            "rows": others[:PREVIEW_ROWS],
            "hidden": max(0, len(others) - PREVIEW_ROWS),
        },
    )


def _upload(request: HttpRequest, kind: Kind) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name, content = upload.name or "import", upload.read()
        try:
            check = kind.check(actor=role_of(request), name=name, content=content)
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            token = ""
            if check.ok and check.new_count:
                token = stash_put(request.session, kind=kind.code, name=name, content=content)
            return _preview(request, kind, check, token)
    return render(request, "contingent/import.html", {"kind": kind, "form": form})


def _commit(request: HttpRequest, kind: Kind) -> HttpResponse:
    stashed = stash_take(request.session, kind=kind.code, token=request.POST.get("token", ""))
    if stashed is None:
        messages.error(request, _("Проверка файла устарела; загрузите его ещё раз."))
        return redirect(f"contingent:{kind.code}_import")
    try:
        result = kind.run(actor=role_of(request), name=stashed.name, content=stashed.content)
    except imports.ImportRefused as refused:
        return _preview(request, kind, refused.check)
    messages.success(
        request,
        _("Загружено: %(created)s, уже были в базе: %(skipped)s.")
        % {"created": result.created, "skipped": result.skipped},
    )
    return redirect("contingent:index")


@right_required(STUDENTS)
def students_template(request: HttpRequest) -> HttpResponse:
    return _xlsx(exports.students_template_xlsx(), "students-template.xlsx")


@right_required(STUDENTS)
def students_import(request: HttpRequest) -> HttpResponse:
    return _upload(request, KINDS["students"])


@require_POST
@right_required(STUDENTS)
def students_commit(request: HttpRequest) -> HttpResponse:
    return _commit(request, KINDS["students"])


@require_POST
@right_required(STUDENTS)
def students_export(request: HttpRequest) -> HttpResponse:
    """Order the workbook of every student: built in the background, kept for the user."""
    document = document_request(
        actor=role_of(request), kind=STUDENTS_EXPORT, title=_("Выгрузка всех обучающихся (XLSX)")
    )
    return redirect("documents:detail", document_id=document.pk)


@right_required(STUDENTS)
def students_export_group(request: HttpRequest, group_id: int) -> HttpResponse:
    role = role_of(request)
    group = get_object_or_404(groups_visible_to(role), pk=group_id)
    today = local_today(role.organization.timezone)
    on_roll = Membership.objects.filter(group=group).on_day(today).values("student_id")
    students = students_visible_to(role).filter(pk__in=on_roll)
    _audit_export(role, _("Выгрузка группы %(group)s в XLSX") % {"group": group.name})
    content, _rows = exports.students_xlsx(students, on=today)
    return _xlsx(content, f"{group.name}.xlsx")


@right_required(STAFF)
def staff_template(request: HttpRequest) -> HttpResponse:
    return _xlsx(exports.staff_template_xlsx(), "staff-template.xlsx")


@right_required(STAFF)
def staff_import(request: HttpRequest) -> HttpResponse:
    return _upload(request, KINDS["staff"])


@require_POST
@right_required(STAFF)
def staff_commit(request: HttpRequest) -> HttpResponse:
    return _commit(request, KINDS["staff"])


@right_required(STAFF)
def staff_export(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    _audit_export(role, _("Выгрузка сотрудников в XLSX"))
    employees = Employee.objects.filter(person__organization_id=role.organization_id)
    return _xlsx(exports.staff_xlsx(employees), "staff.xlsx")
