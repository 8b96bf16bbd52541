"""Certificates: issue one from a student's card or the register, print it, keep the register."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from otmetka.accounts.permissions import ActiveRole, right_required, role_of
from otmetka.certificates import selectors, services
from otmetka.certificates.forms import IssueForm, RegisterForm
from otmetka.certificates.models import Certificate, CertificateRequest
from otmetka.certificates.permissions import (
    ISSUE,
    certificate_students,
    certificates_visible_to,
    get_certificate_for_user_or_404,
    get_certificate_student_or_404,
    own_student,
    pending_requests,
)
from otmetka.certificates.printing import certificate_file_name, certificate_pdf
from otmetka.lib.dates import local_today
from otmetka.lib.downloads import pdf_download, xlsx_download
from otmetka.lib.errors import DomainError
from otmetka.lib.tables import Sheet, xlsx_bytes
from otmetka.lib.views import form_error, paginate, parse_id, query_without_page, search_text
from otmetka.people.models import Person

FOUND_STUDENTS = 20  # students listed for a name typed on the register page


def _register(request: HttpRequest, role: ActiveRole) -> tuple[RegisterForm, Any, dict[str, Any]]:
    today = local_today(role.organization.timezone)
    initial: dict[str, Any] = {"date_from": dt.date(today.year, 1, 1), "date_to": today}
    params = request.GET.copy()
    params.pop("q", None)
    params.pop("page", None)
    form = RegisterForm(params or None, organization_id=role.organization_id, initial=initial)
    if form.is_bound and not form.is_valid():
        return form, Certificate.objects.none(), initial
    data = form.cleaned_data if form.is_bound and form.is_valid() else initial
    group = data.get("group")
    rows = selectors.register(
        certificates_visible_to(role),
        date_from=data.get("date_from") or initial["date_from"],
        date_to=data.get("date_to") or initial["date_to"],
        kind=data.get("kind") or "",
        group_id=group.pk if group is not None else None,
    )
    return form, rows, data


@right_required(ISSUE)
def register(request: HttpRequest) -> HttpResponse:
    """The journal of issued certificates, and a search for a student to issue one to."""
    role = role_of(request)
    form, rows, data = _register(request, role)
    text = search_text(request)
    found = []
    if text:
        people = Person.objects.filter(organization_id=role.organization_id).search(text)
        found = list(
            certificate_students(role)
            .filter(person__in=people)
            .select_related("person")
            .order_by("person__sort_key", "pk")[:FOUND_STUDENTS]
        )
    requests = (
        pending_requests(role).select_related("student__person").order_by("requested_at", "pk")
    )
    return render(
        request,
        "certificates/register.html",
        {
            "requests": list(requests),
            "form": form,
            "page": paginate(request, rows),
            "data": data,
            "q": text,
            "found": found,
            "query": query_without_page(request),
        },
    )


@right_required(ISSUE)
def register_xlsx(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    form, rows, data = _register(request, role)
    title = _("Журнал регистрации выданных справок")
    period = (
        _("с %(start)s по %(end)s")
        % {
            "start": data["date_from"].strftime("%d.%m.%Y"),
            "end": data["date_to"].strftime("%d.%m.%Y"),
        }
        if data.get("date_from") and data.get("date_to")
        else ""
    )
    sheet = Sheet(
        title=_("Справки"),
        header=selectors.register_headers(),
        rows=selectors.register_table_rows(rows),
        caption=[role.organization.name, f"{title} {period}".strip()],
        header_style="bold",
        fit_widths=True,
    )
    return xlsx_download(xlsx_bytes([sheet]), name=f"{title}.xlsx")


def _asked(request: HttpRequest, role: ActiveRole, student_id: int) -> CertificateRequest | None:
    """The student's pending request this certificate fulfils (`?request=`), if any."""
    request_id = parse_id(request.GET.get("request"))
    if request_id is None:
        return None
    return get_object_or_404(pending_requests(role), pk=request_id, student_id=student_id)


@right_required(ISSUE)
def issue(request: HttpRequest, student_id: int) -> HttpResponse:
    role = role_of(request)
    student = get_certificate_student_or_404(role, student_id)
    asked = _asked(request, role, student.pk)
    initial = {"kind": Certificate.Kind.ENROLMENT, "presented_to": ""}
    if asked is not None:
        initial = {"kind": asked.kind, "presented_to": asked.presented_to}
    form = IssueForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            certificate = services.certificate_issue(
                actor=role, student=student, request=asked, **form.cleaned_data
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _("Справка %(number)s выдана и внесена в журнал.") % {"number": str(certificate)},
            )
            return redirect("certificates:detail", certificate_id=certificate.pk)
    history = certificates_visible_to(role).filter(student=student).order_by("-issued_at")[:10]
    context = {"form": form, "student": student, "history": list(history), "asked": asked}
    return render(request, "certificates/issue.html", context)


@right_required("diary.view_own")
def my_requests(request: HttpRequest) -> HttpResponse:
    """A student asks for a certificate and sees what became of the earlier requests."""
    role = role_of(request)
    student = own_student(role)
    if student is None:
        raise PermissionDenied
    form = IssueForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_request_create(actor=role, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Заявка отправлена секретарю учебной части."))
            return redirect("certificates:my_requests")
    requests = (
        CertificateRequest.objects.filter(student=student)
        .select_related("certificate")
        .order_by("-requested_at", "-pk")[:20]
    )
    context = {"form": form, "requests": list(requests)}
    return render(request, "certificates/my_requests.html", context)


@right_required(ISSUE)
def detail(request: HttpRequest, certificate_id: int) -> HttpResponse:
    certificate = get_certificate_for_user_or_404(role_of(request), certificate_id)
    return render(
        request,
        "certificates/detail.html",
        {
            "certificate": certificate,
            "content": certificate.content,
        },
    )


@right_required(ISSUE)
def pdf(request: HttpRequest, certificate_id: int) -> HttpResponse:
    certificate = get_certificate_for_user_or_404(role_of(request), certificate_id)
    return pdf_download(certificate_pdf(certificate), name=certificate_file_name(certificate))
