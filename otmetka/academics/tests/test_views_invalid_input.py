"""Invalid input on the group pages is refused with the field's message, and nothing changes:
no password is issued, no roster date moves, no audit row is written (issue 10)."""

from __future__ import annotations

from django.urls import reverse

from otmetka.academics.models import SubgroupMembership
from otmetka.academics.tests.factories_access import access_url, enrol
from otmetka.accounts.models import User
from otmetka.audit.models import AuditEvent
from otmetka.test import World

BAD_FORMAT = "Выберите корректный вариант. docx нет среди допустимых значений."


def test_one_persons_password_is_not_reissued_with_a_bad_slip_format(world: World) -> None:
    student = world.user("student")
    newcomer = enrol(world, "Новикова", "Анна")
    password, audit = student.password, AuditEvent.objects.count()
    client = world.client_for("curator")
    for person in (student.person, newcomer.person):
        assert person is not None
        url = access_url(world, "group_access_person_issue", person_id=person.pk)
        response = client.post(url, {"format": "docx", "anchor": "p1-s1"}, follow=True)
        assert response.status_code == 200
        assert BAD_FORMAT in response.content.decode()
        assert "issued" not in response.context
    assert User.objects.get(pk=student.pk).password == password
    assert not User.objects.filter(person=newcomer.person).exists()
    assert AuditEvent.objects.count() == audit


def test_the_group_issue_names_the_bad_field(world: World) -> None:
    student = world.user("student")
    password, audit = student.password, AuditEvent.objects.count()
    response = world.client_for("curator").post(
        access_url(world, "group_access_issue"),
        {"students": "on", "parents": "on", "selection": "criteria", "format": "docx"},
        follow=True,
    )
    page = response.content.decode()
    assert BAD_FORMAT in page
    assert "Отметьте, кому выдать реквизиты." not in page
    assert User.objects.get(pk=student.pk).password == password
    assert AuditEvent.objects.count() == audit


def test_subgroup_is_not_saved_on_a_day_that_does_not_exist(world: World) -> None:
    subgroup = world.college.subgroup
    before = list(SubgroupMembership.objects.values_list("student_id", "date_from", "date_to"))
    audit = AuditEvent.objects.count()
    url = reverse("academics:subgroup_edit", kwargs={"subgroup_id": subgroup.pk})
    response = world.client_for("dispatcher").post(
        f"{url}?on=2026-02-30", {"name": "1 подгруппа", "students": []}
    )
    assert response.status_code == 200
    assert "Введите правильную дату." in response.content.decode()
    after = list(SubgroupMembership.objects.values_list("student_id", "date_from", "date_to"))
    assert after == before
    assert AuditEvent.objects.count() == audit
