"""Реестр замещений for any period: on screen, as a workbook for payroll, printed.

Those who see every teacher's hours (HOURS_ALL_RIGHTS: the deputy, the director, the
dispatcher; a department head their department) see every substitution; a teacher with
`reports.own` sees the lessons they held for others and those others held for them.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from otmetka.accounts.permissions import right_required, role_of
from otmetka.lib.dates import local_today
from otmetka.lib.downloads import pdf_download, xlsx_download
from otmetka.lib.views import query_without_page
from otmetka.people.models import Employee
from otmetka.reports.documents import department_of
from otmetka.reports.forms import SubstitutionsForm
from otmetka.reports.substitutions import (
    SubstitutionRegister,
    register_file_name,
    register_pdf,
    register_xlsx,
    substitution_register,
)
from otmetka.schedule.services.hours import HOURS_ALL_RIGHTS, HOURS_OWN_RIGHT

SUBSTITUTION_RIGHTS = (*HOURS_ALL_RIGHTS, HOURS_OWN_RIGHT)


def _register(
    request: HttpRequest,
) -> tuple[SubstitutionsForm, SubstitutionRegister, str]:
    """The register the address asks for; a bad filter shows the current month instead, with
    the form's message."""
    role = role_of(request)
    today = local_today(role.organization.timezone)
    everyone = role.has_any(*HOURS_ALL_RIGHTS)
    start = today.replace(day=1)
    form = SubstitutionsForm(
        request.GET or None,
        organization_id=role.organization_id,
        everyone=everyone,
        initial={"date_from": start, "date_to": today},
    )
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    date_from: dt.date = data.get("date_from") or start
    date_to: dt.date = data.get("date_to") or today
    department = data.get("department")
    teacher: Employee | None = data.get("teacher")
    department_id, department_name = department_of(role, department.pk if department else None)
    teacher_id = teacher.pk if teacher else None
    if not everyone:
        # A teacher's own lines; 0 matches nobody when the role has no staff card.
        teacher_id, department_id = role.employee_id or 0, None
    register = substitution_register(
        role.organization_id,
        date_from,
        date_to,
        today=today,
        department_id=department_id,
        teacher_id=teacher_id,
    )
    return form, register, _subtitle(everyone, department_name, teacher)


def _subtitle(everyone: bool, department: str, teacher: Employee | None) -> str:
    """Whose substitutions the register holds, for its title."""
    if not everyone:
        return _("Замещения, проведённые мной и вместо меня")
    parts = [department] if department else []
    if teacher is not None:
        parts.append(_("преподаватель: %(name)s") % {"name": teacher.person.full_name})
    return "; ".join(parts)


@right_required(*SUBSTITUTION_RIGHTS)
def substitutions(request: HttpRequest) -> HttpResponse:
    form, register, subtitle = _register(request)
    return render(
        request,
        "reports/substitutions.html",
        {
            "form": form,
            "register": register,
            "subtitle": subtitle,
            "query": query_without_page(request),
        },
    )


@right_required(*SUBSTITUTION_RIGHTS)
def substitutions_export(request: HttpRequest, kind: str) -> HttpResponse:
    _form, register, subtitle = _register(request)
    if kind == "xlsx":
        return xlsx_download(
            register_xlsx(register, subtitle=subtitle), name=register_file_name(register, "xlsx")
        )
    content = register_pdf(register, organization=role_of(request).organization, subtitle=subtitle)
    return pdf_download(content, name=register_file_name(register, "pdf"))
