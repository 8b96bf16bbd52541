"""The deputy learns of a teacher's unlock request (a notice and a count in the menu), and
«Действует до» proposes a term on both unlock forms."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from otmetka.accounts.rights import DEFAULT_RIGHTS
from otmetka.accounts.roles import Role
from otmetka.accounts.services import rights_set
from otmetka.journal.models import JournalUnlock, UnlockRequest
from otmetka.journal.services.unlocks import unlock_request_create
from otmetka.journal.tests.factories_grid import make_lesson
from otmetka.lib.errors import DomainError
from otmetka.notifications.models import Notification
from otmetka.test import BASE_QUERIES, TODAY, World

BADGE = reverse("journal:unlock_badge")
UNLOCKS = reverse("journal:unlock_list")


def ask(world: World, capture: Any) -> UnlockRequest:
    """The teacher asks to unlock their journal, from the grid, as they would."""
    make_lesson(world.college.workload, TODAY - dt.timedelta(days=40))
    with capture(execute=True):
        world.client_for("teacher").post(
            reverse("journal:unlock_request", kwargs={"workload_id": world.college.workload.pk}),
            {"reason": "Опечатка в отметке за 7 октября"},
        )
    return UnlockRequest.objects.get()


def told(world: World) -> set[str]:
    by_id = {user.pk: key for key, user in world.college.users.items()}
    by_id |= {user.pk: f"stranger:{key}" for key, user in world.stranger.users.items()}
    notices = Notification.objects.filter(kind=Notification.Kind.UNLOCK_REQUEST)
    return {by_id[user_id] for user_id in notices.values_list("user_id", flat=True)}


def test_a_request_tells_those_who_answer_it(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    ask(world, django_capture_on_commit_callbacks)
    # Deputy and administrator hold `journal.unlock`; nobody else, nobody of another college.
    assert told(world) == {"deputy", "admin"}
    notice = Notification.objects.get(user=world.user("deputy"))
    assert notice.title == (
        "Учителев П. А. просит разблокировать журнал "
        "МДК.01.01 Разработка программных модулей · ИС-21"
    )
    assert notice.body == "Опечатка в отметке за 7 октября"
    assert notice.url == UNLOCKS
    assert notice.organization_id == world.org.pk


def test_who_is_told_follows_the_rights_the_college_gave(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    admin = world.actor("admin")
    rights_set(actor=admin, role=Role.ADMIN, rights=DEFAULT_RIGHTS[Role.ADMIN] - {"journal.unlock"})
    rights_set(
        actor=admin, role=Role.DEPT_HEAD, rights=DEFAULT_RIGHTS[Role.DEPT_HEAD] | {"journal.unlock"}
    )
    ask(world, django_capture_on_commit_callbacks)
    assert told(world) == {"deputy", "head"}


def test_a_refused_request_tells_nobody(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError):
        unlock_request_create(actor=world.actor("teacher"), workload=world.college.workload,
                              reason="   ")
    assert not Notification.objects.exists()


def test_the_menu_counts_the_requests_waiting(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    deputy = world.client_for("deputy")
    page = deputy.get(reverse("academics:workload_list")).content.decode()
    assert f'<a href="{UNLOCKS}">Разблокировки<span hx-get="{BADGE}"' in page
    assert "badge" not in deputy.get(BADGE).content.decode()
    request = ask(world, django_capture_on_commit_callbacks)
    badge = deputy.get(BADGE).content.decode()
    assert "Запросов ждут ответа:" in badge and ">1</span>" in badge
    # The count is of the college's own requests.
    stranger = world.client_for(world.stranger.users["deputy"])
    assert "badge" not in stranger.get(BADGE).content.decode()
    deputy.post(
        reverse("journal:unlock_answer", kwargs={"request_id": request.pk}),
        {"grant": "0", "answer": "Нужна служебная записка"},
    )
    assert "badge" not in deputy.get(BADGE).content.decode()


def test_the_count_is_the_unlockers_page(world: World) -> None:
    assert world.client_for("deputy").get(BADGE).status_code == 200
    assert world.client_for("admin").get(BADGE).status_code == 200
    for key in ("teacher", "director", "curator", "student"):
        assert world.client_for(key).get(BADGE).status_code == 403, key
    teacher_page = world.client_for("teacher").get(reverse("journal:journal_list"))
    assert BADGE not in teacher_page.content.decode()


@pytest.mark.parametrize("pending", [1, 12])
def test_the_count_query_budget(
    world: World, pending: int, django_assert_num_queries: Any
) -> None:
    for number in range(pending):
        UnlockRequest.objects.create(
            workload=world.college.workload if number == 0 else world.college.other_workload,
            requested_by=world.user("teacher"), reason=f"Запрос {number}",
        )
    client = world.client_for("deputy")
    client.get(BADGE)
    # BASE_QUERIES and the count.
    with django_assert_num_queries(BASE_QUERIES + 1):
        assert f">{pending}</span>" in client.get(BADGE).content.decode()


# --- «Действует до» ---------------------------------------------------------------------------


def _proposed(html: str, field_id: str) -> dt.datetime:
    """The value of the input with this id, as the browser gets it."""
    [tag] = re.findall(rf'<input[^>]*id="{field_id}"[^>]*>', html)
    [value] = re.findall(r'value="([^"]*)"', tag)
    return dt.datetime.fromisoformat(value)


def test_the_answer_proposes_three_days_and_grants_with_it(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    request = ask(world, django_capture_on_commit_callbacks)
    deputy = world.client_for("deputy")
    html = deputy.get(UNLOCKS).content.decode()
    proposed = _proposed(html, f"until-{request.pk}")
    expected = (timezone.localtime() + dt.timedelta(days=3)).replace(tzinfo=None)
    assert abs(proposed - expected) < dt.timedelta(minutes=2)
    assert proposed.second == 0
    deputy.post(
        reverse("journal:unlock_answer", kwargs={"request_id": request.pk}),
        {"grant": "1", "answer": "", "valid_until": proposed.strftime("%Y-%m-%dT%H:%M")},
    )
    unlock = JournalUnlock.objects.get()
    assert timezone.localtime(unlock.valid_until).replace(tzinfo=None) == proposed


def test_the_grant_form_proposes_three_days(world: World) -> None:
    url = reverse("journal:unlock_grant", kwargs={"workload_id": world.college.workload.pk})
    html = world.client_for("deputy").get(url).content.decode()
    proposed = _proposed(html, "id_valid_until")
    expected = (timezone.localtime() + dt.timedelta(days=3)).replace(tzinfo=None)
    assert abs(proposed - expected) < dt.timedelta(minutes=2)
