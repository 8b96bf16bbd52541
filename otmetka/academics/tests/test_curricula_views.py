"""Pages of programs and curricula: who may open them, the forms as a user fills them, budgets."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from otmetka.academics.models import (
    AttestationForm,
    Curriculum,
    CurriculumHours,
    CurriculumItem,
    Program,
)
from otmetka.academics.selectors import curriculum_table
from otmetka.academics.tests.test_curricula_support import Kind, events_of, make_hours, make_item
from otmetka.accounts.models import User
from otmetka.audit.models import AuditEvent
from otmetka.test import BASE_QUERIES, World


def _url(world: World, name: str) -> str:
    college = world.college
    hours = CurriculumHours.objects.filter(item=college.mdk).first()
    assert hours is not None
    kwargs: dict[str, dict[str, Any]] = {
        "program_list": {}, "program_create": {},
        "program_detail": {"program_id": college.program.pk},
        "program_edit": {"program_id": college.program.pk},
        "curriculum_create": {"program_id": college.program.pk},
        "curriculum_detail": {"curriculum_id": college.curriculum.pk},
        "curriculum_edit": {"curriculum_id": college.curriculum.pk},
        "curriculum_copy": {"curriculum_id": college.curriculum.pk},
        "item_create": {"curriculum_id": college.curriculum.pk},
        "item_edit": {"item_id": college.mdk.pk},
        "hours_edit": {"item_id": college.mdk.pk},
        "item_delete": {"item_id": college.mdk.pk},
        "hours_delete": {"hours_id": hours.pk},
    }
    return reverse(f"academics:{name}", kwargs=kwargs[name])


# Pages to read: every staff role has `programs.view`; a student has not.
READ_PAGES = ["program_list", "program_detail", "curriculum_detail"]
# Pages to change: the methodist and the deputy (`programs.edit`); a teacher only reads.
EDIT_PAGES = ["program_create", "program_edit", "curriculum_create", "curriculum_edit",
              "curriculum_copy", "item_create", "item_edit", "hours_edit"]
POST_PAGES = ["item_delete", "hours_delete"]
OBJECT_PAGES = [name for name in READ_PAGES + EDIT_PAGES + POST_PAGES
                if name not in ("program_list", "program_create")]


@pytest.mark.parametrize("name", READ_PAGES)
@pytest.mark.parametrize("who", ["methodist", "teacher", "director"])
def test_staff_read_programs_and_curricula(world: World, name: str, who: str) -> None:
    assert world.client_for(who).get(_url(world, name)).status_code == 200


@pytest.mark.parametrize("name", READ_PAGES + EDIT_PAGES)
def test_student_gets_403(world: World, name: str) -> None:
    assert world.client_for("student").get(_url(world, name)).status_code == 403


@pytest.mark.parametrize("name", EDIT_PAGES)
@pytest.mark.parametrize("who", ["methodist", "deputy"])
def test_editors_open_the_forms(world: World, name: str, who: str) -> None:
    assert world.client_for(who).get(_url(world, name)).status_code == 200


@pytest.mark.parametrize("name", EDIT_PAGES)
def test_teacher_reads_but_may_not_edit(world: World, name: str) -> None:
    assert world.client_for("teacher").get(_url(world, name)).status_code == 403


@pytest.mark.parametrize("name", POST_PAGES)
def test_teacher_may_not_delete(world: World, name: str) -> None:
    assert world.client_for("teacher").post(_url(world, name)).status_code == 403
    assert world.client_for("teacher").get(_url(world, name)).status_code == 405


@pytest.mark.parametrize("name", OBJECT_PAGES)
def test_stranger_methodist_gets_404(world: World, name: str) -> None:
    client = world.client_for(world.stranger.users["methodist"])
    response = client.post(_url(world, name)) if name in POST_PAGES else client.get(
        _url(world, name))
    assert response.status_code == 404


def test_edit_links_only_for_editors(world: World) -> None:
    url = _url(world, "curriculum_detail")
    assert "Добавить элемент плана" in world.client_for("methodist").get(url).content.decode()
    assert "Добавить элемент плана" not in world.client_for("teacher").get(url).content.decode()


# --- Forms as a user fills them ------------------------------------------------------------------


def _program_form(**changes: Any) -> dict[str, Any]:
    data = {"code": "15.02.16", "name": "Технология машиностроения", "qualification": "Техник",
            "level": Program.Level.SPECIALIST, "form_of_study": Program.Form.FULL_TIME,
            "duration_months": 46, "department": ""}
    data.update(changes)
    return data


def test_methodist_adds_a_program_and_sees_it_in_the_list(world: World) -> None:
    client = world.client_for("methodist")
    response = client.post(reverse("academics:program_create"), _program_form(), follow=True)
    assert response.status_code == 200
    program = Program.objects.get(organization=world.org, code="15.02.16")
    assert response.redirect_chain[-1][0] == _detail(program)
    assert "Образовательная программа добавлена." in response.content.decode()
    listing = client.get(reverse("academics:program_list"), {"q": "15.02"}).content.decode()
    assert "Технология машиностроения" in listing
    assert "Информационные системы" not in listing


def _detail(program: Program) -> str:
    return reverse("academics:program_detail", kwargs={"program_id": program.pk})


def test_bad_program_code_is_shown_next_to_the_field(world: World) -> None:
    response = world.client_for("methodist").post(reverse("academics:program_create"),
                                                  _program_form(code="15-02-16"))
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == ["Код специальности в формате 09.02.07."]
    assert not Program.objects.filter(name="Технология машиностроения").exists()


def test_duplicate_program_is_shown_on_the_form(world: World) -> None:
    response = world.client_for("methodist").post(
        reverse("academics:program_create"),
        _program_form(code="09.02.07", qualification="Программист"),
    )
    assert "уже есть" in response.context["form"].errors["code"][0]


def test_stranger_department_is_not_a_choice(world: World) -> None:
    response = world.client_for("methodist").post(
        reverse("academics:program_create"),
        _program_form(department=world.stranger.department.pk),
    )
    assert "department" in response.context["form"].errors
    assert not Program.objects.filter(code="15.02.16").exists()


def test_deputy_edits_a_program(world: World) -> None:
    program = world.college.program
    response = world.client_for("deputy").post(
        _url(world, "program_edit"),
        _program_form(code="09.02.07", name=program.name, qualification="Разработчик"),
    )
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.qualification == "Разработчик"
    assert events_of(program)[-1].changes["qualification"] == ["Программист", "Разработчик"]


def test_methodist_creates_a_curriculum_and_lands_on_it(world: World) -> None:
    response = world.client_for("methodist").post(
        _url(world, "curriculum_create"),
        {"name": "09.02.07 набор 2026", "intake_year": 2026, "semesters": 8,
         "approved_on": "2026-06-01"},
        follow=True,
    )
    curriculum = Curriculum.objects.get(name="09.02.07 набор 2026")
    assert response.redirect_chain[-1][0] == reverse(
        "academics:curriculum_detail", kwargs={"curriculum_id": curriculum.pk})
    assert "01.06.2026" in response.content.decode()


def test_curriculum_edit_refuses_fewer_semesters_than_used(world: World) -> None:
    response = world.client_for("methodist").post(
        _url(world, "curriculum_edit"),
        {"name": world.college.curriculum.name, "intake_year": 2025, "semesters": 2},
    )
    assert "3 семестре" in response.context["form"].errors["semesters"][0]


def test_curriculum_copy_page(world: World) -> None:
    client = world.client_for("methodist")
    form = client.get(_url(world, "curriculum_copy")).context["form"]
    assert form.initial == {"name": "09.02.07 набор 2026", "intake_year": 2026}
    response = client.post(_url(world, "curriculum_copy"), form.initial, follow=True)
    copy = Curriculum.objects.get(name="09.02.07 набор 2026")
    assert copy.items.count() == 3
    page = response.content.decode()
    assert "Учебный план скопирован со всеми часами." in page
    assert "МДК.01.01" in page


def test_mdk_without_module_is_refused_on_the_form(world: World) -> None:
    response = world.client_for("methodist").post(
        _url(world, "item_create"),
        {"kind": Kind.INTERDISCIPLINARY_COURSE, "index": "МДК.01.02", "name": "Поддержка ПО"},
    )
    assert "МДК входит в профессиональный модуль" in response.context["form"].errors["parent"][0]
    assert not CurriculumItem.objects.filter(index="МДК.01.02").exists()


def test_methodist_adds_an_mdk_into_a_module(world: World) -> None:
    college = world.college
    response = world.client_for("methodist").post(
        _url(world, "item_create"),
        {"kind": Kind.INTERDISCIPLINARY_COURSE, "index": "МДК.01.02", "name": "Поддержка ПО",
         "parent": college.module.pk},
        follow=True,
    )
    assert response.status_code == 200
    item = CurriculumItem.objects.get(index="МДК.01.02")
    assert item.parent_id == college.module.pk
    rows = [row.item.index for row in response.context["table"].rows]
    assert rows == ["ОП.01", "ПМ.01", "МДК.01.01", "МДК.01.02"]


def test_module_of_another_curriculum_is_not_a_choice(world: World) -> None:
    stranger_module = world.stranger.module
    response = world.client_for("methodist").post(
        _url(world, "item_create"),
        {"kind": Kind.INTERDISCIPLINARY_COURSE, "index": "МДК.09.09", "name": "Чужое",
         "parent": stranger_module.pk},
    )
    assert "parent" in response.context["form"].errors
    assert not CurriculumItem.objects.filter(index="МДК.09.09").exists()


def test_item_edit_changes_the_item(world: World) -> None:
    college = world.college
    response = world.client_for("methodist").post(
        _url(world, "item_edit"),
        {"kind": Kind.INTERDISCIPLINARY_COURSE, "index": "МДК.01.01",
         "name": "Разработка программных модулей (обновлено)", "parent": college.module.pk,
         "position": 3},
    )
    assert response.status_code == 302
    college.mdk.refresh_from_db()
    assert college.mdk.name.endswith("(обновлено)")


def _hours_form(**changes: Any) -> dict[str, Any]:
    data = {"semester": 4, "total": 60, "theory": 30, "practical": 10, "laboratory": 4,
            "coursework": "", "independent": 10, "consultations": 2, "attestation_hours": 4,
            "attestation_form": AttestationForm.EXAM}
    data.update(changes)
    return data


def test_hours_that_do_not_add_up_are_shown_next_to_total(world: World) -> None:
    response = world.client_for("methodist").post(_url(world, "hours_edit"),
                                                  _hours_form(total=65))
    assert response.status_code == 200
    [message] = response.context["form"].errors["total"]
    assert message == ("Часы не сходятся: максимальная нагрузка 65 ч, а сумма составляющих "
                       "60 ч (30 + 10 + 4 + 0 + 10 + 2 + 4).")
    assert message in response.content.decode()
    assert not CurriculumHours.objects.filter(item=world.college.mdk, semester=4).exists()


def test_hours_are_saved_and_shown_in_the_plan(world: World) -> None:
    response = world.client_for("methodist").post(_url(world, "hours_edit"), _hours_form(),
                                                  follow=True)
    assert "Часы сохранены." in response.content.decode()
    hours = CurriculumHours.objects.get(item=world.college.mdk, semester=4)
    assert (hours.total, hours.coursework, hours.classroom) == (60, 0, 44)
    assert "60 / 44 / 10" in response.content.decode()


def test_hours_edit_prefills_the_semester(world: World) -> None:
    response = world.client_for("methodist").get(_url(world, "hours_edit"), {"semester": 3})
    form = response.context["form"]
    assert form.initial["total"] == 100
    assert form.initial["attestation_form"] == AttestationForm.DIFF_CREDIT


def test_item_delete_refused_while_workload_uses_it(world: World) -> None:
    response = world.client_for("methodist").post(_url(world, "item_delete"), follow=True)
    assert "распределена нагрузка" in response.content.decode()
    assert CurriculumItem.objects.filter(pk=world.college.mdk.pk).exists()


def test_item_delete(world: World) -> None:
    college = world.college
    item = make_item(college.curriculum, Kind.DISCIPLINE, "ОП.05", "Экономика")
    url = reverse("academics:item_delete", kwargs={"item_id": item.pk})
    response = world.client_for("methodist").post(url, follow=True)
    assert "Элемент «ОП.05 Экономика» удалён из плана." in response.content.decode()
    assert not CurriculumItem.objects.filter(index="ОП.05").exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DELETE,
                                     object_repr="ОП.05 Экономика").exists()


def test_hours_delete(world: World) -> None:
    hours = CurriculumHours.objects.get(item=world.college.mdk, semester=3)
    response = world.client_for("methodist").post(_url(world, "hours_delete"))
    assert response.status_code == 302
    assert not CurriculumHours.objects.filter(pk=hours.pk).exists()


# --- Query budgets -------------------------------------------------------------------------------


def _more_programs(world: World, count: int) -> None:
    for number in range(count):
        program = Program.objects.create(organization=world.org, code=f"15.02.{number + 10:02d}",
                                         name=f"Программа {number}", qualification="Техник",
                                         department=world.college.department)
        Curriculum.objects.create(program=program, name=f"План {number}", intake_year=2026)


@pytest.mark.parametrize("extra", [0, 12])
def test_program_list_query_budget(world: World, django_assert_num_queries: Any,
                                   extra: int) -> None:
    _more_programs(world, extra)
    client = world.client_for("methodist")
    client.get(reverse("academics:program_list"))
    # BASE_QUERIES, then the page count and the page's programs with departments and the
    # number of curricula (one grouped query).
    with django_assert_num_queries(BASE_QUERIES + 2):
        response = client.get(reverse("academics:program_list"))
    assert len(response.context["page"].object_list) == 1 + extra


def _bigger_plan(world: World, modules: int) -> None:
    curriculum = world.college.curriculum
    for number in range(modules):
        module = make_item(curriculum, Kind.MODULE, f"ПМ.{number + 10}", position=20 + number)
        for part in range(3):
            mdk = make_item(curriculum, Kind.INTERDISCIPLINARY_COURSE,
                            f"МДК.{number + 10}.0{part}", parent=module, position=part)
            make_hours(mdk, 5 + part % 2)


@pytest.mark.parametrize("modules", [0, 5])
def test_curriculum_detail_query_budget(world: World, django_assert_num_queries: Any,
                                        modules: int) -> None:
    _bigger_plan(world, modules)
    client = world.client_for("methodist")
    url = _url(world, "curriculum_detail")
    client.get(url)
    # BASE_QUERIES, the curriculum with its program, the items, the hours of all items.
    with django_assert_num_queries(BASE_QUERIES + 3):
        response = client.get(url)
    assert len(response.context["table"].rows) == 3 + modules * 4


def test_curriculum_table_is_two_queries_and_nests_parts(world: World,
                                                         django_assert_num_queries: Any) -> None:
    _bigger_plan(world, 3)
    curriculum = Curriculum.objects.get(pk=world.college.curriculum.pk)
    with django_assert_num_queries(2):  # the items; the hours of every item
        table = curriculum_table(curriculum)
    indexes = [row.item.index for row in table.rows]
    assert indexes[:3] == ["ОП.01", "ПМ.01", "МДК.01.01"]
    assert indexes[3:7] == ["ПМ.10", "МДК.10.00", "МДК.10.01", "МДК.10.02"]
    assert [row.depth for row in table.rows[:4]] == [0, 0, 1, 0]
    semester3 = table.totals[2]
    assert (semester3.total, semester3.classroom, semester3.independent) == (172, 136, 36)
    discipline = table.rows[0]
    assert discipline.cells[2].abbreviation == "Э"
    assert table.rows[2].cells[2].abbreviation == "ДЗ"
    assert table.hours[world.college.mdk.pk][3].total == 100
    assert table.grand_total.total == 172 + 3 * 3 * 36


def test_module_row_adds_up_its_parts_without_counting_twice(world: World) -> None:
    college = world.college
    practice = make_item(college.curriculum, Kind.EDUCATIONAL_PRACTICE, "УП.01",
                         parent=college.module, position=4)
    make_hours(practice, 4, theory=0, practical=72, independent=0, form=AttestationForm.CREDIT)
    CurriculumHours.objects.create(item=college.module, semester=4, total=6, attestation_hours=6,
                                   attestation_form=AttestationForm.QUALIFICATION_EXAM)
    table = curriculum_table(college.curriculum)
    rows = {row.item.index: row for row in table.rows}
    module = rows["ПМ.01"]
    assert (module.cells[2].total, module.cells[2].classroom) == (100, 80)  # its МДК
    assert (module.cells[3].total, module.cells[3].classroom) == (78, 72)  # exam + practice
    assert module.cells[3].abbreviation == "Эк"
    assert rows["УП.01"].cells[3].abbreviation == "З"
    assert (table.totals[2].total, table.totals[3].total) == (172, 78)
    assert table.grand_total.total == 250
    page = world.client_for("teacher").get(_url(world, "curriculum_detail")).content.decode()
    assert "78 / 72 / 0" in page


# --- Django admin --------------------------------------------------------------------------------


def test_django_admin_only_shows_academics(world: World) -> None:
    """The admin is a door around the services and the audit log: it shows, never changes."""
    root = User.objects.create_superuser("root", "root-password-42")
    client = Client()
    client.force_login(root)
    for model in ("program", "curriculum", "curriculumitem", "group", "workload"):
        assert client.get(reverse(f"admin:academics_{model}_changelist")).status_code == 200
    item = world.college.mdk
    assert client.get(reverse("admin:academics_curriculumitem_change",
                              args=[item.pk])).status_code == 200
    assert client.get(reverse("admin:academics_workload_add")).status_code == 403
    response = client.post(reverse("admin:academics_curriculumitem_delete", args=[item.pk]),
                           {"post": "yes"})
    assert response.status_code == 403
    assert CurriculumItem.objects.filter(pk=item.pk).exists()
