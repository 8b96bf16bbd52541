"""Pages of the college's structure: settings, years and periods, departments, rooms, bells."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from otmetka.accounts.permissions import ActiveRole, right_required, role_of
from otmetka.lib.dates import local_today
from otmetka.lib.errors import DomainError
from otmetka.lib.views import form_error, paginate, query_without_page, search_text
from otmetka.org import selectors, services
from otmetka.org.forms import (
    BellScheduleForm,
    DepartmentForm,
    OrganizationForm,
    PairForm,
    PairTimesForm,
    PeriodForm,
    RoomForm,
    YearCreateForm,
    YearForm,
)
from otmetka.org.models import Period
from otmetka.org.permissions import (
    VIEW_RIGHTS,
    bell_schedules_visible_to,
    can_edit_org,
    departments_visible_to,
    get_bell_schedule_for_user_or_404,
    get_department_for_user_or_404,
    get_pair_for_user_or_404,
    get_period_for_user_or_404,
    get_room_for_user_or_404,
    get_year_for_user_or_404,
    rooms_visible_to,
    years_visible_to,
)

EDIT = "org.edit"


def _submit(request: HttpRequest, form: Form, action: Callable[..., Any]) -> Any | None:
    """Run the service with the form's data on a valid POST; a refusal goes next to its field."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return action(**form.cleaned_data)
    except DomainError as error:
        form_error(form, error)
        return None


def _done(request: HttpRequest, message: str, to: str, **kwargs: Any) -> HttpResponse:
    messages.success(request, message)
    return redirect(to, **kwargs)


def _page(request: HttpRequest, template: str, **context: Any) -> HttpResponse:
    role = role_of(request)
    context.setdefault("can_edit", can_edit_org(role))
    return render(request, f"org/{template}", context)


def _delete(request: HttpRequest, action: Callable[[], None], message: str) -> None:
    try:
        action()
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, message)


# --- Organization --------------------------------------------------------------------------------


@right_required(EDIT)
def settings_view(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    form = OrganizationForm(
        request.POST or None, initial=OrganizationForm.initial_for(role.organization)
    )
    if _submit(request, form, lambda **data: services.organization_update(actor=role, **data)):
        return _done(request, _("Настройки организации сохранены."), "org:settings")
    return _page(request, "settings.html", form=form, organization=role.organization)


# --- Academic years and periods ------------------------------------------------------------------


def _year_initial(role: ActiveRole) -> dict[str, Any]:
    latest = years_visible_to(role).order_by("-date_from").first()
    if latest is not None:
        date_from = latest.date_to + dt.timedelta(days=1)
    else:
        date_from, _date_to = services.academic_year_dates(local_today(role.organization.timezone))
    date_to = dt.date(date_from.year + 1, 8, 31)
    return {"name": services.academic_year_name(date_from), "date_from": date_from,
            "date_to": date_to}


@right_required(*VIEW_RIGHTS)
def year_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.years_for_list(years_visible_to(role_of(request))))
    return _page(request, "year_list.html", page=page, query=query_without_page(request))


@right_required(EDIT)
def year_create(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    form = YearCreateForm(request.POST or None, initial=_year_initial(role))
    year = _submit(request, form, lambda **data: services.academic_year_create(actor=role, **data))
    if year:
        return _done(request, _("Учебный год %(name)s создан.") % {"name": year.name},
                     "org:year_detail", year_id=year.pk)
    return _page(request, "year_form.html", form=form, year=None)


@right_required(*VIEW_RIGHTS)
def year_detail(request: HttpRequest, year_id: int) -> HttpResponse:
    year = get_year_for_user_or_404(role_of(request), year_id)
    return _page(request, "year_detail.html", year=year, periods=selectors.year_periods(year))


@right_required(EDIT)
def year_edit(request: HttpRequest, year_id: int) -> HttpResponse:
    role = role_of(request)
    year = get_year_for_user_or_404(role, year_id)
    form = YearForm(request.POST or None, initial=YearForm.initial_for(year))
    if _submit(request, form,
               lambda **data: services.academic_year_update(actor=role, year=year, **data)):
        return _done(request, _("Учебный год %(name)s сохранён.") % {"name": year.name},
                     "org:year_detail", year_id=year.pk)
    return _page(request, "year_form.html", form=form, year=year)


def _period_initial(year: Any) -> dict[str, Any]:
    taken = set(year.periods.semesters().values_list("number", flat=True))
    number = next((n for n in (1, 2) if n not in taken), 1)
    return {"kind": Period.Kind.SEMESTER, "number": number}


@right_required(EDIT)
def period_create(request: HttpRequest, year_id: int) -> HttpResponse:
    role = role_of(request)
    year = get_year_for_user_or_404(role, year_id)
    form = PeriodForm(request.POST or None, initial=_period_initial(year))
    period = _submit(request, form, lambda **data: services.period_create(
        actor=role, academic_year=year, **data))
    if period:
        return _done(request, _("Период «%(name)s» добавлен.") % {"name": period.name},
                     "org:year_detail", year_id=year.pk)
    return _page(request, "period_form.html", form=form, year=year, period=None)


@right_required(EDIT)
def period_edit(request: HttpRequest, period_id: int) -> HttpResponse:
    role = role_of(request)
    period = get_period_for_user_or_404(role, period_id)
    form = PeriodForm(request.POST or None, initial=PeriodForm.initial_for(period))
    if _submit(request, form,
               lambda **data: services.period_update(actor=role, period=period, **data)):
        return _done(request, _("Период «%(name)s» сохранён.") % {"name": period.name},
                     "org:year_detail", year_id=period.academic_year_id)
    return _page(request, "period_form.html", form=form, year=period.academic_year,
                 period=period)


@require_POST
@right_required(EDIT)
def period_delete(request: HttpRequest, period_id: int) -> HttpResponse:
    role = role_of(request)
    period = get_period_for_user_or_404(role, period_id)
    _delete(request, lambda: services.period_delete(actor=role, period=period),
            _("Период «%(name)s» удалён.") % {"name": period.name})
    return redirect("org:year_detail", year_id=period.academic_year_id)


# --- Departments ---------------------------------------------------------------------------------


@right_required(*VIEW_RIGHTS)
def department_list(request: HttpRequest) -> HttpResponse:
    departments = departments_visible_to(role_of(request))
    page = paginate(request, selectors.departments_for_list(departments))
    return _page(request, "department_list.html", page=page, query=query_without_page(request))


@right_required(EDIT)
def department_create(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    form = DepartmentForm(request.POST or None)
    department = _submit(request, form,
                         lambda **data: services.department_create(actor=role, **data))
    if department:
        return _done(request, _("Отделение «%(name)s» добавлено.") % {"name": department.name},
                     "org:department_list")
    return _page(request, "department_form.html", form=form, department=None)


@right_required(EDIT)
def department_edit(request: HttpRequest, department_id: int) -> HttpResponse:
    role = role_of(request)
    department = get_department_for_user_or_404(role, department_id)
    form = DepartmentForm(request.POST or None, initial=DepartmentForm.initial_for(department))
    if _submit(request, form, lambda **data: services.department_update(
            actor=role, department=department, **data)):
        return _done(request, _("Отделение «%(name)s» сохранено.") % {"name": department.name},
                     "org:department_list")
    return _page(request, "department_form.html", form=form, department=department)


@require_POST
@right_required(EDIT)
def department_delete(request: HttpRequest, department_id: int) -> HttpResponse:
    role = role_of(request)
    department = get_department_for_user_or_404(role, department_id)
    _delete(request, lambda: services.department_delete(actor=role, department=department),
            _("Отделение «%(name)s» удалено.") % {"name": department.name})
    return redirect("org:department_list")


# --- Rooms ---------------------------------------------------------------------------------------


@right_required(*VIEW_RIGHTS)
def room_list(request: HttpRequest) -> HttpResponse:
    text = search_text(request)
    rooms = selectors.rooms_for_list(rooms_visible_to(role_of(request)), text)
    return _page(request, "room_list.html", page=paginate(request, rooms), q=text,
                 query=query_without_page(request))


@right_required(EDIT)
def room_create(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    form = RoomForm(request.POST or None, initial={"capacity": 30})
    room = _submit(request, form, lambda **data: services.room_create(actor=role, **data))
    if room:
        return _done(request, _("Кабинет %(number)s добавлен.") % {"number": room.number},
                     "org:room_list")
    return _page(request, "room_form.html", form=form, room=None)


@right_required(EDIT)
def room_edit(request: HttpRequest, room_id: int) -> HttpResponse:
    role = role_of(request)
    room = get_room_for_user_or_404(role, room_id)
    form = RoomForm(request.POST or None, initial=RoomForm.initial_for(room))
    if _submit(request, form, lambda **data: services.room_update(actor=role, room=room, **data)):
        return _done(request, _("Кабинет %(number)s сохранён.") % {"number": room.number},
                     "org:room_list")
    return _page(request, "room_form.html", form=form, room=room)


@require_POST
@right_required(EDIT)
def room_delete(request: HttpRequest, room_id: int) -> HttpResponse:
    role = role_of(request)
    room = get_room_for_user_or_404(role, room_id)
    _delete(request, lambda: services.room_delete(actor=role, room=room),
            _("Кабинет %(number)s удалён.") % {"number": room.number})
    return redirect("org:room_list")


# --- Bell schedules and pairs --------------------------------------------------------------------


@right_required(*VIEW_RIGHTS)
def bells_list(request: HttpRequest) -> HttpResponse:
    schedules = selectors.bell_schedules_for_list(bell_schedules_visible_to(role_of(request)))
    return _page(request, "bells_list.html", page=paginate(request, schedules),
                 query=query_without_page(request))


@right_required(EDIT)
def bells_create(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    form = BellScheduleForm(request.POST or None)
    bells = _submit(request, form,
                    lambda **data: services.bell_schedule_create(actor=role, **data))
    if bells:
        return _done(request, _("Расписание звонков «%(name)s» создано.") % {"name": bells.name},
                     "org:bells_detail", bells_id=bells.pk)
    return _page(request, "bells_form.html", form=form, bells=None)


@right_required(*VIEW_RIGHTS)
def bells_detail(request: HttpRequest, bells_id: int) -> HttpResponse:
    bells = get_bell_schedule_for_user_or_404(role_of(request), bells_id)
    return _page(request, "bells_detail.html", bells=bells,
                 pairs=selectors.schedule_pairs(bells))


@right_required(EDIT)
def bells_edit(request: HttpRequest, bells_id: int) -> HttpResponse:
    role = role_of(request)
    bells = get_bell_schedule_for_user_or_404(role, bells_id)
    form = BellScheduleForm(request.POST or None, initial=BellScheduleForm.initial_for(bells))
    if _submit(request, form, lambda **data: services.bell_schedule_update(
            actor=role, bell_schedule=bells, **data)):
        return _done(request, _("Расписание звонков «%(name)s» сохранено.") % {"name": bells.name},
                     "org:bells_detail", bells_id=bells.pk)
    return _page(request, "bells_form.html", form=form, bells=bells)


@require_POST
@right_required(EDIT)
def bells_delete(request: HttpRequest, bells_id: int) -> HttpResponse:
    role = role_of(request)
    bells = get_bell_schedule_for_user_or_404(role, bells_id)
    try:
        services.bell_schedule_delete(actor=role, bell_schedule=bells)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("org:bells_detail", bells_id=bells.pk)
    return _done(request, _("Расписание звонков «%(name)s» удалено.") % {"name": bells.name},
                 "org:bells_list")


@right_required(EDIT)
def pair_create(request: HttpRequest, bells_id: int) -> HttpResponse:
    role = role_of(request)
    bells = get_bell_schedule_for_user_or_404(role, bells_id)
    pairs = selectors.schedule_pairs(bells)
    form = PairForm(request.POST or None, initial=_pair_initial(pairs))
    pair = _submit(request, form, lambda **data: services.pair_set(
        actor=role, bell_schedule=bells, **data))
    if pair:
        return _done(request, _("Пара № %(number)s сохранена.") % {"number": pair.number},
                     "org:bells_detail", bells_id=bells.pk)
    return _page(request, "pair_form.html", form=form, bells=bells, pair=None, pairs=pairs)


def _pair_initial(pairs: list[Any]) -> dict[str, Any]:
    """The next number, starting ten minutes after the last pair and lasting as long."""
    if not pairs:
        return {"number": 1, "starts_at": dt.time(8, 30), "ends_at": dt.time(10, 0)}
    last = pairs[-1]
    day = dt.date(2000, 1, 1)
    starts = dt.datetime.combine(day, last.ends_at) + dt.timedelta(minutes=10)
    length = dt.datetime.combine(day, last.ends_at) - dt.datetime.combine(day, last.starts_at)
    ends = starts + length
    if ends.date() != day:
        return {"number": last.number + 1}
    return {"number": last.number + 1, "starts_at": starts.time(), "ends_at": ends.time()}


@right_required(EDIT)
def pair_edit(request: HttpRequest, pair_id: int) -> HttpResponse:
    role = role_of(request)
    pair = get_pair_for_user_or_404(role, pair_id)
    bells = pair.bell_schedule
    form = PairTimesForm(request.POST or None, initial=PairTimesForm.initial_for(pair))
    if _submit(request, form, lambda **data: services.pair_set(
            actor=role, bell_schedule=bells, number=pair.number, **data)):
        return _done(request, _("Пара № %(number)s сохранена.") % {"number": pair.number},
                     "org:bells_detail", bells_id=bells.pk)
    return _page(request, "pair_form.html", form=form, bells=bells, pair=pair,
                 pairs=selectors.schedule_pairs(bells))


@require_POST
@right_required(EDIT)
def pair_delete(request: HttpRequest, pair_id: int) -> HttpResponse:
    role = role_of(request)
    pair = get_pair_for_user_or_404(role, pair_id)
    _delete(request, lambda: services.pair_delete(actor=role, pair=pair),
            _("Пара № %(number)s удалена.") % {"number": pair.number})
    return redirect("org:bells_detail", bells_id=pair.bell_schedule_id)
