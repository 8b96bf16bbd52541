"""Helpers shared by the curricula, workload and dashboard tests (no tests here)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models

from otmetka.academics.models import (
    AttestationForm,
    Curriculum,
    CurriculumHours,
    CurriculumItem,
    Group,
    Workload,
)
from otmetka.audit.models import AuditEvent
from otmetka.people.models import Employee, Person
from otmetka.test import College, make_person

Kind = CurriculumItem.Kind


def events_of(obj: models.Model) -> list[AuditEvent]:
    """Audit events of one object, oldest first."""
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("at", "id")
    )


def make_item(curriculum: Curriculum, kind: str, index: str, name: str = "",
              parent: CurriculumItem | None = None, position: int = 10) -> CurriculumItem:
    return CurriculumItem.objects.create(curriculum=curriculum, kind=kind, index=index,
                                         name=name or f"Элемент {index}", parent=parent,
                                         position=position)


def make_hours(item: CurriculumItem, semester: int, theory: int = 20, practical: int = 10,
               independent: int = 6, form: str = AttestationForm.NONE) -> CurriculumHours:
    return CurriculumHours.objects.create(
        item=item, semester=semester, total=theory + practical + independent, theory=theory,
        practical=practical, independent=independent, attestation_form=form,
    )


def make_teacher(college: College, last: str, first: str = "Анна", middle: str = "",
                 **extra: Any) -> Employee:
    person = make_person(college.organization, last, first, middle, sex=Person.Sex.FEMALE)
    return Employee.objects.create(person=person, department=college.department,
                                   hire_date=dt.date(2021, 9, 1), **extra)


def make_group(college: College, name: str, course: int = 2,
               curriculum: Curriculum | None = None) -> Group:
    return Group.objects.create(
        organization=college.organization, name=name, program=college.program,
        curriculum=curriculum or college.curriculum, department=college.department,
        intake_year=college.year.start_year - course + 1,
    )


def make_workload(college: College, teacher: Employee, group: Group, item: CurriculumItem,
                  hours_first: int = 10, hours_second: int = 0) -> Workload:
    return Workload.objects.create(academic_year=college.year, teacher=teacher, group=group,
                                   item=item, hours_first=hours_first, hours_second=hours_second)
