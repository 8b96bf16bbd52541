"""«Новый пароль» for someone who already has one asks first, naming the person, and the server
insists on the answer (issue 11, point 7): a plain POST issues nothing."""

from __future__ import annotations

from django.urls import reverse

from otmetka.academics.tests.factories_access import access_url, enrol
from otmetka.accounts.models import User
from otmetka.audit.models import AuditEvent
from otmetka.test import World

STUDENT_QUESTION = "Выдать Студентову И. П. новый пароль? Старый перестанет действовать."


def _passwords(world: World) -> dict[str, str]:
    return dict(User.objects.filter(organization=world.org).values_list("username", "password"))


def test_a_plain_post_for_someone_with_a_password_issues_nothing(world: World) -> None:
    student = world.user("student")
    assert student.last_login is None  # never signed in, but the password is already handed out
    before, audit_rows = _passwords(world), AuditEvent.objects.count()
    client = world.client_for("curator")
    url = access_url(world, "group_access_person_issue", person_id=student.person.pk)
    response = client.post(url, {"anchor": "p1-s1", "show": "all"})
    page = response.content.decode()
    assert "Ничего не изменено: это действие нельзя отменить" in page
    assert STUDENT_QUESTION in page
    assert "issued" not in response.context
    assert _passwords(world) == before
    assert AuditEvent.objects.count() == audit_rows
    # The page's own button posts the same form again, confirmed.
    assert '<input type="hidden" name="anchor" value="p1-s1">' in page
    response = client.post(url, {"anchor": "p1-s1", "show": "all", "confirm": "1"})
    assert [slip.username for slip in response.context["issued"]] == ["student"]
    assert _passwords(world)["student"] != before["student"]


def test_a_first_account_needs_no_confirmation(world: World) -> None:
    newcomer = enrol(world, "Новикова", "Анна")
    url = access_url(world, "group_access_person_issue", person_id=newcomer.person.pk)
    response = world.client_for("curator").post(url)
    assert [slip.username for slip in response.context["issued"]] == ["novikova.a"]


def test_the_group_issue_asks_when_anyone_chosen_has_a_password(world: World) -> None:
    before, audit_rows = _passwords(world), AuditEvent.objects.count()
    client = world.client_for("curator")
    url = access_url(world, "group_access_issue")
    data = {"students": "on", "parents": "on", "selection": "criteria"}
    page = client.post(url, data).content.decode()
    assert "Ничего не изменено: это действие нельзя отменить" in page
    assert "Выдать новые временные пароли? Учётные записи уже есть у 2 человек" in page
    assert _passwords(world) == before
    assert AuditEvent.objects.count() == audit_rows
    response = client.post(url, {**data, "confirm": "1"})
    assert {slip.username for slip in response.context["issued"]} == {"student", "parent"}
    # Only people without an account, marked in the table: nothing old stops working.
    newcomer = enrol(world, "Новикова", "Анна")
    marked = {"selection": "marked", "person": [newcomer.person.pk]}
    response = client.post(url, marked)
    assert [slip.username for slip in response.context["issued"]] == ["novikova.a"]


def test_the_access_page_asks_before_every_new_password(world: World) -> None:
    page = world.client_for("curator").get(access_url(world)).content.decode()
    student = world.user("student")
    issue = access_url(world, "group_access_person_issue", person_id=student.person.pk)
    form = page.split(f'<form method="post" action="{issue}" ')[1].split("</form>")[0]
    assert form.startswith(f'data-confirm="{STUDENT_QUESTION}" class="access-inline">')
    assert '<input type="hidden" name="confirm" value="" data-confirmed>' in form
    parent = access_url(world, "group_access_person_issue", person_id=world.college.parent.pk)
    assert (
        f'<form method="post" action="{parent}" data-confirm="Выдать Студентовой М. И. новый '
        'пароль? Старый перестанет действовать."'
    ) in page
    batch = page.split('id="batch-issue"')[0].rsplit("<form ", 1)[1]
    assert 'data-confirm="Выдать новые временные пароли? Старые пароли этих людей' in batch
    assert reverse("academics:group_access_issue", kwargs={"group_id": world.college.group.pk}) in (
        batch
    )
