"""Roles and rights: the administrator edits what a role may do, and it takes effect at once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from otmetka.accounts.models import RoleAssignment, RoleRightOverride
from otmetka.accounts.permissions import effective_rights
from otmetka.accounts.rights import DEFAULT_RIGHTS, RIGHTS
from otmetka.accounts.roles import Role
from otmetka.audit.models import AuditEvent
from otmetka.test import World


def rights_form(rights: set[str]) -> dict[str, list[str]]:
    return {"rights": sorted(rights)}


def test_every_role_has_defaults_from_the_regulation() -> None:
    assert set(DEFAULT_RIGHTS) == set(Role.values)
    assert "rights.edit" in DEFAULT_RIGHTS[Role.ADMIN]
    assert "workload.edit" in DEFAULT_RIGHTS[Role.DEPUTY]
    assert "staff.edit" in DEFAULT_RIGHTS[Role.HR]
    assert "movement.edit" in DEFAULT_RIGHTS[Role.DEPT_HEAD]
    assert "programs.edit" in DEFAULT_RIGHTS[Role.METHODIST]
    assert "credentials.issue_own_group" in DEFAULT_RIGHTS[Role.CURATOR]
    assert DEFAULT_RIGHTS[Role.PARENT] <= {"diary.view_own", "timetable.view", "messages.send"}


def test_granting_a_right_takes_effect(world: World) -> None:
    teacher = world.client_for("teacher")
    assert teacher.get(reverse("people:staff_list")).status_code == 403
    admin = world.client_for("admin")
    wanted = set(DEFAULT_RIGHTS[Role.TEACHER]) | {"staff.view"}
    response = admin.post(
        reverse("accounts:rights_edit", kwargs={"role_code": "teacher"}), rights_form(wanted)
    )
    assert response.status_code == 302
    assert teacher.get(reverse("people:staff_list")).status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.Action.RIGHTS_CHANGE)
    assert event.changes == {"staff.view": [False, True]}
    assert event.object_id == "teacher"


def test_taking_a_right_away_takes_effect(world: World) -> None:
    hr = world.client_for("hr")
    assert hr.get(reverse("people:staff_list")).status_code == 200
    admin = world.client_for("admin")
    admin.post(
        reverse("accounts:rights_edit", kwargs={"role_code": "hr"}),
        rights_form(set(DEFAULT_RIGHTS[Role.HR]) - {"staff.view", "staff.edit"}),
    )
    assert hr.get(reverse("people:staff_list")).status_code == 403


def test_rights_are_per_organization(world: World) -> None:
    admin = world.client_for("admin")
    admin.post(
        reverse("accounts:rights_edit", kwargs={"role_code": "teacher"}),
        rights_form(set(DEFAULT_RIGHTS[Role.TEACHER]) | {"staff.view"}),
    )
    assert "staff.view" in effective_rights(world.org.pk, Role.TEACHER)
    assert "staff.view" not in effective_rights(world.stranger.organization.pk, Role.TEACHER)


def test_back_to_defaults_leaves_no_overrides(world: World) -> None:
    admin = world.client_for("admin")
    url = reverse("accounts:rights_edit", kwargs={"role_code": "teacher"})
    admin.post(url, rights_form(set(DEFAULT_RIGHTS[Role.TEACHER]) | {"staff.view"}))
    admin.post(url, rights_form(set(DEFAULT_RIGHTS[Role.TEACHER])))
    assert not RoleRightOverride.objects.exists()


def test_admin_cannot_lock_themselves_out_of_rights(world: World) -> None:
    admin = world.client_for("admin")
    response = admin.post(
        reverse("accounts:rights_edit", kwargs={"role_code": "admin"}),
        rights_form(set(DEFAULT_RIGHTS[Role.ADMIN]) - {"rights.edit"}),
    )
    assert response.status_code == 200
    assert "Нельзя отнять у администратора право настраивать роли." in response.content.decode()
    assert not RoleRightOverride.objects.exists()


def test_unknown_right_changes_nothing(world: World) -> None:
    admin = world.client_for("admin")
    response = admin.post(
        reverse("accounts:rights_edit", kwargs={"role_code": "teacher"}), {"rights": ["no.such"]}
    )
    assert response.status_code == 200
    assert not RoleRightOverride.objects.exists()


def test_rights_overview_shows_every_right(
    world: World, django_assert_max_num_queries: object
) -> None:
    admin = world.client_for("admin")
    response = admin.get(reverse("accounts:rights"))
    assert response.status_code == 200
    page = response.content.decode()
    for right in RIGHTS:
        assert str(right.label) in page


@pytest.mark.parametrize("name", ["accounts:rights", "accounts:audit_log", "accounts:user_list"])
def test_admin_pages_are_for_the_admin(world: World, name: str) -> None:
    assert world.client_for("admin").get(reverse(name)).status_code == 200
    assert world.client_for("teacher").get(reverse(name)).status_code == 403
    assert world.client_for("student").get(reverse(name)).status_code == 403


class TestRoles:
    def test_switching_to_a_role_one_does_not_hold_is_404(self, world: World) -> None:
        curator = world.client_for("curator")
        foreign = RoleAssignment.objects.get(user=world.user("admin"))
        response = curator.post(reverse("accounts:role_switch"), {"assignment": foreign.pk})
        assert response.status_code == 404

    def test_switching_role_changes_what_one_may_do(self, world: World) -> None:
        curator = world.client_for("curator")
        assert curator.get(reverse("academics:my_groups")).status_code == 200
        teacher_role = RoleAssignment.objects.get(user=world.user("curator"), role=Role.TEACHER)
        response = curator.post(reverse("accounts:role_switch"), {"assignment": teacher_role.pk})
        assert response["Location"] == reverse("schedule:today")
        assert curator.get(reverse("academics:my_groups")).status_code == 403

    def test_revoked_role_stops_working_in_open_sessions(self, world: World) -> None:
        deputy = world.client_for("deputy")
        assert deputy.get(reverse("academics:workload_list")).status_code == 200
        RoleAssignment.objects.filter(user=world.user("deputy")).delete()
        assert deputy.get(reverse("academics:workload_list")).status_code == 403


def test_a_change_renews_the_rights_every_process_remembers(world: World) -> None:
    """Rights are remembered per process under the organization's rights version; a change
    bumps the version of that organization only, so every process reads the new rights."""
    stranger_version = world.stranger.organization.rights_version
    before = world.org.rights_version
    admin = world.client_for("admin")
    admin.post(
        reverse("accounts:rights_edit", kwargs={"role_code": "teacher"}),
        rights_form(set(DEFAULT_RIGHTS[Role.TEACHER]) | {"staff.view"}),
    )
    world.org.refresh_from_db()
    world.stranger.organization.refresh_from_db()
    assert world.org.rights_version == before + 1
    assert world.stranger.organization.rights_version == stranger_version
