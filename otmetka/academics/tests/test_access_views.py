"""The access page of a group: credentials, slips, blocking and consents, as a curator acts."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core import serializers
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from otmetka.academics.tests.factories_access import (
    access_url,
    add_parent,
    enrol,
    make_curator_of_other_group,
)
from otmetka.accounts.models import User
from otmetka.accounts.roles import Role
from otmetka.audit.models import AuditEvent
from otmetka.people.models import Consent, Guardianship
from otmetka.test import BASE_QUERIES, World

LOGIN = reverse("accounts:login")


def issue_all(client: Client, world: World, *, follow: bool = False, **extra: Any) -> Any:
    # «confirm»: the dialog was answered «OK» (some of them have passwords already).
    data = {"students": "on", "parents": "on", "selection": "criteria", "confirm": "1", **extra}
    return client.post(access_url(world, "group_access_issue"), data, follow=follow)


def slips(response: Any) -> dict[str, tuple[str, str]]:
    """ФИО → (login, password) from the slips page the issuing POST answered with."""
    return {
        slip.person.full_name: (slip.username, slip.password) for slip in response.context["issued"]
    }


class TestWhoMayOpenThePage:
    def test_the_curator_of_the_group_and_the_admin(self, world: World) -> None:
        for key in ("curator", "admin"):
            response = world.client_for(key).get(access_url(world))
            assert response.status_code == 200, key
            assert "Студентова Мария Ивановна" in response.content.decode()

    def test_a_curator_of_another_group_gets_404(self, world: World) -> None:
        make_curator_of_other_group(world)
        client = world.client_for("other_teacher", role=Role.CURATOR)
        assert client.get(access_url(world)).status_code == 404
        own = reverse("academics:group_access", kwargs={"group_id": world.college.other_group.pk})
        assert client.get(own).status_code == 200

    @pytest.mark.parametrize("key", ["teacher", "head", "parent", "student", "director"])
    def test_others_get_403(self, world: World, key: str) -> None:
        assert world.client_for(key).get(access_url(world)).status_code == 403

    def test_a_stranger_gets_404(self, world: World) -> None:
        stranger = world.client_for(world.stranger.users["admin"])
        assert stranger.get(access_url(world)).status_code == 404

    @pytest.mark.parametrize(
        ("name", "kwarg"),
        [
            ("group_access_issue", None),
            ("group_access_person_issue", "person_id"),
            ("group_access_person_active", "person_id"),
            ("group_access_consent_add", "person_id"),
        ],
    )
    def test_the_actions_too(self, world: World, name: str, kwarg: str | None) -> None:
        make_curator_of_other_group(world)
        kwargs = {kwarg: world.college.student.person.pk} if kwarg else {}
        url = access_url(world, name, **kwargs)
        assert world.client_for("teacher").post(url).status_code == 403
        assert world.client_for("parent").post(url).status_code == 403
        other_curator = world.client_for("other_teacher", role=Role.CURATOR)
        assert other_curator.post(url).status_code == 404
        assert world.client_for(world.stranger.users["admin"]).post(url).status_code == 404
        assert world.client_for("curator").get(url).status_code == 405
        assert User.objects.get(pk=world.user("student").pk).is_active

    def test_a_person_of_another_group_is_404(self, world: World) -> None:
        url = access_url(
            world, "group_access_person_issue", person_id=world.college.other_student.person.pk
        )
        assert world.client_for("curator").post(url).status_code == 404

    def test_linked_from_my_groups_and_the_group_page(self, world: World) -> None:
        curator = world.client_for("curator")
        link = access_url(world)
        assert link in curator.get(reverse("academics:my_groups")).content.decode()
        group_page = reverse("academics:group_detail", kwargs={"group_id": world.college.group.pk})
        assert link in curator.get(group_page).content.decode()
        assert link in world.client_for("admin").get(group_page).content.decode()
        assert link not in world.client_for("teacher").get(group_page).content.decode()


class TestThePage:
    def test_shows_accounts_sign_ins_and_consents(self, world: World) -> None:
        newcomer = enrol(world, "Новикова", "Анна", "Сергеевна")
        add_parent(world, newcomer, "Новиков", "Сергей", "Петрович", receives_diary=False)
        Consent.objects.create(
            person=world.college.student.person, signed_on=dt.date(2025, 9, 1), document="№ 1"
        )
        student = world.user("student")
        student.last_login = timezone.now() - dt.timedelta(days=2)
        student.save()
        page = world.client_for("curator").get(access_url(world)).content.decode()
        assert "Новикова Анна Сергеевна" in page
        assert "нет учётной записи" in page
        assert "дневник не получает" in page
        assert "14.11.2026 10:00" in page  # the last sign-in, in Tomsk time
        assert "входов не было" in page
        assert "да, от 01.09.2025" in page
        assert "Ёлкин" not in page  # the other group

    def test_counts_who_lacks_a_consent(self, world: World) -> None:
        newcomer = enrol(world, "Новикова", "Анна")
        add_parent(world, newcomer, "Новиков", "Сергей")
        Consent.objects.create(
            person=world.college.student.person, signed_on=dt.date(2025, 9, 1), document="№ 1"
        )
        access = world.client_for("curator").get(access_url(world)).context["access"]
        assert access.students == 2
        assert access.parents == 2
        assert access.students_without_consent == 1
        assert access.parents_without_consent == 2
        assert access.without_account == 2
        assert access.never_signed_in == 4

    def test_filter_never_signed_in(self, world: World) -> None:
        student = world.user("student")
        student.last_login = timezone.now()
        student.save()
        enrol(world, "Новикова", "Анна")
        client = world.client_for("curator")
        rows = client.get(access_url(world), {"show": "never"}).context["rows"]
        assert [row.person.full_name for row in rows] == [
            "Новикова Анна",
            "Студентова Мария Ивановна",
        ]
        rows = client.get(access_url(world), {"show": "no_account"}).context["rows"]
        assert [row.person.full_name for row in rows] == ["Новикова Анна"]

    def test_leavers_are_not_listed(self, world: World) -> None:
        leaver = enrol(world, "Ушедший", "Антон")
        leaver.memberships.update(date_to=dt.date(2026, 11, 10))
        page = world.client_for("curator").get(access_url(world)).content.decode()
        assert "Ушедший" not in page

    def test_query_count_does_not_grow_with_the_group(
        self, world: World, django_assert_num_queries: Any
    ) -> None:
        client = world.client_for("curator")
        client.get(access_url(world))  # warm the session
        # the group, its curators, the roll, the guardians, the consents, the accounts' roles
        with django_assert_num_queries(BASE_QUERIES + 6):
            client.get(access_url(world))
        for number in range(15):
            student = enrol(world, "Петров", f"Пётр{number}")
            parent = add_parent(world, student, "Петрова", f"Анна{number}")
            Consent.objects.create(person=parent, signed_on=dt.date(2025, 9, 1), document="№ 2")
            User.objects.create_user(f"petrov{number}", "x", organization=world.org)
        with django_assert_num_queries(BASE_QUERIES + 6):
            response = client.get(access_url(world))
        assert len(response.context["rows"]) == 32


class TestIssuing:
    def test_group_issue_creates_accounts_and_answers_with_slips(self, world: World) -> None:
        newcomer = enrol(world, "Новикова", "Анна", "Сергеевна")
        add_parent(world, newcomer, "Новиков", "Сергей", "Петрович")
        response = issue_all(world.client_for("curator"), world, only_never="on")
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        issued = slips(response)
        assert issued["Новикова Анна Сергеевна"][0] == "novikova.as"
        assert issued["Новиков Сергей Петрович"][0] == "novikov.sp"
        page = response.content.decode()
        for login, password in issued.values():
            assert login in page
            assert password in page
        assert "При первом входе система попросит сменить пароль" in page
        assert "Кураторова Елена Викторовна" in page
        assert "http://testserver/login/" in page
        assert "30.11.2026" in page  # 14 days, the organization's local date
        assert 'href="data:application/pdf;base64,JVBER' in page  # «Скачать PDF»: %PDF

    def test_only_those_who_never_signed_in(self, world: World) -> None:
        student = world.user("student")
        student.last_login = timezone.now()
        student.save()
        response = issue_all(world.client_for("curator"), world, only_never="on")
        assert set(slips(response)) == {"Студентова Мария Ивановна"}

    def test_students_only_and_blocked_or_declined_skipped(self, world: World) -> None:
        newcomer = enrol(world, "Новикова", "Анна")
        add_parent(world, newcomer, "Новиков", "Сергей", receives_diary=False)
        User.objects.filter(pk=world.user("student").pk).update(is_active=False)
        response = issue_all(world.client_for("curator"), world, parents="")
        assert set(slips(response)) == {"Новикова Анна"}
        response = issue_all(world.client_for("curator"), world, students="")
        assert set(slips(response)) == {"Студентова Мария Ивановна"}

    def test_only_the_marked_people(self, world: World) -> None:
        data = {"selection": "marked", "person": [world.college.parent.pk], "confirm": "1"}
        response = world.client_for("curator").post(access_url(world, "group_access_issue"), data)
        assert set(slips(response)) == {"Студентова Мария Ивановна"}

    def test_nobody_to_issue_to_is_explained(self, world: World) -> None:
        for key in ("student", "parent"):
            user = world.user(key)
            user.last_login = timezone.now()
            user.save()
        response = issue_all(world.client_for("curator"), world, only_never="on", follow=True)
        assert "Никого не нашлось" in response.content.decode()

    def test_as_pdf(self, world: World) -> None:
        response = issue_all(world.client_for("curator"), world, format="pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert 'filename="rekvizity-is-21.pdf"' in response["Content-Disposition"]
        assert "no-store" in response["Cache-Control"]
        assert response.content.startswith(b"%PDF")
        assert not User.objects.get(pk=world.user("student").pk).check_password("correct-horse-42")
        pages = PdfReader(io.BytesIO(response.content)).pages
        for number, page in enumerate(pages, start=1):
            text = page.extract_text()
            assert "Реквизиты доступа · ИС-21" in text
            assert f"стр. {number} из {len(pages)}" in text

    def test_one_person_at_a_time(self, world: World) -> None:
        newcomer = enrol(world, "Новикова", "Анна")
        client = world.client_for("curator")
        url = access_url(world, "group_access_person_issue", person_id=newcomer.person.pk)
        response = client.post(url)  # no account yet: nothing to confirm
        login, password = slips(response)["Новикова Анна"]
        assert login == "novikova.a"
        response = client.post(url, {"confirm": "1"})
        assert slips(response)["Новикова Анна"][0] == "novikova.a"
        assert User.objects.filter(username__startswith="novikova").count() == 1

    def test_passwords_are_never_stored_in_plain_text(self, world: World) -> None:
        enrol(world, "Новикова", "Анна")
        client = world.client_for("curator")
        response = issue_all(client, world)
        client.get(access_url(world))
        passwords = [password for _login, password in slips(response).values()]
        assert len(passwords) == 3
        everything = serializers.serialize("json", _all_rows())
        sessions = " ".join(str(s.get_decoded()) for s in Session.objects.all())
        for password in passwords:
            assert password not in everything
            assert password not in sessions

    def test_an_expired_one_time_password_cannot_sign_in(
        self, world: World, now: time_machine.Traveller
    ) -> None:
        newcomer = enrol(world, "Новикова", "Анна")
        url = access_url(world, "group_access_person_issue", person_id=newcomer.person.pk)
        login, password = slips(world.client_for("curator").post(url))["Новикова Анна"]
        now.shift(dt.timedelta(days=14, minutes=1))
        response = Client().post(LOGIN, {"username": login, "password": password})
        assert response.status_code == 200
        assert "Срок действия временного пароля истёк" in response.content.decode()

    def test_a_fresh_one_is_changed_at_first_sign_in(self, world: World) -> None:
        newcomer = enrol(world, "Новикова", "Анна")
        url = access_url(world, "group_access_person_issue", person_id=newcomer.person.pk)
        login, password = slips(world.client_for("curator").post(url))["Новикова Анна"]
        client = Client()
        response = client.post(LOGIN, {"username": login, "password": password})
        assert response.status_code == 302
        response = client.get(reverse("accounts:profile"))
        assert response["Location"] == reverse("accounts:password_change")
        client.post(
            reverse("accounts:password_change"),
            {
                "old_password": password,
                "new_password1": "Зелёный-чай-2026",
                "new_password2": "Зелёный-чай-2026",
            },
        )
        assert client.get(reverse("accounts:profile")).status_code == 200
        page = world.client_for("curator").get(access_url(world)).content.decode()
        assert "свой пароль" in page


def _all_rows() -> list[Any]:
    from django.apps import apps

    rows: list[Any] = []
    for model in apps.get_models():
        rows.extend(model._default_manager.all())
    return rows


class TestBlocking:
    def test_blocking_shuts_the_account_out(self, world: World) -> None:
        client = world.client_for("curator")
        url = access_url(world, "group_access_person_active", person_id=world.college.parent.pk)
        signed_in = world.client_for("parent")
        response = client.post(url, {"anchor": "p1-s2", "show": "never"})
        assert response["Location"].endswith("?show=never#p1-s2")
        parent = User.objects.get(pk=world.user("parent").pk)
        assert not parent.is_active
        assert signed_in.get(reverse("accounts:profile")).status_code == 302
        response = Client().post(LOGIN, {"username": "parent", "password": "correct-horse-42"})
        assert "Неверный логин или пароль." in response.content.decode()
        client.post(url)
        assert User.objects.get(pk=parent.pk).is_active

    def test_the_admin_leaves_staff_accounts_to_their_own_page(self, world: World) -> None:
        teacher = world.user("teacher")
        Guardianship.objects.create(
            student=world.college.student, guardian=teacher.person, kind="father"
        )
        client = world.client_for("admin")
        page = client.get(access_url(world)).content.decode()
        assert "реквизиты выдаёт администратор АИС" in page
        # «Выдать реквизиты» to every student and parent: the teacher's password stays.
        response = issue_all(client, world)
        assert set(slips(response)) == {"Студентов Иван Петрович", "Студентова Мария Ивановна"}
        for name in ("group_access_person_issue", "group_access_person_active"):
            client.post(access_url(world, name, person_id=teacher.person.pk), {"confirm": "1"})
        teacher.refresh_from_db()
        assert teacher.check_password("correct-horse-42") and teacher.is_active

    def test_no_account_to_block(self, world: World) -> None:
        newcomer = enrol(world, "Новикова", "Анна")
        url = access_url(world, "group_access_person_active", person_id=newcomer.person.pk)
        response = world.client_for("curator").post(url, follow=True)
        assert "нет учётной записи" in response.content.decode()

    def test_a_staff_account_is_left_to_the_admin(self, world: World) -> None:
        from otmetka.people.models import Guardianship

        teacher = world.user("teacher")
        Guardianship.objects.create(
            student=world.college.student, guardian=teacher.person, kind="father"
        )
        client = world.client_for("curator")
        page = client.get(access_url(world)).content.decode()
        assert "реквизиты выдаёт администратор АИС" in page
        url = access_url(world, "group_access_person_active", person_id=teacher.person.pk)
        client.post(url)
        assert User.objects.get(pk=teacher.pk).is_active


class TestConsents:
    def test_the_curator_records_and_revokes_a_consent(self, world: World) -> None:
        client = world.client_for("curator")
        parent = world.college.parent
        url = access_url(world, "group_access_consent_add", person_id=parent.pk)
        response = client.post(url, {"signed_on": "2026-11-12", "document": "Заявление № 7"})
        assert response.status_code == 302
        consent = Consent.objects.get(person=parent)
        assert consent.signed_on == dt.date(2026, 11, 12)
        assert consent.recorded_by == world.user("curator")
        assert AuditEvent.objects.filter(object_type="people.consent", action="create").exists()
        access = client.get(access_url(world)).context["access"]
        assert access.parents_without_consent == 0
        revoke = access_url(world, "group_access_consent_revoke", consent_id=consent.pk)
        client.post(revoke, {"revoked_on": "2026-11-16"})
        consent.refresh_from_db()
        assert consent.revoked_on == dt.date(2026, 11, 16)
        assert client.get(access_url(world)).context["access"].parents_without_consent == 1

    def test_bad_input_is_explained_and_nothing_saved(self, world: World) -> None:
        client = world.client_for("curator")
        url = access_url(world, "group_access_consent_add", person_id=world.college.parent.pk)
        page = client.post(url, {"signed_on": "2026-11-12"}, follow=True).content.decode()
        assert "Обязательное поле." in page
        page = client.post(
            url, {"signed_on": "2026-12-12", "document": "№ 1"}, follow=True
        ).content.decode()
        assert "Дата не может быть позже сегодняшней." in page
        assert not Consent.objects.filter(person=world.college.parent).exists()

    def test_a_consent_of_another_group_is_404(self, world: World) -> None:
        consent = Consent.objects.create(
            person=world.college.other_student.person, signed_on=dt.date(2025, 9, 1), document="1"
        )
        url = access_url(world, "group_access_consent_revoke", consent_id=consent.pk)
        assert (
            world.client_for("curator").post(url, {"revoked_on": "2026-11-16"}).status_code == 404
        )
