"""«Карточки к проверке»: the curator's quarterly check of personal cards (Положение 4.5)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from otmetka.academics.selectors import CARD_CHECK_MONTHS, cards_to_check
from otmetka.accounts.permissions import right_required, role_of
from otmetka.lib.dates import local_today
from otmetka.lib.errors import DomainError
from otmetka.people.permissions import get_student_for_contacts_or_404
from otmetka.people.services import student_mark_card_checked

CHECKERS = ("students.edit_contacts_own_group",)


@right_required(*CHECKERS)
def card_checks(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    today = local_today(role.organization.timezone)
    rows = []
    if role.employee_id is not None:
        rows = cards_to_check(
            organization_id=role.organization_id, employee_id=role.employee_id, on=today
        )
    return render(
        request,
        "academics/card_checks.html",
        {
            "rows": rows,
            "today": today,
            "months": CARD_CHECK_MONTHS,
        },
    )


@require_POST
@right_required(*CHECKERS)
def card_check_mark(request: HttpRequest, student_id: int) -> HttpResponse:
    role = role_of(request)
    student = get_student_for_contacts_or_404(role, student_id)
    try:
        student_mark_card_checked(
            actor=role, student=student, on=local_today(role.organization.timezone)
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(name)s: карточка проверена.") % {"name": student.person.full_name}
        )
    return redirect("academics:card_checks")
