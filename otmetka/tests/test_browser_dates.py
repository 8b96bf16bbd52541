"""In Chromium: every date field shows its date, and a form sent unchanged keeps its dates.

A browser shows `<input type="date">` empty unless its value is ISO (`2026-11-16`): the
localized `16.11.2026` that Django's own date widget writes is dropped, and a required field
then stops the form until dates nobody can see are typed again (issue 11, point 3: editing a
timetable pair blanked «Действует с/по»).

The pages are generated from the URL configuration, as in the isolation test
(`test_url_security`): every page of the project is opened, without parameters, by every role of
the persona world that it lets in, and each date or date-and-time field that arrives with a
value must show that value in the browser. Every form class with a date field must be among the
forms those pages showed, or be named below with the page that writes its field by hand. Then
the forms people edit are sent as they open, and the dates they hold must be the same after.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.conf import settings
from django.db.models import Model
from django.test.utils import ContextList
from django.urls import reverse

from otmetka.academics.models import Curriculum
from otmetka.accounts.permissions import effective_rights
from otmetka.accounts.roles import Role
from otmetka.journal.models import JournalUnlock, Lesson, UnlockRequest
from otmetka.messaging.models import Announcement
from otmetka.movement.models import Order
from otmetka.people.models import Consent
from otmetka.schedule.models import TimetableEntry
from otmetka.schedule.tests.factories_entries import make_bells, make_entry
from otmetka.test import TODAY, World
from otmetka.tests.test_url_security import OBJECT_KWARGS, PLAIN_KWARGS, PUBLIC, ROUTES, Route

pytestmark = pytest.mark.browser

DATE_FIELDS = 'input[type="date"], input[type="datetime-local"]'
ISO = {
    "date": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "datetime-local": re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"),
}
# Every role of the persona world, with the user who holds it: the widest rights first, as they
# see the most forms of a page.
ROLES: list[tuple[str, str]] = [
    ("deputy", Role.DEPUTY),
    ("admin", Role.ADMIN),
    ("director", Role.DIRECTOR),
    ("head", Role.DEPT_HEAD),
    ("dispatcher", Role.DISPATCHER),
    ("secretary", Role.SECRETARY),
    ("hr", Role.HR),
    ("methodist", Role.METHODIST),
    ("curator", Role.CURATOR),
    ("teacher", Role.TEACHER),
    ("student", Role.STUDENT),
    ("parent", Role.PARENT),
]
# Documents, not pages: nothing to show in a field, and building them is what takes time.
DOCUMENTS = ("pdf", "xlsx", "ics", "template", "export", "export_group", "download", "badge")
SKIPPED = {"accounts:logout"}
# Forms whose date field a page writes by hand, one per row; the sweep opens those pages.
WRITTEN_BY_HAND = {
    "otmetka.people.forms.ConsentRevokeForm": "people/includes/consent_revoke.html",
    "otmetka.people.forms.CardCheckedForm": "academics/card_checks.html, people/student_detail",
    "otmetka.academics.forms.groups.MembershipCloseForm": "academics/group_detail.html",
    "otmetka.journal.forms.grid.UnlockAnswerForm": "journal/unlock_list.html",
    "otmetka.diary.forms.LetterPeriodForm": "diary/letters.html (one link per student)",
    # Opens for a closed attestation sheet only; the sweep's sheet is open. Its deadline is the
    # project's DateField through includes/form.html, as on the pages the sweep checks.
    "otmetka.reports.forms.RetakeIssueForm": "reports/retake_issue.html (a closed sheet's)",
}
# Where the field errors of a page show (includes/form.html, Django's own list, messages).
ERRORS = ".has-error, .form-errors, .errorlist, .messages .error"


@dataclass(frozen=True)
class DateBox:
    """A date or date-and-time field of a page, as the server wrote it."""

    position: int  # among the page's date and date-and-time fields
    kind: str
    name: str
    value: str


class _DateBoxes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[DateBox] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        kind = values.get("type") or ""
        if tag == "input" and kind in ISO:
            name, value = values.get("name") or "", values.get("value") or ""
            self.found.append(DateBox(len(self.found), kind, name, value))


def date_boxes(html: str) -> list[DateBox]:
    parser = _DateBoxes()
    parser.feed(html)
    return parser.found


@dataclass(frozen=True)
class Door:
    """A page as one role opens it, with the date fields that came with a value."""

    route: str
    user_key: str
    role: str
    url: str
    boxes: tuple[DateBox, ...]


def _page_urls(world: World) -> Iterator[tuple[Route, str]]:
    made: dict[str, Any] = {}
    for route in ROUTES:
        if route.name in PUBLIC or route.name in SKIPPED:
            continue
        if route.name.rsplit(":", 1)[-1].endswith(DOCUMENTS):
            continue
        for name in route.kwargs:
            if name not in made:
                made[name] = (OBJECT_KWARGS.get(name) or PLAIN_KWARGS[name])(world)
        yield route, reverse(route.name, kwargs={name: made[name] for name in route.kwargs})


def _forms_in(context: Any) -> Iterator[type[forms.BaseForm]]:
    contexts: list[Any] = list(context) if isinstance(context, ContextList) else [context]
    for each in contexts:
        if each is None:
            continue
        for value in each.flatten().values():
            if isinstance(value, forms.BaseForm):
                yield type(value)


def _sameness(route: Route, role: str, world: World) -> object | None:
    """What a page lets a role do (None: it does not let the role in). Roles the page lets do
    the same mostly see the same page; students and parents pick their student apart."""
    required = frozenset(getattr(route.view, "required_rights", None) or ())
    granted = required & effective_rights(world.org.pk, role)
    if required and not granted:
        return None
    return granted, role if role in (Role.STUDENT, Role.PARENT) else "staff"


def open_every_page(world: World) -> tuple[list[Door], set[type[forms.BaseForm]]]:
    """The pages that show a date field with a value, and every form class the pages showed.

    Each page is opened by one role of each set of rights it grants; a page with a date field
    then by every other role it lets in as well (the head of department closes a membership
    on the group's page, which the deputy reads).
    """
    clients = {role: world.client_for(user_key, role=role) for user_key, role in ROLES}
    doors: list[Door] = []
    shown: set[type[forms.BaseForm]] = set()
    for route, url in _page_urls(world):
        let_in = [(key, role, same) for key, role in ROLES
                  if (same := _sameness(route, role, world)) is not None]  # fmt: skip
        first = {same: role for _key, role, same in reversed(let_in)}
        dated = False
        for second_pass in (False, True):
            if second_pass and not dated:
                break
            for user_key, role, same in let_in:
                if (first[same] == role) == second_pass:
                    continue
                response = clients[role].get(url)
                if response.status_code == 405:  # an action, whoever asks
                    break
                if response.status_code != 200 or "html" not in response["Content-Type"]:
                    continue
                shown.update(_forms_in(response.context))
                found = date_boxes(response.content.decode())
                dated = dated or bool(found)
                boxes = tuple(box for box in found if box.value)
                if boxes:
                    doors.append(Door(route.name, user_key, role, url, boxes))
    return doors, shown


def _form_classes(root: type[forms.BaseForm] = forms.BaseForm) -> Iterator[type[forms.BaseForm]]:
    for cls in root.__subclasses__():
        yield cls
        yield from _form_classes(cls)


def forms_with_dates() -> dict[type[forms.BaseForm], str]:
    """Every form class of the project with a date field a person sees, by its dotted name."""
    found = {}
    for form in _form_classes():
        fields: dict[str, forms.Field] = getattr(form, "base_fields", {})
        if form.__module__.startswith("otmetka.") and any(
            isinstance(field, forms.DateField | forms.DateTimeField)
            and not isinstance(field.widget, forms.HiddenInput)
            for field in fields.values()
        ):
            found[form] = f"{form.__module__}.{form.__qualname__}"
    return found


def browser_page(browser: Any, live_server: Any, world: World, user_key: str, role: str) -> Any:
    """A browser tab signed in as the persona, acting in `role`."""
    client = world.client_for(user_key, role=role)
    context = browser.new_context(locale="ru-RU", timezone_id="Asia/Tomsk")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def shown_dates(page: Any) -> dict[str, str]:
    """What the browser shows in each date field of the page, by the field's name."""
    fields = page.locator(DATE_FIELDS)
    return {
        fields.nth(n).get_attribute("name"): fields.nth(n).input_value()
        for n in range(fields.count())
    }


def send_unchanged(page: Any, field: str) -> str:
    """Send the form that holds `field` as it is; "" when it went, else why not."""
    from playwright.sync_api import TimeoutError as NoNavigation  # as conftest: imported late

    form = page.locator("form", has=page.locator(f'[name="{field}"]')).first
    button = form.locator('[type="submit"]').first
    try:
        with page.expect_navigation(timeout=5_000):
            button.click()
    except NoNavigation:  # the browser kept the form: a required field it shows as empty
        return "the browser did not send the form"
    errors = page.locator(ERRORS)
    if errors.count():
        return "the page answered: " + " | ".join(errors.all_inner_texts())
    return ""


def _open_diaries(world: World) -> None:
    for person in (world.college.student.person, world.college.parent):
        Consent.objects.create(person=person, signed_on=dt.date(2025, 9, 1), document="№ 1")


def test_every_date_field_shows_its_date(
    transactional_db: None, world: World, live_server: Any, browser: Any
) -> None:
    _open_diaries(world)
    make_bells(world.org)
    doors, shown = open_every_page(world)
    problems = []
    pages: dict[tuple[str, tuple[DateBox, ...]], Door] = {}
    for door in doors:
        pages.setdefault((door.url, door.boxes), door)
    tabs: dict[str, Any] = {}
    for door in pages.values():
        if door.role not in tabs:
            tabs[door.role] = browser_page(browser, live_server, world, door.user_key, door.role)
        page = tabs[door.role]
        page.goto(live_server.url + door.url)
        fields = page.locator(DATE_FIELDS)
        for box in door.boxes:
            # What this very page was sent: a proposed moment moves on with the clock.
            sent = fields.nth(box.position).get_attribute("value") or ""
            seen = fields.nth(box.position).input_value()
            if seen != sent or not ISO[box.kind].fullmatch(seen):
                problems.append(
                    f"{door.url} as {door.user_key}: {box.name} is {sent!r} on the server, "
                    f"{seen!r} in the browser"
                )
    for page in tabs.values():
        page.context.close()
    # The pages of the issue are among those opened.
    assert {door.route for door in doors} >= {
        "schedule:entry_edit",  # «Действует с/по»
        "schedule:group_week",  # «Добавить пару»
        "reports:contingent",
        "reports:movement",
        "movement:order_create",
        "org:period_edit",
        "org:year_edit",
        "journal:grid",  # «Добавить занятие»
        "journal:unlock_list",  # «Действует до»
        "messaging:announcement_edit",
        "people:student_edit",
    }
    assert not problems, "\n".join(problems)
    unseen = [
        name
        for form, name in forms_with_dates().items()
        if name not in WRITTEN_BY_HAND
        and not any(issubclass(each, form) for each in shown)
    ]
    assert unseen == [], "no page showed these forms: open them, or name the page that writes them"


@dataclass(frozen=True)
class Edit:
    """A form that edits an object: who opens it, where, and the object's date fields."""

    user_key: str
    role: str
    url: str
    instance: Model
    fields: tuple[str, ...]


def _edits(world: World) -> list[Edit]:
    college = world.college
    entry = make_entry(college.workload, weekday=2, pair_number=1)
    announcement = Announcement.objects.create(
        organization=world.org,
        author=world.user("director"),
        title="Собрание",
        body="В пятницу",
        valid_from=dt.date(2026, 11, 1),
        valid_to=dt.date(2026, 11, 30),
    )
    curriculum: Curriculum = college.curriculum
    curriculum.approved_on = dt.date(2025, 6, 30)
    curriculum.save(update_fields=["approved_on"])
    student, teacher = college.student, college.employees["teacher"]
    return [
        Edit("dispatcher", Role.DISPATCHER, reverse("schedule:entry_edit", args=[entry.pk]),
             entry, ("valid_from", "valid_to")),
        Edit("deputy", Role.DEPUTY, reverse("org:year_edit", args=[college.year.pk]),
             college.year, ("date_from", "date_to")),
        Edit("deputy", Role.DEPUTY, reverse("org:period_edit", args=[college.semester1.pk]),
             college.semester1, ("date_from", "date_to")),
        Edit("director", Role.DIRECTOR,
             reverse("messaging:announcement_edit", args=[announcement.pk]),
             announcement, ("valid_from", "valid_to")),
        Edit("methodist", Role.METHODIST,
             reverse("academics:curriculum_edit", args=[curriculum.pk]),
             curriculum, ("approved_on",)),
        Edit("secretary", Role.SECRETARY, reverse("people:student_edit", args=[student.pk]),
             student.person, ("birth_date",)),
        Edit("secretary", Role.SECRETARY, reverse("people:student_edit", args=[student.pk]),
             student, ("enrolment_order_date",)),
        Edit("hr", Role.HR, reverse("people:staff_edit", args=[teacher.pk]),
             teacher, ("hire_date",)),
    ]  # fmt: skip


def test_forms_saved_unchanged_keep_their_dates(
    transactional_db: None, world: World, live_server: Any, browser: Any
) -> None:
    make_bells(world.org)
    world.college.student.person.birth_date = dt.date(1987, 3, 14)  # a late learner
    world.college.student.person.save(update_fields=["birth_date"])
    problems = []
    for edit in _edits(world):
        before = {name: getattr(edit.instance, name) for name in edit.fields}
        assert all(before.values()), edit
        page = browser_page(browser, live_server, world, edit.user_key, edit.role)
        page.goto(live_server.url + edit.url)
        shown = shown_dates(page)
        wanted = {name: value.isoformat() for name, value in before.items()}
        if {name: shown.get(name) for name in edit.fields} != wanted:
            problems.append(f"{edit.url}: shows {shown}, the object holds {wanted}")
        elif why := send_unchanged(page, edit.fields[0]):
            problems.append(f"{edit.url}: {why}")
        page.context.close()
        edit.instance.refresh_from_db()
        after = {name: getattr(edit.instance, name) for name in edit.fields}
        if after != before:
            problems.append(f"{edit.url}: {before} became {after}")
    assert not problems, "\n".join(problems)


def test_new_objects_take_the_dates_the_form_proposed(
    transactional_db: None, world: World, live_server: Any, browser: Any
) -> None:
    """«Добавить пару», a lesson, an order, an announcement and an unlock, each sent with the
    dates as proposed."""
    make_bells(world.org)
    college = world.college
    UnlockRequest.objects.create(
        workload=college.workload, requested_by=world.user("teacher"), reason="Ошибка в отметке"
    )
    tomsk = ZoneInfo("Asia/Tomsk")

    # The dispatcher adds a pair on the group's week: in force from this Monday to the year's end.
    page = browser_page(browser, live_server, world, "dispatcher", Role.DISPATCHER)
    page.goto(live_server.url + reverse("schedule:group_week", args=[college.group.pk]))
    assert shown_dates(page)["valid_from"] == TODAY.isoformat()
    proposed_end = shown_dates(page)["valid_to"]
    assert proposed_end == college.year.date_to.isoformat()
    form = page.locator("form", has=page.locator('[name="valid_from"]'))
    form.locator('[name="workload"]').select_option(index=1)
    form.locator('[name="weekday"]').select_option(value="3")
    form.locator('[name="pair_number"]').fill("2")
    assert send_unchanged(page, "valid_from") == ""
    entry = TimetableEntry.objects.get(workload=college.workload)
    assert (entry.valid_from, entry.valid_to) == (TODAY, college.year.date_to)
    page.context.close()

    # The teacher adds today's lesson from the journal.
    page = browser_page(browser, live_server, world, "teacher", Role.TEACHER)
    page.goto(live_server.url + reverse("journal:grid", args=[college.workload.pk]))
    assert shown_dates(page)["date"] == TODAY.isoformat()
    page.locator("#id_pair_number").fill("1")
    assert send_unchanged(page, "date") == ""
    assert Lesson.objects.get(workload=college.workload).date == TODAY
    page.context.close()

    # The head of department starts an order dated today.
    page = browser_page(browser, live_server, world, "head", Role.DEPT_HEAD)
    page.goto(live_server.url + reverse("movement:order_create"))
    assert shown_dates(page)["date"] == TODAY.isoformat()
    page.locator("#id_number").fill("15-к")
    assert send_unchanged(page, "date") == ""
    assert Order.objects.get(number="15-к").date == TODAY
    page.context.close()

    # The director announces something for the proposed week.
    page = browser_page(browser, live_server, world, "director", Role.DIRECTOR)
    page.goto(live_server.url + reverse("messaging:announcement_create"))
    proposed = shown_dates(page)
    page.locator("#id_title").fill("Субботник")
    page.locator("#id_body").fill("В субботу в 10:00")
    assert send_unchanged(page, "valid_from") == ""
    announcement = Announcement.objects.get(title="Субботник")
    assert (announcement.valid_from.isoformat(), announcement.valid_to.isoformat()) == (
        proposed["valid_from"],
        proposed["valid_to"],
    )
    page.context.close()

    # The deputy opens a journal until the proposed moment, and answers the teacher's request.
    page = browser_page(browser, live_server, world, "deputy", Role.DEPUTY)
    page.goto(live_server.url + reverse("journal:unlock_grant", args=[college.workload.pk]))
    until = shown_dates(page)["valid_until"]
    assert until
    page.locator("#id_reason").fill("Исправление ошибки в отметке")
    assert send_unchanged(page, "valid_until") == ""
    granted = JournalUnlock.objects.get()
    assert granted.valid_until.astimezone(tomsk).strftime("%Y-%m-%dT%H:%M") == until
    JournalUnlock.objects.all().delete()
    page.goto(live_server.url + reverse("journal:unlock_list"))
    until = shown_dates(page)["valid_until"]
    assert until
    assert send_unchanged(page, "valid_until") == ""
    answered = JournalUnlock.objects.get()
    assert answered.valid_until.astimezone(tomsk).strftime("%Y-%m-%dT%H:%M") == until
    page.context.close()


def test_report_dates_survive_showing_the_report(
    transactional_db: None, world: World, live_server: Any, browser: Any
) -> None:
    """The contingent's «На дату» and the movement's period: «Показать» keeps them."""
    page = browser_page(browser, live_server, world, "head", Role.DEPT_HEAD)
    year_start = world.college.year.date_from.isoformat()
    for name, dates in (
        ("reports:contingent", {"on": TODAY.isoformat()}),
        ("reports:movement", {"date_from": year_start, "date_to": TODAY.isoformat()}),
    ):
        page.goto(live_server.url + reverse(name))
        assert shown_dates(page) == dates, name
        assert send_unchanged(page, next(iter(dates))) == "", name
        for field, value in dates.items():
            assert f"{field}={value}" in page.url, (name, page.url)
        assert shown_dates(page) == dates, name
    page.context.close()
