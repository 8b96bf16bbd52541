"""Crafted input on every URL: dates far outside the calendar (`?week=9999-12-31`,
`0001-01-01`), ids that are not numbers or overflow the database (`²`, twenty digits), NUL
bytes. Whoever sends them gets a page, a form's refusal, a 400 or a 404 — never a server
error.

Generated from the URL configuration like the isolation test (`test_url_security`): every
URL of the project is opened by the roles of the persona world that may open it, with crafted
query parameters and crafted form data. The parameter names are those the project's forms
declare and those the views read by hand; ids get real values when dates are crafted, so that
the dates reach the code that counts weeks. To stay within seconds, roles that a URL lets in
with the same rights are tried once (students and parents apart from staff), crafted query
strings go only to views that read theirs (one that never opens `request.GET` cannot be hurt
by a query string), and crafted form data to the first role a view lets in.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django import forms
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import got_request_exception
from django.db import transaction
from django.test import Client
from django.urls import reverse

from otmetka.accounts.middleware import ROLE_SESSION_KEY
from otmetka.accounts.models import RoleAssignment
from otmetka.accounts.permissions import effective_rights
from otmetka.accounts.roles import Role
from otmetka.lib.forms import ModelMultipleChoiceField
from otmetka.people.models import Consent, Employee, Position
from otmetka.test import TODAY, World
from otmetka.tests.test_url_security import OBJECT_KWARGS, PLAIN_KWARGS, PUBLIC, ROUTES, Route

FAR_FUTURE, FAR_PAST = "9999-12-31", "0001-01-01"
HUGE = "9" * 20  # more than a 64-bit integer
# "²" is a digit to `str.isdigit` but not to `int`, so it also stands for any other word where
# a number is wanted; PostgreSQL refuses a NUL byte in a text it is asked to compare.
SUPERSCRIPT, NUL = "²", "1\x00"

# Parameters that views read from the address by hand, next to their forms' fields.
DATE_NAMES = {"week", "date", "on", "date_from", "date_to", "valid_from", "valid_to"}
ID_NAMES = {
    "group", "teacher", "employee", "student", "person", "period", "year", "semester",
    "lesson", "parent", "to", "page", "workload", "item", "subgroup", "room", "role",
}  # fmt: skip
TEXT_NAMES = {"q", "kind", "view", "format", "next", "error", "archived", "all", "only_offline"}

# (persona, user of the world, active role); no user is the visitor who has not signed in.
PERSONAS: list[tuple[str, str | None, str | None]] = [
    ("anonymous", None, None),
    ("student", "student", Role.STUDENT),
    ("parent", "parent", Role.PARENT),
    ("teacher", "teacher", Role.TEACHER),
    ("curator", "curator", Role.CURATOR),
    ("dispatcher", "dispatcher", Role.DISPATCHER),
    ("methodist", "methodist", Role.METHODIST),
    ("secretary", "secretary", Role.SECRETARY),
    ("hr", "hr", Role.HR),
    ("dept_head", "head", Role.DEPT_HEAD),
    ("deputy", "deputy", Role.DEPUTY),
    ("admin", "admin", Role.ADMIN),
    ("director", "director", Role.DIRECTOR),
]
# Signing out would end the persona's part of the sweep.
SKIPPED = {"accounts:logout"}
# Actions that destroy what later requests open go late; those that sign a persona out (new
# passwords, rights taken away, another role) go last.
LATE_WORDS = ("delete", "remove", "revoke", "deactivate", "cancel", "clear", "close", "dismiss",
              "archive", "apply", "sign", "reopen")  # fmt: skip
SIGN_OUT_WORDS = ("password", "role_switch")  # the persona's own
LAST_WORDS = ("issue", "credentials", "active", "rights_edit")  # new passwords, fewer rights


def _order(route: Route) -> tuple[int, str]:
    for tier, words in enumerate((LAST_WORDS, SIGN_OUT_WORDS, LATE_WORDS)):
        if any(word in route.name for word in words):
            return 3 - tier, route.name
    return 0, route.name


def _form_classes(root: type[forms.BaseForm] = forms.BaseForm) -> Iterator[type[forms.BaseForm]]:
    for cls in root.__subclasses__():
        yield cls
        yield from _form_classes(cls)


def _declared_fields(form: type[forms.BaseForm]) -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = getattr(form, "base_fields", {})
    return fields


@dataclass
class Names:
    """Parameter names of the project, sorted by what a real value for them would be."""

    dates: set[str]
    ids: dict[str, Any]  # name → a model whose first row is a real value, or None
    texts: set[str]


def _names() -> Names:
    names = Names(set(DATE_NAMES), dict.fromkeys(ID_NAMES), set(TEXT_NAMES))
    for form in _form_classes():
        if not form.__module__.startswith("otmetka."):
            continue
        for name, form_field in _declared_fields(form).items():
            if isinstance(form_field, forms.DateField | forms.DateTimeField):
                names.dates.add(name)
            elif isinstance(form_field, forms.ModelChoiceField):
                if names.ids.get(name) is None and form_field.queryset is not None:
                    names.ids[name] = form_field.queryset.model
            elif isinstance(form_field, forms.IntegerField | forms.TypedChoiceField):
                names.ids.setdefault(name, None)
            elif not isinstance(form_field, forms.FileField):
                names.texts.add(name)
    return names


def _real_ids(world: World, names: Names) -> dict[str, str]:
    """A real value for each id parameter: an object of the persona's college."""
    known: dict[str, object] = {
        "group": world.college.group.pk,
        "teacher": world.college.employees["teacher"].pk,
        "employee": world.college.employees["teacher"].pk,
        "student": world.college.student.pk,
        "person": world.college.student.person.pk,
        "period": world.college.semester1.pk,
        "year": world.college.year.pk,
        "semester": 3,
        "workload": world.college.workload.pk,
        "item": world.college.mdk.pk,
        "subgroup": world.college.subgroup.pk,
        "role": Role.TEACHER,
    }
    values = {name: str(value) for name, value in known.items()}
    for name, model in names.ids.items():
        if name not in values and model is not None:
            first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
            if first is not None:
                values[name] = str(first)
    return values


def _variants(world: World, names: Names) -> dict[str, dict[str, str]]:
    """Sets of parameters: crafted dates next to real ids, and odd values in every place."""
    real = _real_ids(world, names)
    variants = {
        "far future": {**real, **dict.fromkeys(names.dates, FAR_FUTURE)},
        # The earliest day everywhere, except where a period ends: the longest period too.
        "far past": {
            **real,
            **{name: FAR_FUTURE if name.endswith("to") else FAR_PAST for name in names.dates},
        },
    }
    # Dates stay out of the first: a refused date could spare a view its ids.
    variants["huge ids, NUL in texts"] = {
        **dict.fromkeys(names.ids, HUGE),
        **dict.fromkeys(names.texts, NUL),
    }
    variants["superscript"] = dict.fromkeys(names.dates | names.texts | set(names.ids), SUPERSCRIPT)
    return variants


def _client(world: World, user_key: str | None, role: str | None) -> Client:
    client = Client(raise_request_exception=False)
    if user_key is not None:
        user = world.user(user_key)
        client.force_login(user)
        session = client.session
        session[ROLE_SESSION_KEY] = RoleAssignment.objects.get(user=user, role=role).pk
        session.save()
    return client


def _rights_key(route: Route, world: World, role: str | None) -> object | None:
    """What the URL lets the role do, or None when it does not let the role in at all.

    Students and parents stay apart from staff: their pages pick the student differently.
    """
    required = getattr(route.view, "required_rights", None)
    if role is None:
        return "public" if route.name in PUBLIC else None
    if route.name in PUBLIC:
        return None
    granted = frozenset(required or ()) & effective_rights(world.org.pk, role)
    if required and not granted:
        return None
    return (granted, role if role in (Role.STUDENT, Role.PARENT) else "staff")


@dataclass
class Reads:
    """Whether the last request's view looked at its query string or its form data."""

    query: bool = False
    form: bool = False


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Reads:
    """Requests that note when their view opens `request.GET` or `request.POST`."""
    seen = Reads()
    get_query = WSGIRequest.__dict__["GET"].func
    form_data = WSGIRequest.__dict__["POST"]

    def query(request: WSGIRequest) -> Any:
        seen.query = True
        # Built once per request, as Django's own cached property does.
        if "_query" not in request.__dict__:
            request.__dict__["_query"] = get_query(request)
        return request.__dict__["_query"]

    def form(request: WSGIRequest) -> Any:
        seen.form = True
        return form_data.fget(request)

    monkeypatch.setattr(WSGIRequest, "GET", property(query))
    monkeypatch.setattr(WSGIRequest, "POST", property(form, form_data.fset))
    return seen


@dataclass
class Sweep:
    """Sends requests and keeps every server error with the exception that caused it."""

    reads: Reads
    login_url: str
    errors: list[str] = field(default_factory=list)
    _exception: BaseException | None = None

    def _caught(self, **kwargs: Any) -> None:
        self._exception = sys.exc_info()[1]

    def send(self, who: str, client: Client, method: str, url: str, label: str,
             data: dict[str, str]) -> int:  # fmt: skip
        self._exception = None
        self.reads.query = self.reads.form = False
        send: Callable[..., Any] = client.get if method == "GET" else client.post
        # A failed query aborts PostgreSQL's transaction: go back to before the request so
        # that the sweep goes on (the server error fails the test anyway).
        savepoint = transaction.savepoint()
        got_request_exception.connect(self._caught)
        try:
            response = send(url, data)
        finally:
            got_request_exception.disconnect(self._caught)
        if response.status_code >= 500:
            transaction.savepoint_rollback(savepoint)
            self.errors.append(
                f"{method} {url} [{label}] as {who}: {response.status_code} {self._exception!r}"
            )
        else:
            transaction.savepoint_commit(savepoint)
        if who != "anonymous" and response.get("Location", "").startswith(self.login_url):
            # The persona was signed out by an earlier action: the rest would not be tried.
            self.errors.append(f"{method} {url} [{label}] as {who}: signed out")
        return int(response.status_code)


def _url(route: Route, world: World, made: dict[str, Any], huge: bool = False) -> str:
    for name in route.kwargs:
        if name not in made:
            made[name] = (OBJECT_KWARGS.get(name) or PLAIN_KWARGS[name])(world)
    kwargs = {name: made[name] for name in route.kwargs}
    if huge:
        kwargs = {name: int(HUGE) if isinstance(v, int) else v for name, v in kwargs.items()}
    return reverse(route.name, kwargs=kwargs)


def _open_diaries(world: World) -> None:
    """The student and the parent consented, so that their diary shows its weeks."""
    for person in (world.college.student.person, world.college.parent):
        Consent.objects.create(person=person, signed_on=dt.date(2025, 9, 1), document="№ 1")


def test_crafted_input_is_no_server_error(world: World, reads: Reads) -> None:
    _open_diaries(world)
    variants = _variants(world, _names())
    sweep = Sweep(reads, reverse("accounts:login"))
    made: dict[str, Any] = {}
    # A keyword without a maker fails the isolation test, which asks for it to be added.
    known = OBJECT_KWARGS.keys() | PLAIN_KWARGS.keys()
    routes = sorted(
        (r for r in ROUTES if r.name not in SKIPPED and set(r.kwargs) <= known), key=_order
    )
    clients = {persona: _client(world, user_key, role) for persona, user_key, role in PERSONAS}
    # Who may open each route, persona after persona, with what the route grants them.
    doors = [
        (route, persona, key)
        for persona, _user_key, role in PERSONAS
        for route in routes
        if (key := _rights_key(route, world, role)) is not None
    ]
    # Query strings go to the first persona of each set of rights a route grants that the
    # view lets in (a role may hold the route's right and still be refused its rows), if the
    # view reads its query string at all: the first persona let in tells.
    served: set[tuple[Route, object]] = set()
    reads_query: dict[Route, bool] = {}
    huge_tried: set[Route] = set()
    for route, persona, key in doors:
        if (route, key) in served or reads_query.get(route) is False:
            continue
        client, url = clients[persona], _url(route, world, made)
        probed = route not in reads_query
        if probed:
            huge = _url(route, world, made, huge=True)
            if huge != url and route not in huge_tried:
                huge_tried.add(route)
                sweep.send(persona, client, "GET", huge, "huge ids in the path", {})
            status = sweep.send(persona, client, "GET", url, "plain", {})
            if status in (403, 404) and not reads.query:
                continue
            reads_query[route] = reads.query
            if not reads.query:
                continue
        let_in = [
            sweep.send(persona, client, "GET", url, label, params) not in (403, 404)
            for label, params in variants.items()
        ]
        if probed or any(let_in):
            served.add((route, key))
    # Form data goes to the first persona a view lets in, route after route: the actions that
    # destroy what others open come last.
    posted: set[Route] = set()
    for route, persona, _key in sorted(doors, key=lambda door: routes.index(door[0])):
        if route in posted:
            continue
        client, url = clients[persona], _url(route, world, made)
        if sweep.send(persona, client, "POST", url, "empty", {}) in (403, 404) and not reads.form:
            continue
        posted.add(route)
        if reads.form:
            for label, data in variants.items():
                sweep.send(persona, client, "POST", url, label, data)
    # Nearly every route let someone in, and many read their query string.
    assert len(reads_query) > len(routes) * 0.9 and len(posted) > len(routes) * 0.9
    assert sum(reads_query.values()) > 50
    assert not sweep.errors, "\n".join(sweep.errors)


# --- The rules the sweep holds the pages to, one by one ------------------------------------------

OUT_OF_CALENDAR = ["9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01"]
OUT_OF_CALENDAR_MESSAGE = "Укажите дату между 2000 и 2100 годами."


def _week_pages(world: World) -> list[tuple[str, str, dict[str, str]]]:
    """Pages that show a week chosen with `?week=`: (persona, address, other parameters)."""
    group, teacher = world.college.group.pk, world.college.employees["teacher"].pk
    student, room = world.college.student.pk, world.college.organization.rooms.get().pk
    return [
        ("student", reverse("diary:week"), {}),
        ("parent", reverse("diary:week"), {}),
        ("curator", reverse("diary:student_week", kwargs={"student_id": student}), {}),
        ("student", reverse("schedule:my_week"), {}),
        ("student", reverse("schedule:group_week", kwargs={"group_id": group}), {}),
        ("teacher", reverse("schedule:teacher_week", kwargs={"employee_id": teacher}), {}),
        ("deputy", reverse("schedule:room_week", kwargs={"room_id": room}), {}),
        ("parent", reverse("schedule:week_pdf"), {"group": str(group)}),
        ("curator", reverse("journal:reasons", kwargs={"group_id": group}), {}),
    ]


def _persona_client(world: World, persona: str) -> Client:
    role = Role.CURATOR if persona == "curator" else None
    return world.client_for(persona, role=role)


@pytest.mark.parametrize("week", OUT_OF_CALENDAR)
def test_a_week_outside_the_calendar_is_refused(world: World, week: str) -> None:
    _open_diaries(world)
    for persona, url, params in _week_pages(world):
        response = _persona_client(world, persona).get(url, {**params, "week": week})
        assert response.status_code == 400, (url, persona, response.status_code)
        assert "Неверный адрес" in response.content.decode(), url


@pytest.mark.parametrize("week", ["2000-01-01", "2100-12-31", "16.11.2026", SUPERSCRIPT])
def test_the_calendar_s_own_weeks_and_words_open_a_week(world: World, week: str) -> None:
    """Its first and last days open their weeks; a word that is no date opens this week."""
    _open_diaries(world)
    for persona, url, params in _week_pages(world):
        response = _persona_client(world, persona).get(url, {**params, "week": week})
        assert response.status_code == 200, (url, persona, week, response.status_code)


def test_a_date_outside_the_calendar_is_the_field_s_error(world: World) -> None:
    group = world.college.group.pk
    letters = reverse("diary:letters_pdf", kwargs={"group_id": group})
    response = world.client_for("curator", role=Role.CURATOR).get(
        letters, {"date_from": "2026-11-01", "date_to": "9999-12-31"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["date_to"] == [OUT_OF_CALENDAR_MESSAGE]

    response = world.client_for("admin").get(
        reverse("accounts:audit_log"), {"date_from": "0001-01-01", "date_to": "9999-12-31"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "date_from": [OUT_OF_CALENDAR_MESSAGE],
        "date_to": [OUT_OF_CALENDAR_MESSAGE],
    }

    response = world.client_for("dispatcher").post(
        reverse("schedule:generate"), {"date_from": "2026-11-16", "date_to": "9999-12-31"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date_to"] == [OUT_OF_CALENDAR_MESSAGE]


def test_a_roll_on_a_day_outside_the_calendar_is_today_s(world: World) -> None:
    response = world.client_for("curator", role=Role.CURATOR).get(
        reverse("academics:group_detail", kwargs={"group_id": world.college.group.pk}),
        {"on": "0001-01-01"},
    )
    assert response.status_code == 200
    assert response.context["on"] == TODAY


@pytest.mark.parametrize("value", [HUGE, SUPERSCRIPT, "abc", NUL, "0", "-1"])
def test_an_id_that_cannot_be_one_is_a_multiple_choice_s_error(world: World, value: str) -> None:
    field = ModelMultipleChoiceField(queryset=Position.objects.all())
    with pytest.raises(forms.ValidationError) as refusal:
        field.clean([value])
    assert refusal.value.code == "invalid_choice"

    employees = Employee.objects.count()
    position = Position.objects.get(organization=world.org)
    response = world.client_for("hr").post(
        reverse("people:staff_create"),
        {
            "last_name": "Новикова",
            "first_name": "Анна",
            "sex": "female",
            "department": world.college.department.pk,
            "positions": [str(position.pk), value],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["positions"] == [
        field.error_messages["invalid_choice"] % {"value": value}
    ]
    assert Employee.objects.count() == employees


def test_every_multiple_choice_of_the_project_refuses_odd_ids() -> None:
    """Django's own field would ask SQLite about a twenty-digit id and fail with a server error."""
    plain = [
        f"{form.__module__}.{form.__qualname__}.{name}"
        for form in _form_classes()
        if form.__module__.startswith("otmetka.")
        for name, form_field in _declared_fields(form).items()
        if isinstance(form_field, forms.ModelMultipleChoiceField)
        and not isinstance(form_field, ModelMultipleChoiceField)
    ]
    assert plain == []


def test_a_journal_id_beyond_the_database_is_not_found(world: World) -> None:
    url = reverse("journal:grid", kwargs={"workload_id": int(HUGE)})
    assert world.client_for("teacher").get(url).status_code == 404


def test_a_nul_byte_in_a_search_is_dropped(world: World) -> None:
    """PostgreSQL refuses a NUL byte in a text to compare: the search goes on without it."""
    response = world.client_for("admin").get(reverse("accounts:user_list"), {"q": "учит\x00"})
    assert response.status_code == 200
    assert response.context["q"] == "учит"
