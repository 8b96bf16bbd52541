"""Shortened days: which dates use another bell schedule."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from otmetka.accounts.permissions import right_required, role_of
from otmetka.lib.dates import local_today
from otmetka.lib.errors import DomainError
from otmetka.lib.forms import DateField
from otmetka.lib.views import form_error
from otmetka.org.models import BellSchedule
from otmetka.schedule.models import DateBells
from otmetka.schedule.services.bells import date_bells_delete, date_bells_set


class DateBellsForm(forms.Form):
    date = DateField(label=gettext_lazy("Дата"))
    bell_schedule = forms.ModelChoiceField(
        label=gettext_lazy("Звонки"), queryset=BellSchedule.objects.none()
    )
    reason = forms.CharField(label=gettext_lazy("Причина"), max_length=200, required=False)


@right_required("timetable.edit")
def date_bells(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    form = DateBellsForm(request.POST or None)
    form.fields["bell_schedule"].queryset = BellSchedule.objects.filter(  # type: ignore[attr-defined]
        organization_id=role.organization_id
    )
    if request.method == "POST" and form.is_valid():
        try:
            date_bells_set(actor=role, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Звонки на дату сохранены."))
            return redirect("schedule:date_bells")
    rows = DateBells.objects.filter(
        organization_id=role.organization_id,
        date__gte=local_today(role.organization.timezone),
    ).select_related("bell_schedule")
    return render(request, "schedule/date_bells.html", {"form": form, "rows": rows})


@require_POST
@right_required("timetable.edit")
def date_bells_remove(request: HttpRequest, date_bells_id: int) -> HttpResponse:
    role = role_of(request)
    row = get_object_or_404(DateBells, pk=date_bells_id, organization_id=role.organization_id)
    date_bells_delete(actor=role, date_bells=row)
    messages.success(request, _("Дата снова идёт по обычным звонкам."))
    return redirect("schedule:date_bells")
