"""Ids that are no ids, posted to the administration pages, are refused and change nothing:
no account, no role switched, no audit row, never a server error (issue 10)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from otmetka.accounts.middleware import ROLE_SESSION_KEY
from otmetka.accounts.models import RoleAssignment, User
from otmetka.accounts.roles import Role
from otmetka.audit.models import AuditEvent
from otmetka.test import World

ODD = ["abc", "1\x00", "²", "99999999999999999999999"]


@pytest.mark.parametrize("value", ODD, ids=["letters", "nul-byte", "superscript", "overlong"])
def test_an_account_is_not_created_for_a_person_that_is_no_id(world: World, value: str) -> None:
    audit = AuditEvent.objects.count()
    response = world.client_for("admin").post(
        reverse("accounts:user_create"),
        {"username": "novikova", "roles": [Role.TEACHER], "person": value},
    )
    assert response.status_code == 404
    assert not User.objects.filter(username="novikova").exists()
    assert AuditEvent.objects.count() == audit


@pytest.mark.parametrize("value", ODD, ids=["letters", "nul-byte", "superscript", "overlong"])
def test_the_role_is_not_switched_to_an_assignment_that_is_no_id(world: World, value: str) -> None:
    teacher_role = RoleAssignment.objects.get(user=world.user("curator"), role=Role.TEACHER)
    curator = world.client_for("curator", role=Role.CURATOR)
    acting = curator.session[ROLE_SESSION_KEY]
    response = curator.post(reverse("accounts:role_switch"), {"assignment": value})
    assert response.status_code == 404
    assert curator.session[ROLE_SESSION_KEY] == acting != teacher_role.pk
    assert curator.get(reverse("academics:my_groups")).status_code == 200
