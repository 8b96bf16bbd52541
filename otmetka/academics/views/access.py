"""A group's access page: accounts, one-time passwords and consents of its students and parents
(Положение 3.8, 3.10, 3.14, 4.5), for the group's curator and the administrator."""

from __future__ import annotations

import base64
import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from otmetka.academics.access import SHOW_CHOICES, AccessRow, GroupAccess, group_access
from otmetka.academics.forms.access import (
    AccessFilterForm,
    GroupIssueForm,
    SlipFormatForm,
    back_anchor,
)
from otmetka.academics.models import Group
from otmetka.academics.permissions import can_manage_group_access, get_group_for_user_or_404
from otmetka.academics.services.credentials import IssuedCredential, credentials_issue_group
from otmetka.accounts.permissions import ActiveRole, right_required, role_of
from otmetka.accounts.services import account_set_active, transliterate
from otmetka.lib.confirm import confirmation_step
from otmetka.lib.dates import local_today
from otmetka.lib.errors import DomainError
from otmetka.lib.pdf import render_pdf
from otmetka.people.forms import ConsentForm, ConsentRevokeForm
from otmetka.people.models import Person
from otmetka.people.services import consent_record, consent_revoke

ACCESS_RIGHTS = ("credentials.issue_all", "credentials.issue_own_group")


def _today(role: ActiveRole) -> dt.date:
    return local_today(role.organization.timezone)


def _group(role: ActiveRole, group_id: int) -> Group:
    """The group (404 outside the actor's scope; 403 for a reader who is not its curator)."""
    group = get_group_for_user_or_404(role, group_id)
    if not can_manage_group_access(role, group):
        raise PermissionDenied
    return group


def _access(role: ActiveRole, group: Group) -> GroupAccess:
    return group_access(group, _today(role))


def _row(access: GroupAccess, person_id: int) -> AccessRow:
    row = access.row_for(person_id)
    if row is None:
        raise Http404
    return row


def _back(request: HttpRequest, group: Group) -> HttpResponse:
    """To the access page, with the filter it was opened with, at the row acted on."""
    url = reverse("academics:group_access", kwargs={"group_id": group.pk})
    show = request.POST.get("show", "")
    if show in SHOW_CHOICES and show != "all":
        url += "?" + urlencode({"show": show})
    anchor = back_anchor(request.POST)
    return redirect(f"{url}#{anchor}" if anchor else url)


def _report(request: HttpRequest, form: Form) -> None:
    """The messages of a refused inline form, shown on the page it returns to."""
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, str(message))


@right_required(*ACCESS_RIGHTS)
def group_access_view(request: HttpRequest, group_id: int) -> HttpResponse:
    role = role_of(request)
    group = _group(role, group_id)
    access = _access(role, group)
    form = AccessFilterForm(request.GET or None)
    show = form.show_value()
    return render(
        request,
        "academics/access.html",
        {
            "group": group,
            "access": access,
            "rows": access.rows_for(show),
            "form": form,
            "show": show,
            "today": access.on,
            "tz": role.organization.timezone,
            "issue_form": GroupIssueForm(person_ids=[], initial={"format": "html"}),
        },
    )


@never_cache
@require_POST
@right_required(*ACCESS_RIGHTS)
def group_access_issue(request: HttpRequest, group_id: int) -> HttpResponse:
    role = role_of(request)
    group = _group(role, group_id)
    access = _access(role, group)
    form = GroupIssueForm(request.POST, person_ids=[row.person.pk for row in access.rows])
    if not form.is_valid():
        _report(request, form)
        return _back(request, group)
    data = form.cleaned_data
    person_ids = (
        data["person"]
        if form.marked_only()
        else access.candidates(
            students=data["students"], parents=data["parents"], only_never=data["only_never"]
        )
    )
    if not person_ids:
        nobody = (
            _("Отметьте в таблице, кому выдать реквизиты.")
            if form.marked_only()
            else _("Никого не нашлось: некому выдавать реквизиты.")
        )
        messages.error(request, nobody)
        return _back(request, group)
    return _issue(request, role, group, access, person_ids, form.format_value())


@never_cache
@require_POST
@right_required(*ACCESS_RIGHTS)
def group_access_person_issue(request: HttpRequest, group_id: int, person_id: int) -> HttpResponse:
    role = role_of(request)
    group = _group(role, group_id)
    access = _access(role, group)
    row = _row(access, person_id)
    form = SlipFormatForm(request.POST)
    if not form.is_valid():
        _report(request, form)
        return _back(request, group)
    return _issue(request, role, group, access, [row.person.pk], form.format_value())


def _renew_question(people: list[Person]) -> str:
    """What a new password does to people who already have one: their old one stops working."""
    if len(people) == 1:
        return _("Выдать %(name)s новый пароль? Старый перестанет действовать.") % {
            "name": people[0].short_name_dative
        }
    return ngettext(
        "Выдать новые временные пароли? Учётная запись уже есть у %(count)s человека: "
        "прежний пароль перестанет действовать.",
        "Выдать новые временные пароли? Учётные записи уже есть у %(count)s человек: "
        "их прежние пароли перестанут действовать.",
        len(people),
    ) % {"count": len(people)}


def _issue(
    request: HttpRequest,
    role: ActiveRole,
    group: Group,
    access: GroupAccess,
    person_ids: list[int],
    fmt: str,
) -> HttpResponse:
    chosen = set(person_ids)
    # A parent of two students of the group has two rows: one person.
    renewed = {
        row.person.pk: row.person for row in access.rows if row.person.pk in chosen and row.user
    }
    if renewed:
        step = confirmation_step(
            request,
            question=_renew_question(list(renewed.values())),
            button=_("Выдать новые пароли"),
            back=reverse("academics:group_access", kwargs={"group_id": group.pk}),
        )
        if step is not None:
            return step
    try:
        issued = credentials_issue_group(actor=role, group=group, person_ids=person_ids)
    except DomainError as error:
        messages.error(request, error.message)
        return _back(request, group)
    return _slips(request, role, group, issued, fmt)


def _slips(
    request: HttpRequest, role: ActiveRole, group: Group, issued: list[IssuedCredential], fmt: str
) -> HttpResponse:
    """The slips of the passwords just issued: a page to print, or the PDF itself.

    The PDF is made here, in the request that issued the passwords, not by a background task:
    a task would need the passwords stored somewhere until it ran, and they must exist only in
    this response (30 slips take well under a second).
    """
    context = {
        "organization": role.organization,
        "group": group,
        "issued": issued,
        "curators": [curator.person.full_name for curator in group.curators.all()],
        "site": request.build_absolute_uri(reverse("accounts:login")),
        "issued_on": _today(role),
        "tz": ZoneInfo(role.organization.timezone),
    }
    header = " · ".join([role.organization.name, _("Реквизиты доступа"), group.name])
    pdf = render_pdf("academics/access_slips_pdf.html", context, header=header)
    name = f"rekvizity-{transliterate(group.name) or group.pk}.pdf"
    if fmt == "pdf":
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    context |= {"pdf_name": name, "pdf_data": base64.b64encode(pdf).decode("ascii")}
    return render(request, "academics/access_slips.html", context)


@require_POST
@right_required(*ACCESS_RIGHTS)
def group_access_person_active(request: HttpRequest, group_id: int, person_id: int) -> HttpResponse:
    role = role_of(request)
    group = _group(role, group_id)
    row = _row(_access(role, group), person_id)
    user = row.user
    if user is None:
        messages.error(
            request, _("%(name)s: нет учётной записи.") % {"name": row.person.full_name}
        )
        return _back(request, group)
    if not row.manageable:
        messages.error(request, _("Это учётная запись сотрудника: её блокирует администратор АИС."))
        return _back(request, group)
    try:
        account_set_active(actor=role, user=user, is_active=not user.is_active)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        done = (
            _("Учётная запись %(login)s разблокирована.")
            if user.is_active
            else _("Учётная запись %(login)s заблокирована: войти с ней нельзя.")
        )
        messages.success(request, done % {"login": user.username})
    return _back(request, group)


@require_POST
@right_required(*ACCESS_RIGHTS)
def group_access_consent_add(request: HttpRequest, group_id: int, person_id: int) -> HttpResponse:
    role = role_of(request)
    group = _group(role, group_id)
    row = _row(_access(role, group), person_id)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        _report(request, form)
        return _back(request, group)
    try:
        consent_record(actor=role, person=row.person, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s: согласие внесено.") % {"name": row.person.full_name})
    return _back(request, group)


@require_POST
@right_required(*ACCESS_RIGHTS)
def group_access_consent_revoke(
    request: HttpRequest, group_id: int, consent_id: int
) -> HttpResponse:
    role = role_of(request)
    group = _group(role, group_id)
    access = _access(role, group)
    row = next(
        (r for r in access.rows if r.consent is not None and r.consent.pk == consent_id), None
    )
    if row is None or row.consent is None:
        raise Http404
    form = ConsentRevokeForm(request.POST)
    if not form.is_valid():
        _report(request, form)
        return _back(request, group)
    try:
        consent_revoke(actor=role, consent=row.consent, revoked_on=form.cleaned_data["revoked_on"])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(name)s: отзыв согласия отмечен.") % {"name": row.person.full_name}
        )
    return _back(request, group)
