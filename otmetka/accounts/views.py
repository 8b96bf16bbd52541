from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from otmetka.accounts import throttle
from otmetka.accounts.forms import (
    AuditFilterForm,
    LoginForm,
    PasswordChangeForm,
    RightsForm,
    RoleGrantForm,
    UserCreateForm,
)
from otmetka.accounts.middleware import ROLE_SESSION_KEY
from otmetka.accounts.models import RoleAssignment, User
from otmetka.accounts.navigation import START_PAGES
from otmetka.accounts.permissions import (
    can_issue_credentials,
    effective_rights,
    right_required,
    role_of,
    signed_in,
    users_visible_to,
)
from otmetka.accounts.rights import RIGHTS
from otmetka.accounts.roles import Role
from otmetka.accounts.selectors import audit_events
from otmetka.accounts.services import (
    credentials_issue,
    password_change,
    rights_set,
    role_grant,
    role_revoke,
    user_create,
    user_set_active,
)
from otmetka.audit.models import AuditEvent
from otmetka.audit.presentation import describe_events
from otmetka.audit.services import audit_record
from otmetka.lib.confirm import confirmation_step
from otmetka.lib.errors import DomainError
from otmetka.lib.views import form_error, paginate, parse_id, query_without_page, search_text
from otmetka.org.models import Department, Organization
from otmetka.people.models import Person


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("accounts:home")


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:home")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        address = throttle.client_address(request)
        known = User.objects.filter(username=username).values_list("pk", "organization_id").first()
        # Recorded as a failure before the password is hashed; forgotten below if it was right.
        verdict = throttle.attempt_start(
            username=username,
            address=address,
            trusted_device=throttle.is_trusted_device(request, known[0] if known else None),
            account_exists=known is not None,
        )
        if not verdict.allowed:
            form.add_error(
                None,
                _("Слишком много неудачных попыток входа. Повторите через %(seconds)s с.")
                % {"seconds": verdict.wait_seconds},
            )
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is not None:
                throttle.attempt_succeeded(verdict)
            if user is None:
                audit_record(
                    actor=None,
                    action=AuditEvent.Action.LOGIN_FAILED,
                    organization_id=known[1] if known else None,
                    object_type="accounts.user",
                    object_id=str(known[0]) if known else "",
                    object_repr=username,
                    address=address,
                )
                form.add_error(None, _("Неверный логин или пароль."))
            elif isinstance(user, User) and user.one_time_password_expired():
                form.add_error(
                    None,
                    _(
                        "Срок действия временного пароля истёк. Получите новый у того, кто выдал "
                        "реквизиты: обучающиеся и родители — у куратора группы, сотрудники — у "
                        "администратора АИС."
                    ),
                )
            else:
                return _sign_in(
                    request, user, remember=form.cleaned_data["remember"], address=address
                )
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "next": request.GET.get("next", ""),
            "remember_enabled": settings.SESSION_REMEMBER_ME_ENABLED,
        },
    )


def _sign_in(
    request: HttpRequest, user: User, *, remember: bool, address: str | None
) -> HttpResponse:
    login(request, user)
    if remember and settings.SESSION_REMEMBER_ME_ENABLED:
        request.session.set_expiry(settings.SESSION_REMEMBER_ME_SECONDS)
    else:
        request.session.set_expiry(settings.SESSION_COOKIE_AGE)
    audit_record(
        actor=user,
        action=AuditEvent.Action.LOGIN,
        organization_id=user.organization_id,
        obj=user,
        address=address,
    )
    response = redirect(_safe_next(request))
    response.set_cookie(
        throttle.TRUSTED_DEVICE_COOKIE,
        throttle.trusted_device_token(request, user.pk),
        max_age=settings.LOGIN_TRUSTED_DEVICE_DAYS * 86400,
        httponly=True,
        secure=settings.SECURE_COOKIES,
        samesite="Lax",
    )
    return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        assert isinstance(request.user, User)
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.LOGOUT,
            organization_id=request.user.organization_id,
            obj=request.user,
            address=throttle.client_address(request),
        )
    logout(request)
    return redirect("accounts:login")


def forgot_password(request: HttpRequest) -> HttpResponse:
    """Who issues credentials (Положение 3.10, 3.16): no self-service reset by e-mail."""
    organizations = Organization.objects.exclude(credentials_contact="")
    return render(request, "accounts/forgot.html", {"organizations": organizations})


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@never_cache
def password_change_view(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    user = request.user
    assert isinstance(user, User)
    form = PasswordChangeForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            password_change(
                user=user,
                new_password=form.cleaned_data["new_password1"],
                address=throttle.client_address(request),
            )
        except DomainError as error:
            form_error(form, error)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Пароль изменён."))
            return redirect("accounts:home")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "forced": user.must_change_password},
    )


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    return redirect(START_PAGES[role.role])


@require_POST
@signed_in
def role_switch(request: HttpRequest) -> HttpResponse:
    assignment = get_object_or_404(
        RoleAssignment, pk=parse_id(request.POST.get("assignment")), user=request.user
    )
    request.session[ROLE_SESSION_KEY] = assignment.pk
    return redirect(START_PAGES[assignment.role])


@signed_in
def profile(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    children = []
    if role.person is not None and role.role == Role.PARENT:
        children = list(
            role.person.wards.select_related("student__person").order_by(
                "student__person__sort_key"
            )
        )
    return render(request, "accounts/profile.html", {"person": role.person, "children": children})


# --- Administration: users, roles, rights, audit -------------------------------------------------


@right_required("users.staff", "users.students", "users.parents")
def user_list(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    users = users_visible_to(role).select_related("person").prefetch_related("role_assignments")
    text = search_text(request)
    if text:
        users = users.filter(
            Q(username__startswith=text.lower()) | Q(person__in=Person.objects.search(text))
        )
    wanted_role = request.GET.get("role", "")
    if wanted_role in Role.values:
        users = users.filter(role_assignments__role=wanted_role)
    page = paginate(request, users.order_by("person__sort_key", "username"))
    return render(
        request,
        "accounts/user_list.html",
        {
            "page": page,
            "q": text,
            "roles": Role.choices,
            "wanted_role": wanted_role,
            "query": query_without_page(request),
        },
    )


@never_cache  # the answer carries a one-time password
@right_required("users.staff", "users.students", "users.parents")
def user_create_view(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    wanted_role = request.GET.get("role")
    form = UserCreateForm(
        request.POST or None,
        initial={
            "person": request.GET.get("person"),
            "roles": [wanted_role] if wanted_role in Role.values else [],
        },
    )
    person = None
    person_id = request.POST.get("person") or request.GET.get("person")
    if person_id:
        # An id that is no id is a person one may not see: 404, and no account is made.
        person = get_object_or_404(
            Person, pk=parse_id(person_id), organization_id=role.organization_id
        )
    if request.method == "POST" and form.is_valid():
        try:
            user, password = user_create(
                actor=role,
                username=form.cleaned_data["username"],
                roles=form.cleaned_data["roles"],
                person_id=person.pk if person else None,
            )
        except DomainError as error:
            form_error(form, error)
        else:
            return render(
                request, "accounts/credentials_issued.html", {"target": user, "password": password}
            )
    return render(request, "accounts/user_create.html", {"form": form, "person": person})


def _user_for_admin(request: HttpRequest, user_id: int) -> User:
    return get_object_or_404(
        users_visible_to(role_of(request)).select_related("person"), pk=user_id
    )


@right_required("users.staff", "users.students", "users.parents")
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    role = role_of(request)
    target = _user_for_admin(request, user_id)
    departments = Department.objects.filter(organization_id=role.organization_id)
    form = RoleGrantForm(request.POST or None, departments=departments)
    if request.method == "POST" and form.is_valid():
        try:
            role_grant(
                actor=role,
                user=target,
                role=form.cleaned_data["role"],
                department_id=getattr(form.cleaned_data["department"], "pk", None),
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Роль назначена."))
            return redirect("accounts:user_detail", user_id=target.pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "assignments": target.role_assignments.select_related("department"),
            "form": form,
            "can_issue": can_issue_credentials(role, target),
            "issue_question": _issue_question(target),
        },
    )


def _issue_question(target: User) -> str:
    person = getattr(target, "person", None)  # the reverse one-to-one raises when there is none
    name = person.short_name_dative if person is not None else target.username
    return _("Выдать %(name)s новый пароль? Старый перестанет действовать.") % {"name": name}


@require_POST
@right_required("users.staff", "users.students", "users.parents")
def user_role_revoke(request: HttpRequest, user_id: int, assignment_id: int) -> HttpResponse:
    target = _user_for_admin(request, user_id)
    assignment = get_object_or_404(target.role_assignments, pk=assignment_id)
    try:
        role_revoke(actor=role_of(request), assignment=assignment)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("accounts:user_detail", user_id=target.pk)


@require_POST
@right_required("users.staff", "users.students", "users.parents")
def user_toggle_active(request: HttpRequest, user_id: int) -> HttpResponse:
    target = _user_for_admin(request, user_id)
    try:
        user_set_active(actor=role_of(request), user=target, is_active=not target.is_active)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("accounts:user_detail", user_id=target.pk)


@never_cache  # the answer carries a one-time password
@require_POST
@right_required("credentials.issue_all", "credentials.issue_own_group")
def user_issue_credentials(request: HttpRequest, user_id: int) -> HttpResponse:
    role = role_of(request)
    target = get_object_or_404(
        User.objects.filter(organization_id=role.organization_id, is_superuser=False), pk=user_id
    )
    if not can_issue_credentials(role, target):
        raise Http404
    if target.has_usable_password():
        back = reverse("accounts:user_detail", kwargs={"user_id": target.pk})
        step = confirmation_step(
            request, question=_issue_question(target), button=_("Выдать новый пароль"), back=back
        )
        if step is not None:
            return step
    password = credentials_issue(actor=role, user=target)
    return render(
        request, "accounts/credentials_issued.html", {"target": target, "password": password}
    )


@right_required("rights.edit")
def rights_overview(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    matrix = {code: effective_rights(role.organization_id, code) for code in Role.values}
    rows = [(right, [right.code in matrix[code] for code in Role.values]) for right in RIGHTS]
    return render(request, "accounts/rights_overview.html", {"roles": Role.choices, "rows": rows})


@right_required("rights.edit")
def rights_edit(request: HttpRequest, role_code: str) -> HttpResponse:
    role = role_of(request)
    if role_code not in Role.values:
        raise PermissionDenied
    current = effective_rights(role.organization_id, role_code)
    form = RightsForm(request.POST or None, initial={"rights": sorted(current)})
    if request.method == "POST" and form.is_valid():
        try:
            rights_set(actor=role, role=role_code, rights=form.cleaned_data["rights"])
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Права роли сохранены."))
            return redirect("accounts:rights")
    sections: dict[str, list[object]] = {}
    for right in RIGHTS:
        sections.setdefault(str(right.section), []).append(right)
    return render(
        request,
        "accounts/rights_edit.html",
        {
            "form": form,
            "role_label": Role(role_code).label,
            "role_code": role_code,
            "sections": sections,
            "current": current,
        },
    )


@right_required("audit.view")
def audit_log(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    form = AuditFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    events = audit_events(
        role.organization_id,
        role.organization.timezone,
        action=data.get("action") or "",
        actor=(data.get("actor") or "").strip(),
        about=(data.get("object") or "").strip(),
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )
    page = paginate(request, events)
    labels = dict(Role.choices)
    for event in page:
        event.role_label = labels.get(event.actor_role, "")
    describe_events(page, role.organization.timezone, choices={"role": labels})
    return render(
        request,
        "accounts/audit_log.html",
        {
            "form": form,
            "page": page,
            "query": query_without_page(request),
            "tz": role.organization.timezone,
        },
    )


