"""A user's page: «Выдать временный пароль» asks first and the server insists, and the role
picker has no default (issue 11, point 7)."""

from __future__ import annotations

import re

from django.urls import reverse

from otmetka.accounts.models import RoleAssignment, User
from otmetka.audit.models import AuditEvent
from otmetka.test import World

QUESTION = "Выдать Учителеву П. А. новый пароль? Старый перестанет действовать."


def test_a_plain_post_issues_no_password_and_the_page_asks_naming_the_person(
    world: World,
) -> None:
    teacher = world.user("teacher")
    password, audit_rows = teacher.password, AuditEvent.objects.count()
    admin = world.client_for("admin")
    url = reverse("accounts:user_issue_credentials", kwargs={"user_id": teacher.pk})
    response = admin.post(url)
    page = response.content.decode()
    assert "Ничего не изменено: это действие нельзя отменить" in page
    assert QUESTION in page
    assert "password" not in (response.context or {})
    assert User.objects.get(pk=teacher.pk).password == password
    assert AuditEvent.objects.count() == audit_rows
    response = admin.post(url, {"confirm": "1"})
    assert response.context["password"]
    assert User.objects.get(pk=teacher.pk).must_change_password


def test_the_users_page_asks_before_the_new_password_blocking_and_revoking(world: World) -> None:
    teacher = world.user("teacher")
    page = world.client_for("admin").get(
        reverse("accounts:user_detail", kwargs={"user_id": teacher.pk})
    ).content.decode()
    issue = reverse("accounts:user_issue_credentials", kwargs={"user_id": teacher.pk})
    assert f'<form method="post" action="{issue}" data-confirm="{QUESTION}">' in page
    assert "Заблокировать учётную запись teacher? Войти с ней будет нельзя." in page
    assert "Снять роль «Преподаватель» с учётной записи teacher?" in page


def test_the_role_picker_has_no_default(world: World) -> None:
    teacher = world.user("teacher")
    admin = world.client_for("admin")
    url = reverse("accounts:user_detail", kwargs={"user_id": teacher.pk})
    page = admin.get(url).content.decode()
    picker = page.split('<select name="role"')[1].split("</select>")[0]
    options = re.findall(r"<option[^>]*>[^<]*</option>", picker)
    assert options[0] == '<option value="" selected>— выберите роль —</option>'
    assert not any("selected" in option for option in options[1:])
    roles = set(RoleAssignment.objects.filter(user=teacher).values_list("role", flat=True))
    audit_rows = AuditEvent.objects.count()
    response = admin.post(url, {"role": "", "department": ""})
    assert response.status_code == 200
    assert '<p class="error" id="id_role_error">Выберите роль.</p>' in response.content.decode()
    assert set(RoleAssignment.objects.filter(user=teacher).values_list("role", flat=True)) == roles
    assert AuditEvent.objects.count() == audit_rows
