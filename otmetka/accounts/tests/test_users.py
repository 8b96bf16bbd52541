"""The administrator's user pages and the curator's credentials for their own group."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from otmetka.accounts.models import RoleAssignment, User
from otmetka.accounts.roles import Role
from otmetka.audit.models import AuditEvent
from otmetka.test import World, make_user


def test_admin_creates_a_user_with_a_one_time_password(world: World) -> None:
    admin = world.client_for("admin")
    response = admin.post(
        reverse("accounts:user_create"),
        {"username": "Novikova", "roles": [Role.TEACHER, Role.CURATOR]},
    )
    assert response.status_code == 200
    user = User.objects.get(username="novikova")
    assert user.organization == world.org
    assert user.must_change_password
    assert set(user.role_assignments.values_list("role", flat=True)) == {"teacher", "curator"}
    password = response.context["password"]
    assert user.check_password(password)
    assert (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.ROLE_GRANT, object_id=str(user.pk)
        ).count()
        == 2
    )


def test_duplicate_login_is_refused_in_russian(world: World) -> None:
    admin = world.client_for("admin")
    response = admin.post(
        reverse("accounts:user_create"), {"username": "teacher", "roles": ["teacher"]}
    )
    assert response.status_code == 200
    assert "Логин «teacher» уже занят." in response.content.decode()
    assert User.objects.filter(username="teacher").count() == 1


def test_bad_login_is_explained(world: World) -> None:
    admin = world.client_for("admin")
    response = admin.post(
        reverse("accounts:user_create"), {"username": "Иванов", "roles": ["teacher"]}
    )
    assert "латинских букв" in response.content.decode()
    assert not User.objects.filter(username="иванов").exists()


def test_user_list_is_searchable_by_surname(world: World) -> None:
    admin = world.client_for("admin")
    page = admin.get(reverse("accounts:user_list"), {"q": "учителев"}).content.decode()
    assert "Учителев Пётр Андреевич" in page
    assert "Кадрова" not in page
    page = admin.get(reverse("accounts:user_list"), {"q": "елкин"}).content.decode()
    assert "Ёлкин Семён Ильич" in page


def test_user_list_has_a_fixed_query_count(world: World, django_assert_num_queries: object) -> None:
    admin = world.client_for("admin")
    admin.get(reverse("accounts:user_list"))  # warm the session
    # session, user, role assignment, count, page of users, their roles
    with django_assert_num_queries(6):  # type: ignore[operator]
        admin.get(reverse("accounts:user_list"))
    for number in range(30):
        make_user(world.org, f"extra{number}", Role.TEACHER)
    with django_assert_num_queries(6):  # type: ignore[operator]
        admin.get(reverse("accounts:user_list"))


def test_user_list_shows_only_own_organization(world: World) -> None:
    page = world.client_for("admin").get(reverse("accounts:user_list"), {"q": "x"}).content.decode()
    assert "xteacher" not in page


def test_grant_and_revoke_role(world: World) -> None:
    admin = world.client_for("admin")
    teacher = world.user("teacher")
    url = reverse("accounts:user_detail", kwargs={"user_id": teacher.pk})
    assert admin.post(url, {"role": Role.DISPATCHER}).status_code == 302
    assignment = RoleAssignment.objects.get(user=teacher, role=Role.DISPATCHER)
    admin.post(
        reverse(
            "accounts:user_role_revoke",
            kwargs={"user_id": teacher.pk, "assignment_id": assignment.pk},
        )
    )
    assert not RoleAssignment.objects.filter(user=teacher, role=Role.DISPATCHER).exists()
    actions = list(
        AuditEvent.objects.filter(object_id=str(teacher.pk)).values_list("action", flat=True)
    )
    assert "role_grant" in actions and "role_revoke" in actions


def test_block_and_unblock(world: World) -> None:
    admin = world.client_for("admin")
    teacher = world.user("teacher")
    admin.post(reverse("accounts:user_toggle_active", kwargs={"user_id": teacher.pk}))
    teacher.refresh_from_db()
    assert not teacher.is_active
    admin.post(reverse("accounts:user_toggle_active", kwargs={"user_id": teacher.pk}))
    teacher.refresh_from_db()
    assert teacher.is_active


def test_admin_cannot_block_themselves(world: World) -> None:
    admin = world.client_for("admin")
    me = world.user("admin")
    admin.post(reverse("accounts:user_toggle_active", kwargs={"user_id": me.pk}))
    me.refresh_from_db()
    assert me.is_active


class TestCuratorCredentials:
    def url(self, user: User) -> str:
        return reverse("accounts:user_issue_credentials", kwargs={"user_id": user.pk})

    def test_curator_issues_for_own_student_and_parent(self, world: World) -> None:
        curator = world.client_for("curator")
        for key in ("student", "parent"):
            response = curator.post(self.url(world.user(key)), {"confirm": "1"})
            assert response.status_code == 200
            assert world.user(key).username in response.content.decode()
            user = User.objects.get(pk=world.user(key).pk)
            assert user.must_change_password

    def test_curator_cannot_issue_for_another_group_or_staff(self, world: World) -> None:
        curator = world.client_for("curator")
        assert curator.post(self.url(world.user("other_student"))).status_code == 404
        assert curator.post(self.url(world.user("teacher"))).status_code == 404

    def test_teacher_cannot_issue(self, world: World) -> None:
        assert world.client_for("teacher").post(self.url(world.user("student"))).status_code == 403

    def test_stranger_admin_gets_404(self, world: World) -> None:
        stranger = world.client_for(world.stranger.users["admin"])
        assert stranger.post(self.url(world.user("student"))).status_code == 404


def test_anonymous_goes_to_login(world: World) -> None:
    response = Client().get(reverse("accounts:user_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_audit_log_filters(world: World) -> None:
    admin = world.client_for("admin")
    admin.post(
        reverse("accounts:user_issue_credentials", kwargs={"user_id": world.user("teacher").pk}),
        {"confirm": "1"},
    )
    page = admin.get(
        reverse("accounts:audit_log"), {"action": "credentials_issue"}
    ).content.decode()
    assert "выдача реквизитов" in page
    page = admin.get(reverse("accounts:audit_log"), {"action": "login"}).content.decode()
    assert "Событий нет." in page


def test_audit_events_cannot_be_changed(world: World) -> None:
    import pytest

    event = AuditEvent.objects.create(action=AuditEvent.Action.LOGIN, organization=world.org)
    event.reason = "x"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
    with pytest.raises(RuntimeError):
        AuditEvent.objects.all().delete()


def test_admin_creates_the_account_of_a_student_from_the_card(world: World) -> None:
    student = world.college.other_student
    student.person.user = None
    student.person.save()
    User.objects.filter(username="other_student").delete()
    admin = world.client_for("admin")
    card = admin.get(reverse("people:student_detail", kwargs={"student_id": student.pk}))
    link = f"{reverse('accounts:user_create')}?person={student.person.pk}&amp;role=student"
    assert link in card.content.decode()
    form = admin.get(link.replace("&amp;", "&"))
    assert form.context["form"].initial["roles"] == ["student"]
    response = admin.post(
        reverse("accounts:user_create"),
        {"username": "elkin", "roles": ["student"], "person": student.person.pk},
    )
    assert response.status_code == 200
    student.person.refresh_from_db()
    assert student.person.user is not None
    assert student.person.user.username == "elkin"
