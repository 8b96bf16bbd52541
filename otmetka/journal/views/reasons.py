"""The curator's weekly page of attendance reasons for a group (Положение 4.5)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from otmetka.academics.models import Group
from otmetka.accounts.permissions import ActiveRole, right_required, role_of
from otmetka.journal.forms.attestation import ReasonsWeekForm
from otmetka.journal.selectors import reasons_week
from otmetka.journal.services.reasons import reasons_week_set
from otmetka.lib.dates import local_today
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.lib.views import form_error, requested_week


def curated_group_or_404(role: ActiveRole, group_id: int) -> Group:
    """A group the acting curator curates, in their organization; 404 for any other."""
    return get_object_or_404(
        Group.objects.filter(organization_id=role.organization_id, curators=role.employee_id),
        pk=group_id,
    )


def chosen_week(request: HttpRequest, role: ActiveRole) -> dt.date:
    """Monday of ?week=YYYY-MM-DD, or of the current week in the organization's dates."""
    return requested_week(request, local_today(role.organization.timezone))


@right_required("journal.attendance_reasons")
def reasons(request: HttpRequest, group_id: int) -> HttpResponse:
    role = role_of(request)
    group = curated_group_or_404(role, group_id)
    monday = chosen_week(request, role)
    week = reasons_week(group, monday)
    form = ReasonsWeekForm(request.POST or None, rows=week.rows)
    if request.method == "POST" and form.is_valid():
        try:
            changed = reasons_week_set(
                actor=role, group=group, week_start=monday, changes=form.changes()
            )
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Сохранено причин: %(count)s.") % {"count": changed})
            url = reverse("journal:reasons", kwargs={"group_id": group.pk})
            return redirect(f"{url}?week={monday:%Y-%m-%d}")
    return render(request, "journal/reasons.html", {
        "group": group, "monday": monday, "sunday": monday + dt.timedelta(days=6),
        "previous": monday - dt.timedelta(days=7), "next": monday + dt.timedelta(days=7),
        "form": form, "totals": week.totals,
    })
