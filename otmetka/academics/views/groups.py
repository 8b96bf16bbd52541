"""Pages of groups, their rosters and subgroups, and the students list (Положение 4.5–4.9)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from otmetka.academics.forms.groups import (
    DayForm,
    EnrolForm,
    GroupEditForm,
    GroupFilterForm,
    GroupForm,
    MemberAddForm,
    MembershipCloseForm,
    StudentFilterForm,
    SubgroupEditForm,
    SubgroupForm,
)
from otmetka.academics.models import Group, Subgroup
from otmetka.academics.permissions import (
    can_edit_group,
    can_edit_subgroups,
    can_manage_group_access,
    can_view_group_reports,
    department_scope,
    get_group_for_user_or_404,
    get_membership_for_user_or_404,
    get_subgroup_for_user_or_404,
    groups_visible_to,
)
from otmetka.academics.selectors import (
    card_check_due,
    course_year,
    curated_groups_with_rolls,
    group_leavers,
    group_roll,
    group_roster_history,
    group_subgroups,
    groups_for_list,
    students_for_list,
    students_on_roll,
    students_without_group,
    subgroup_member_ids,
    year_start_of,
)
from otmetka.academics.services import groups as services
from otmetka.accounts.permissions import ActiveRole, right_required, role_of
from otmetka.lib.dates import local_today
from otmetka.lib.errors import DomainError
from otmetka.lib.text import by_sex
from otmetka.lib.views import form_error, paginate, query_without_page, search_text
from otmetka.people.permissions import cards_openable_by, students_visible_to

GROUP_READERS = ("groups.view_all", "groups.view_own", "journal.view_own")
SUBGROUP_EDITORS = ("subgroups.edit_all", "subgroups.edit_own")
CARD_READERS = ("students.view_all", "students.edit_all", "students.view_own_group")
ACCESS_RIGHTS = ("credentials.issue_all", "credentials.issue_own_group")


def _today(role: ActiveRole) -> dt.date:
    return local_today(role.organization.timezone)


def _detail_url(group_id: int, on: dt.date | None = None) -> str:
    url = reverse("academics:group_detail", kwargs={"group_id": group_id})
    return f"{url}?on={on:%Y-%m-%d}" if on is not None else url


def _editable_group(role: ActiveRole, group_id: int) -> Group:
    group = get_group_for_user_or_404(role, group_id)
    if not can_edit_group(role, group):
        raise PermissionDenied
    return group


def _editable_subgroup(role: ActiveRole, subgroup_id: int) -> Subgroup:
    subgroup = get_subgroup_for_user_or_404(role, subgroup_id)
    if not can_edit_subgroups(role, subgroup.group):
        raise PermissionDenied
    return subgroup


# --- Groups --------------------------------------------------------------------------------------


@right_required("groups.view_all", "groups.view_own")
def group_list(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    today = _today(role)
    year = course_year(role.organization_id, today)
    form = GroupFilterForm(request.GET or None, organization_id=role.organization_id)
    groups = form.apply(groups_visible_to(role), year)
    page = paginate(request, groups_for_list(groups, today, year))
    return render(request, "academics/group_list.html", {
        "form": form, "page": page, "query": query_without_page(request), "today": today,
        "can_create": role.has("groups.edit"),
    })


@right_required("groups.edit")
def group_create(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    today = _today(role)
    form = GroupForm(
        request.POST or None, organization_id=role.organization_id,
        department_id=department_scope(role),
        initial={"intake_year": today.year if today.month >= 6 else today.year - 1},
    )
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(actor=role, **form.service_fields())
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Группа %(name)s создана.") % {"name": group.name})
            return redirect("academics:group_detail", group_id=group.pk)
    return render(request, "academics/group_form.html", {"form": form, "group": None})


@right_required("groups.edit")
def group_edit(request: HttpRequest, group_id: int) -> HttpResponse:
    role = role_of(request)
    group = _editable_group(role, group_id)
    form = GroupEditForm(
        request.POST or None, organization_id=role.organization_id,
        department_id=department_scope(role), initial=GroupEditForm.initial_for(group),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.group_update(actor=role, group=group, **form.service_fields())
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Группа %(name)s сохранена.") % {"name": group.name})
            return redirect("academics:group_detail", group_id=group.pk)
    return render(request, "academics/group_form.html", {"form": form, "group": group})


@right_required(*GROUP_READERS)
def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    role = role_of(request)
    group = get_group_for_user_or_404(role, group_id)
    day_form = DayForm.for_day(request.GET, _today(role))
    on = day_form.day(_today(role))
    roll = group_roll(group, on)
    since = year_start_of(role.organization_id, on)
    leavers = group_leavers(group, since=since, on=on)
    students = [line.student.pk for line in roll] + [m.student_id for m in leavers]
    return render(request, "academics/group_detail.html", {
        "group": group, "day_form": day_form, "on": on, "roll": roll, "since": since,
        "course": group.course_in(since.year), "year_name": f"{since.year}/{since.year + 1}",
        "leavers": leavers,
        "subgroups": group_subgroups(group, roll),
        "can_edit": can_edit_group(role, group),
        "can_edit_subgroups": can_edit_subgroups(role, group),
        "can_manage_access": can_manage_group_access(role, group),
        "can_view_reports": can_view_group_reports(role, group),
        # Links only to the cards the actor may open (a curator: not a leaver of past years).
        "cards": cards_openable_by(role, students),
    })


@right_required(*GROUP_READERS)
def group_roster(request: HttpRequest, group_id: int) -> HttpResponse:
    role = role_of(request)
    group = get_group_for_user_or_404(role, group_id)
    memberships = group_roster_history(group)
    return render(request, "academics/roster_history.html", {
        "group": group, "memberships": memberships, "today": _today(role),
        "cards": cards_openable_by(role, [m.student_id for m in memberships]),
    })


# --- Roster: enrolment, adding and closing memberships -----------------------------------------


@right_required("groups.edit")
def group_enrol(request: HttpRequest, group_id: int) -> HttpResponse:
    role = role_of(request)
    group = _editable_group(role, group_id)
    form = EnrolForm(request.POST or None, initial={"date_from": _today(role)})
    if request.method == "POST" and form.is_valid():
        try:
            student = services.student_enrol(actor=role, group=group, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            enrolled = by_sex(
                student.person.grammatical_sex,
                male=_("%(name)s зачислен в группу %(group)s."),
                female=_("%(name)s зачислена в группу %(group)s."),
                unknown=_("%(name)s зачислен(а) в группу %(group)s."),
            )
            messages.success(
                request, enrolled % {"name": student.person.full_name, "group": group.name}
            )
            return redirect(_detail_url(group.pk, form.cleaned_data["date_from"]))
    return render(request, "academics/group_enrol.html", {"group": group, "form": form})


@right_required("groups.edit")
def group_add_member(request: HttpRequest, group_id: int) -> HttpResponse:
    role = role_of(request)
    group = _editable_group(role, group_id)
    day_form = DayForm.for_day(request.GET, _today(role))
    on = day_form.day(_today(role))
    text = search_text(request)
    candidates = students_without_group(organization_id=role.organization_id, on=on, text=text)
    form = MemberAddForm(request.POST or None, candidates=candidates, initial={"date_from": on})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.membership_add(actor=role, group=group, student=data["student"],
                                    date_from=data["date_from"], date_to=data["date_to"],
                                    basis=data["basis"])
        except DomainError as error:
            form_error(form, error)
        else:
            person = data["student"].person
            added = by_sex(
                person.grammatical_sex,
                male=_("%(name)s добавлен в группу %(group)s."),
                female=_("%(name)s добавлена в группу %(group)s."),
                unknown=_("%(name)s добавлен(а) в группу %(group)s."),
            )
            messages.success(request, added % {"name": person.full_name, "group": group.name})
            return redirect(_detail_url(group.pk, data["date_from"]))
    return render(request, "academics/group_add_member.html", {
        "group": group, "form": form, "day_form": day_form, "on": on, "q": text,
    })


@require_POST
@right_required("groups.edit")
def membership_close(request: HttpRequest, membership_id: int) -> HttpResponse:
    role = role_of(request)
    membership = get_membership_for_user_or_404(role, membership_id)
    if not can_edit_group(role, membership.group):
        raise PermissionDenied
    form = MembershipCloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Укажите последний день в группе."))
        return redirect(_detail_url(membership.group_id))
    date_to = form.cleaned_data["date_to"]
    try:
        services.membership_close(actor=role, membership=membership, date_to=date_to)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s — последний день в группе %(date)s.")
                         % {"name": membership.student.person.full_name,
                            "date": f"{date_to:%d.%m.%Y}"})
    return redirect(_detail_url(membership.group_id))


# --- Subgroups -----------------------------------------------------------------------------------


@right_required(*SUBGROUP_EDITORS)
def subgroup_create(request: HttpRequest, group_id: int) -> HttpResponse:
    role = role_of(request)
    group = get_group_for_user_or_404(role, group_id)
    if not can_edit_subgroups(role, group):
        raise PermissionDenied
    form = SubgroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subgroup = services.subgroup_create(actor=role, group=group,
                                                name=form.cleaned_data["name"])
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Подгруппа создана; отметьте её состав."))
            return redirect("academics:subgroup_edit", subgroup_id=subgroup.pk)
    return render(request, "academics/subgroup_form.html", {"group": group, "form": form})


@right_required(*SUBGROUP_EDITORS)
def subgroup_edit(request: HttpRequest, subgroup_id: int) -> HttpResponse:
    role = role_of(request)
    subgroup = _editable_subgroup(role, subgroup_id)
    day_form = DayForm.for_day(request.GET, _today(role))
    on = day_form.day(_today(role))
    form = SubgroupEditForm(
        request.POST or None, roll=students_on_roll(subgroup.group, on),
        initial={"name": subgroup.name, "students": subgroup_member_ids(subgroup, on)},
    )
    # The roll is saved as of `on`: a day in the address that is no date refuses the save
    # (its message is shown at the day field) instead of saving as of today.
    day_refused = day_form.is_bound and not day_form.is_valid()
    if request.method == "POST" and not day_refused and form.is_valid():
        data = form.cleaned_data
        try:
            services.subgroup_update(actor=role, subgroup=subgroup, name=data["name"],
                                     student_ids=[s.pk for s in data["students"]], on=on)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Подгруппа %(name)s сохранена.") % {"name": subgroup.name})
            return redirect(_detail_url(subgroup.group_id, on))
    return render(request, "academics/subgroup_edit.html", {
        "subgroup": subgroup, "form": form, "day_form": day_form, "on": on,
    })


@require_POST
@right_required(*SUBGROUP_EDITORS)
def subgroup_delete(request: HttpRequest, subgroup_id: int) -> HttpResponse:
    role = role_of(request)
    subgroup = _editable_subgroup(role, subgroup_id)
    group_id, name = subgroup.group_id, subgroup.name
    try:
        services.subgroup_delete(actor=role, subgroup=subgroup)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("academics:subgroup_edit", subgroup_id=subgroup_id)
    messages.success(request, _("Подгруппа %(name)s удалена.") % {"name": name})
    return redirect(_detail_url(group_id))


# --- Students and the curator's start page -----------------------------------------------------


@right_required("students.view_all")
def student_list(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    today = _today(role)
    groups = groups_visible_to(role).filter(is_active=True).order_by("-intake_year", "name")
    form = StudentFilterForm(request.GET or None, groups=groups)
    students = form.apply(students_visible_to(role), today)
    page = paginate(request, students_for_list(students, today))
    return render(request, "academics/student_list.html", {
        "form": form, "page": page, "query": query_without_page(request), "today": today,
    })


@right_required("groups.view_own")
def my_groups(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    today = _today(role)
    rolls = []
    if role.employee_id is not None:
        rolls = curated_groups_with_rolls(
            organization_id=role.organization_id, employee_id=role.employee_id, on=today,
            year=course_year(role.organization_id, today),
        )
    cards_due = sum(
        card_check_due(line.student, today) for roll in rolls for line in roll.lines
    )
    return render(request, "academics/my_groups.html", {
        "rolls": rolls, "today": today, "show_cards": role.has_any(*CARD_READERS),
        "cards_due": cards_due, "can_check_cards": role.has("students.edit_contacts_own_group"),
        "can_manage_access": role.has_any(*ACCESS_RIGHTS),
    })
