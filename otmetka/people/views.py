"""Pages of the people app: HR's staff list and cards, the student's personal card."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from otmetka.accounts.permissions import ActiveRole, right_required, role_of
from otmetka.accounts.throttle import client_address
from otmetka.audit.models import AuditEvent
from otmetka.audit.services import audit_record
from otmetka.lib.dates import local_today
from otmetka.lib.errors import DomainError
from otmetka.lib.views import form_error, paginate, query_without_page, search_text
from otmetka.org.models import Department
from otmetka.people import selectors
from otmetka.people.forms import (
    CardCheckedForm,
    ConsentForm,
    ConsentRevokeForm,
    DismissForm,
    EmployeeForm,
    GuardianForm,
    GuardianLinkForm,
    PositionForm,
    StaffFilterForm,
    StudentCardForm,
    StudentContactsForm,
)
from otmetka.people.models import Person, Position, Student
from otmetka.people.permissions import (
    can_create_account_for,
    can_edit_contacts,
    can_edit_staff,
    can_edit_student_card,
    can_issue_certificates,
    can_link_guardians,
    can_mark_card_checked,
    can_record_consents,
    card_read_only,
    get_consent_for_user_or_404,
    get_consent_person_for_user_or_404,
    get_employee_for_user_or_404,
    get_guardianship_for_user_or_404,
    get_student_for_contacts_or_404,
    get_student_for_guardians_or_404,
    get_student_for_user_or_404,
    own_students,
)
from otmetka.people.services import (
    consent_record,
    consent_revoke,
    employee_create,
    employee_dismiss,
    employee_update,
    guardian_add,
    guardian_remove,
    position_create,
    student_mark_card_checked,
    student_update,
)

STUDENT_RIGHTS = ("students.view_all", "students.view_own_group", "students.edit_all")
CONSENT_RIGHTS = ("students.edit_all", "guardians.link", "students.edit_contacts_own_group")


def _today(role: ActiveRole) -> dt.date:
    return local_today(role.organization.timezone)


def _record_card_view(request: HttpRequest, role: ActiveRole, student: Student) -> None:
    """152-ФЗ: every staff view of a personal card is logged."""
    audit_record(actor=role.user, action=AuditEvent.Action.VIEW,
                 organization_id=role.organization_id, obj=student,
                 address=client_address(request))


def _staff_choices(role: ActiveRole) -> dict[str, object]:
    return {
        "departments": Department.objects.filter(organization_id=role.organization_id),
        "positions": Position.objects.filter(organization_id=role.organization_id),
    }


def _refuse(request: HttpRequest, form: Form, error: DomainError | None = None) -> None:
    """Show a refused POST of a small inline form as messages on the page it returns to."""
    if error is not None:
        form_error(form, error)
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        for message in errors:
            messages.error(request, f"{label}: {message}" if label else str(message))


# --- Staff (HR) -----------------------------------------------------------------------------------


@right_required("staff.view", "staff.edit")
def staff_list(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    departments = Department.objects.filter(organization_id=role.organization_id)
    form = StaffFilterForm(request.GET, departments=departments)
    data = form.cleaned_data if form.is_valid() else {}
    department = data.get("department")
    employees = selectors.staff_list(
        role, text=search_text(request), state=data.get("state") or "working",
        department_id=department.pk if department is not None else None,
    )
    return render(request, "people/staff_list.html", {
        "form": form, "page": paginate(request, employees), "query": query_without_page(request),
        "can_edit": can_edit_staff(role),
    })


@right_required("staff.view", "staff.edit")
def staff_late(request: HttpRequest) -> HttpResponse:
    """Положение 4.4: staff cards entered more than three working days after hiring."""
    role = role_of(request)
    since = _today(role) - dt.timedelta(days=365)  # new employees: hired within a year
    return render(request, "people/staff_late.html", {
        "rows": selectors.staff_entered_late(role, since=since),
        "working_days": selectors.STAFF_CARD_WORKING_DAYS, "since": since,
    })


@right_required("staff.edit")
def staff_create(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    form = EmployeeForm(request.POST or None, **_staff_choices(role))  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        try:
            employee = employee_create(actor=role, **form.service_values())
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Сотрудник внесён в список."))
            return redirect("people:staff_detail", employee_id=employee.pk)
    return render(request, "people/staff_form.html", {"form": form, "employee": None})


@right_required("staff.view", "staff.edit")
def staff_detail(request: HttpRequest, employee_id: int) -> HttpResponse:
    role = role_of(request)
    employee = get_employee_for_user_or_404(role, employee_id)
    return render(request, "people/staff_detail.html", {
        "employee": employee,
        "person": employee.person,
        "positions": employee.positions.all(),
        "can_edit": can_edit_staff(role),
        "can_create_account": can_create_account_for(role, employee.person),
        "dismiss_form": DismissForm(initial={"dismissal_date": _today(role)}),
    })


@right_required("staff.edit")
def staff_edit(request: HttpRequest, employee_id: int) -> HttpResponse:
    role = role_of(request)
    employee = get_employee_for_user_or_404(role, employee_id)
    form = EmployeeForm(request.POST or None, initial=EmployeeForm.initial_for(employee),
                        **_staff_choices(role))  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        try:
            employee_update(actor=role, employee=employee, **form.service_values())
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Карточка сотрудника сохранена."))
            return redirect("people:staff_detail", employee_id=employee.pk)
    return render(request, "people/staff_form.html", {"form": form, "employee": employee})


@require_POST
@right_required("staff.edit")
def staff_dismiss(request: HttpRequest, employee_id: int) -> HttpResponse:
    role = role_of(request)
    employee = get_employee_for_user_or_404(role, employee_id)
    form = DismissForm(request.POST)
    if form.is_valid():
        try:
            employee_dismiss(actor=role, employee=employee,
                             on=form.cleaned_data["dismissal_date"])
        except DomainError as error:
            _refuse(request, form, error)
        else:
            messages.success(request, _("Увольнение отмечено."))
    else:
        _refuse(request, form)
    return redirect("people:staff_detail", employee_id=employee.pk)


@right_required("staff.view", "staff.edit")
def position_list(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    form = PositionForm(request.POST or None)
    if request.method == "POST":
        if not can_edit_staff(role):
            raise PermissionDenied
        if form.is_valid():
            try:
                position_create(actor=role, **form.cleaned_data)
            except DomainError as error:
                form_error(form, error)
            else:
                messages.success(request, _("Должность добавлена."))
                return redirect("people:position_list")
    positions = Position.objects.filter(organization_id=role.organization_id).order_by("name")
    return render(request, "people/position_list.html", {
        "form": form, "positions": positions, "can_edit": can_edit_staff(role),
    })


# --- The student's personal card ------------------------------------------------------------------


@right_required(*STUDENT_RIGHTS)
def student_detail(request: HttpRequest, student_id: int) -> HttpResponse:
    role = role_of(request)
    student = get_student_for_user_or_404(role, student_id)
    _record_card_view(request, role, student)
    # A curator's student who has left the group: the card to read, without a change button.
    changes = not card_read_only(role, student)
    return render(request, "people/student_detail.html", {
        "card": selectors.student_card(student, _today(role)),
        "student": student,
        "person": student.person,
        "read_only": not changes,
        "can_edit_card": can_edit_student_card(role),
        "can_edit_contacts": changes and can_edit_contacts(role),
        "can_link_guardians": changes and can_link_guardians(role),
        "can_record_consents": changes and can_record_consents(role),
        "can_mark_checked": changes and can_mark_card_checked(role),
        "can_create_account": role.has("users.students"),
        "can_issue_certificates": can_issue_certificates(role),
        "today": _today(role),
    })


@right_required("students.edit_all", "students.edit_contacts_own_group")
def student_edit(request: HttpRequest, student_id: int) -> HttpResponse:
    role = role_of(request)
    student = get_student_for_contacts_or_404(role, student_id)
    form_class = StudentCardForm if can_edit_student_card(role) else StudentContactsForm
    form = form_class(request.POST or None, initial=form_class.initial_for(student))
    if request.method == "POST" and form.is_valid():
        try:
            student_update(actor=role, student=student, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Карточка сохранена."))
            return redirect("people:student_detail", student_id=student.pk)
    elif request.method != "POST":
        _record_card_view(request, role, student)
    return render(request, "people/student_form.html", {
        "form": form, "student": student, "full": form_class is StudentCardForm,
    })


@require_POST
@right_required("students.edit_all", "students.edit_contacts_own_group")
def student_card_checked(request: HttpRequest, student_id: int) -> HttpResponse:
    role = role_of(request)
    student = get_student_for_contacts_or_404(role, student_id)
    form = CardCheckedForm(request.POST)
    if not form.is_valid():
        _refuse(request, form)
        return redirect("people:student_detail", student_id=student.pk)
    try:
        student_mark_card_checked(actor=role, student=student,
                                  on=form.cleaned_data["on"] or _today(role))
    except DomainError as error:
        _refuse(request, form, error)
    else:
        messages.success(request, _("Отмечено: карточка проверена."))
    return redirect("people:student_detail", student_id=student.pk)


@right_required("guardians.link", "students.edit_contacts_own_group")
def guardian_add_view(request: HttpRequest, student_id: int) -> HttpResponse:
    role = role_of(request)
    student = get_student_for_guardians_or_404(role, student_id)
    linking = request.method == "POST" and "person_id" in request.POST
    form = GuardianForm(request.POST if request.method == "POST" and not linking else None)
    link_form = GuardianLinkForm(request.POST if linking else None)
    bound: Form = link_form if linking else form
    if request.method == "POST" and bound.is_valid():
        try:
            guardian_add(actor=role, student=student, **bound.cleaned_data)
        except DomainError as error:
            # The person being linked is a hidden field: its errors go on top of the form.
            hidden = error.field == "person_id" or error.field not in bound.fields
            bound.add_error(None if hidden else error.field, error.message)
        else:
            messages.success(request, _("Родитель (законный представитель) присоединён."))
            return redirect("people:student_detail", student_id=student.pk)
    text = search_text(request)
    found = selectors.guardian_candidates(role, student, text)
    return render(request, "people/guardian_add.html", {
        "student": student, "form": form, "link_form": link_form, "q": text,
        "candidates": found[: selectors.GUARDIAN_SEARCH_LIMIT],
        "more": len(found) > selectors.GUARDIAN_SEARCH_LIMIT,
        "shown": selectors.GUARDIAN_SEARCH_LIMIT,
    })


@require_POST
@right_required("guardians.link", "students.edit_contacts_own_group")
def guardian_remove_view(request: HttpRequest, guardianship_id: int) -> HttpResponse:
    role = role_of(request)
    guardianship = get_guardianship_for_user_or_404(role, guardianship_id)
    try:
        guardian_remove(actor=role, guardianship=guardianship)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Родитель (законный представитель) отсоединён."))
    return redirect("people:student_detail", student_id=guardianship.student_id)


def _back_to_card(role: ActiveRole, person: Person, wanted: object) -> HttpResponse:
    student = selectors.return_student_for(role, person, wanted)
    if student is None:
        return redirect("accounts:home")
    return redirect("people:student_detail", student_id=student.pk)


@right_required(*CONSENT_RIGHTS)
def consent_add(request: HttpRequest, person_id: int) -> HttpResponse:
    role = role_of(request)
    person = get_consent_person_for_user_or_404(role, person_id)
    wanted = request.POST.get("student") or request.GET.get("student")
    form = ConsentForm(request.POST or None, initial={"signed_on": _today(role)})
    if request.method == "POST" and form.is_valid():
        try:
            consent_record(actor=role, person=person, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Согласие внесено."))
            return _back_to_card(role, person, wanted)
    return render(request, "people/consent_form.html", {
        "form": form, "person": person, "student_id": wanted or "",
    })


@require_POST
@right_required(*CONSENT_RIGHTS)
def consent_revoke_view(request: HttpRequest, consent_id: int) -> HttpResponse:
    role = role_of(request)
    consent = get_consent_for_user_or_404(role, consent_id)
    form = ConsentRevokeForm(request.POST)
    if form.is_valid():
        try:
            consent_revoke(actor=role, consent=consent, revoked_on=form.cleaned_data["revoked_on"])
        except DomainError as error:
            _refuse(request, form, error)
        else:
            messages.success(request, _("Отзыв согласия отмечен."))
    else:
        _refuse(request, form)
    return _back_to_card(role, consent.person, request.POST.get("student"))


# --- «Кто открывал мои данные»: the student's and the parents' view of the 152-ФЗ log -----------


@right_required("diary.view_own")
def my_access_log(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    students = list(own_students(role).select_related("person").order_by("person__sort_key", "pk"))
    wanted = request.GET.get("student", "")
    student = next((s for s in students if str(s.pk) == wanted), None) if wanted else None
    if wanted and student is None:
        raise Http404
    student = student or (students[0] if students else None)
    page = paginate(request, selectors.staff_views_of(student)) if student is not None else None
    return render(request, "people/my_access_log.html", {
        "students": students, "student": student, "page": page,
        "lines": selectors.access_log_lines(page) if page is not None else [],
        "query": query_without_page(request), "tz": role.organization.timezone,
    })
