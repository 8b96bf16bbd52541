"""Pages of programs and curricula: the methodist's and the deputy's (Положение 4.3, 4.10)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from otmetka.academics.forms.curricula import (
    CurriculumCopyForm,
    CurriculumForm,
    HoursForm,
    ItemForm,
    ProgramForm,
)
from otmetka.academics.models import CurriculumItem
from otmetka.academics.permissions import (
    can_edit_programs,
    get_curriculum_for_user_or_404,
    get_hours_for_user_or_404,
    get_item_for_user_or_404,
    get_program_for_user_or_404,
    programs_visible_to,
)
from otmetka.academics.selectors import curriculum_table, program_list_rows
from otmetka.academics.services.curricula import (
    curriculum_copy,
    curriculum_create,
    curriculum_update,
    hours_delete,
    hours_set,
    item_create,
    item_delete,
    item_update,
    program_create,
    program_update,
)
from otmetka.accounts.permissions import right_required, role_of
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.lib.views import form_error, paginate, parse_id, query_without_page, search_text
from otmetka.org.models import Department

VIEW = ("programs.view", "programs.edit")
EDIT = "programs.edit"


def _departments(request: HttpRequest) -> QuerySet[Department]:
    return Department.objects.filter(organization_id=role_of(request).organization_id)


@right_required(*VIEW)
def program_list(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    programs = programs_visible_to(role)
    text = search_text(request)
    if text:
        programs = programs.filter(Q(code__startswith=text) | Q(name__icontains=text))
    page = paginate(request, program_list_rows(programs))
    return render(request, "academics/program_list.html", {
        "page": page, "q": text, "query": query_without_page(request),
        "can_edit": can_edit_programs(role),
    })


@right_required(EDIT)
def program_create_view(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    form = ProgramForm(request.POST or None, departments=_departments(request))
    if request.method == "POST" and form.is_valid():
        try:
            program = program_create(actor=role, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Образовательная программа добавлена."))
            return redirect("academics:program_detail", program_id=program.pk)
    return render(request, "academics/program_form.html", {"form": form, "program": None})


@right_required(EDIT)
def program_edit(request: HttpRequest, program_id: int) -> HttpResponse:
    role = role_of(request)
    program = get_program_for_user_or_404(role, program_id)
    form = ProgramForm(request.POST or None, departments=_departments(request),
                       initial=ProgramForm.initial_for(program))
    if request.method == "POST" and form.is_valid():
        try:
            program_update(actor=role, program=program, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Изменения сохранены."))
            return redirect("academics:program_detail", program_id=program.pk)
    return render(request, "academics/program_form.html", {"form": form, "program": program})


@right_required(*VIEW)
def program_detail(request: HttpRequest, program_id: int) -> HttpResponse:
    role = role_of(request)
    program = get_program_for_user_or_404(role, program_id)
    curricula = program.curricula.order_by("-intake_year", "name")
    return render(request, "academics/program_detail.html", {
        "program": program, "curricula": curricula, "can_edit": can_edit_programs(role),
    })


@right_required(EDIT)
def curriculum_create_view(request: HttpRequest, program_id: int) -> HttpResponse:
    role = role_of(request)
    program = get_program_for_user_or_404(role, program_id)
    form = CurriculumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            curriculum = curriculum_create(actor=role, program=program, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Учебный план создан."))
            return redirect("academics:curriculum_detail", curriculum_id=curriculum.pk)
    return render(request, "academics/curriculum_form.html", {
        "form": form, "program": program, "curriculum": None,
    })


@right_required(*VIEW)
def curriculum_detail(request: HttpRequest, curriculum_id: int) -> HttpResponse:
    role = role_of(request)
    curriculum = get_curriculum_for_user_or_404(role, curriculum_id)
    return render(request, "academics/curriculum_detail.html", {
        "curriculum": curriculum, "program": curriculum.program,
        "table": curriculum_table(curriculum), "can_edit": can_edit_programs(role),
    })


@right_required(EDIT)
def curriculum_edit(request: HttpRequest, curriculum_id: int) -> HttpResponse:
    role = role_of(request)
    curriculum = get_curriculum_for_user_or_404(role, curriculum_id)
    form = CurriculumForm(request.POST or None, initial=CurriculumForm.initial_for(curriculum))
    if request.method == "POST" and form.is_valid():
        try:
            curriculum_update(actor=role, curriculum=curriculum, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Изменения сохранены."))
            return redirect("academics:curriculum_detail", curriculum_id=curriculum.pk)
    return render(request, "academics/curriculum_form.html", {
        "form": form, "program": curriculum.program, "curriculum": curriculum,
    })


@right_required(EDIT)
def curriculum_copy_view(request: HttpRequest, curriculum_id: int) -> HttpResponse:
    role = role_of(request)
    curriculum = get_curriculum_for_user_or_404(role, curriculum_id)
    form = CurriculumCopyForm(request.POST or None,
                              initial=CurriculumCopyForm.initial_for(curriculum))
    if request.method == "POST" and form.is_valid():
        try:
            copy = curriculum_copy(actor=role, curriculum=curriculum, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Учебный план скопирован со всеми часами."))
            return redirect("academics:curriculum_detail", curriculum_id=copy.pk)
    return render(request, "academics/curriculum_copy.html", {
        "form": form, "curriculum": curriculum,
    })


def _item_form(request: HttpRequest, curriculum_id: int, initial: dict[str, Any]) -> ItemForm:
    modules = CurriculumItem.objects.filter(
        curriculum_id=curriculum_id, kind=CurriculumItem.Kind.MODULE
    ).order_by("position", "index")
    return ItemForm(request.POST or None, modules=modules, initial=initial)


@right_required(EDIT)
def item_create_view(request: HttpRequest, curriculum_id: int) -> HttpResponse:
    role = role_of(request)
    curriculum = get_curriculum_for_user_or_404(role, curriculum_id)
    initial = {"kind": request.GET.get("kind"), "parent": request.GET.get("parent")}
    form = _item_form(request, curriculum.pk, initial)
    if request.method == "POST" and form.is_valid():
        try:
            item_create(actor=role, curriculum=curriculum, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Элемент плана добавлен."))
            return redirect("academics:curriculum_detail", curriculum_id=curriculum.pk)
    return render(request, "academics/curriculum_item_form.html", {
        "form": form, "curriculum": curriculum, "item": None,
    })


@right_required(EDIT)
def item_edit(request: HttpRequest, item_id: int) -> HttpResponse:
    role = role_of(request)
    item = get_item_for_user_or_404(role, item_id)
    form = _item_form(request, item.curriculum_id, ItemForm.initial_for(item))
    if request.method == "POST" and form.is_valid():
        try:
            item_update(actor=role, item=item, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Изменения сохранены."))
            return redirect("academics:curriculum_detail", curriculum_id=item.curriculum_id)
    return render(request, "academics/curriculum_item_form.html", {
        "form": form, "curriculum": item.curriculum, "item": item,
        "hours": item.hours.order_by("semester"),
    })


@require_POST
@right_required(EDIT)
def item_delete_view(request: HttpRequest, item_id: int) -> HttpResponse:
    role = role_of(request)
    item = get_item_for_user_or_404(role, item_id)
    try:
        item_delete(actor=role, item=item)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("academics:item_edit", item_id=item.pk)
    messages.success(request, _("Элемент «%(item)s» удалён из плана.") % {"item": item})
    return redirect("academics:curriculum_detail", curriculum_id=item.curriculum_id)


def _semester_param(request: HttpRequest) -> int | None:
    return parse_id(request.GET.get("semester", ""))


@right_required(EDIT)
def hours_edit(request: HttpRequest, item_id: int) -> HttpResponse:
    role = role_of(request)
    item = get_item_for_user_or_404(role, item_id)
    semester = _semester_param(request)
    current = item.hours.filter(semester=semester).first() if semester else None
    form = HoursForm(request.POST or None, semesters=item.curriculum.semesters,
                     initial=HoursForm.initial_for(current, semester))
    if request.method == "POST" and form.is_valid():
        try:
            hours_set(actor=role, item=item, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Часы сохранены."))
            return redirect("academics:curriculum_detail", curriculum_id=item.curriculum_id)
    return render(request, "academics/curriculum_hours_form.html", {
        "form": form, "item": item, "curriculum": item.curriculum,
        "hours": item.hours.order_by("semester"),
    })


@require_POST
@right_required(EDIT)
def hours_delete_view(request: HttpRequest, hours_id: int) -> HttpResponse:
    role = role_of(request)
    hours = get_hours_for_user_or_404(role, hours_id)
    try:
        hours_delete(actor=role, hours=hours)
    except NotAllowed as error:
        raise PermissionDenied(error.message) from error
    messages.success(request, _("Часы %(semester)s семестра удалены.") % {
        "semester": hours.semester,
    })
    return redirect("academics:curriculum_detail", curriculum_id=hours.item.curriculum_id)
