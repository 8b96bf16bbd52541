"""Benchmarks of the semester attestation sheet: its page and its PDF.

- ``attestation_page``: the teacher's «Промежуточная аттестация» page of the demo journal with
  the largest sheet this semester, as a warm process;
- ``attestation_pdf``: the printed ведомость of that sheet, rendered within the request (the
  first render, which loads the fonts, is a warm-up run).

These figures used to be wall-clock assertions in the test suite (under 1 s for the PDF); the
machine running the tests decided whether they passed, so they are measured here instead.
Django is set up by `bench.run` before these run; models are imported inside the functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bench.harness import Context, Entry, benchmark, measure

MISSING = "{name}: в демо-колледже нет журнала с промежуточной аттестацией в этом семестре"


@dataclass(frozen=True)
class SheetChoice:
    """The demo journal whose attestation sheet the benchmarks open, and its size."""

    workload_id: int
    period_id: int
    teacher_user_id: int
    label: str
    students: int


def largest_sheet() -> SheetChoice | None:
    """The journal of the main demo college with the most students among those whose
    curriculum has an attestation in the current semester.

    Four queries: the semester, the journals of its year, their curriculum hours, the rosters.
    """
    from django.db.models import Count

    from otmetka.academics.models import CurriculumHours, Membership, Workload
    from otmetka.lib.dates import local_today
    from otmetka.org.models import Organization, Period

    organization = Organization.objects.order_by("pk").first()
    if organization is None:
        return None
    today = local_today(organization.timezone)
    period = (
        Period.objects.semesters()
        .filter(academic_year__organization=organization, date_from__lte=today)
        .select_related("academic_year")
        .order_by("-date_from")
        .first()
    )
    if period is None:
        return None
    lines = list(
        Workload.objects.filter(
            academic_year=period.academic_year,
            subgroup__isnull=True,
            teacher__person__user__isnull=False,
        )
        .select_related("group", "item", "teacher__person")
        .order_by("pk")
    )
    attested = set(
        CurriculumHours.objects.filter(item_id__in={line.item_id for line in lines})
        .exclude(attestation_form="")
        .values_list("item_id", "semester")
    )
    rosters = dict(
        Membership.objects.filter(group__organization=organization)
        .on_day(min(today, period.date_to))
        .values("group_id")
        .annotate(count=Count("student_id", distinct=True))
        .values_list("group_id", "count")
    )
    candidates = [
        line for line in lines
        if (line.item_id, line.group.semester_of(period.number, period.academic_year)) in attested
    ]
    if not candidates:
        return None
    best = max(candidates, key=lambda line: (rosters.get(line.group_id, 0), -line.pk))
    user_id = best.teacher.person.user_id
    assert user_id is not None
    label = f"{best.group.name}, {best.item.index} {best.item.name}, {period.name}"
    return SheetChoice(best.pk, period.pk, user_id, label, rosters.get(best.group_id, 0))


def _sheet_page(choice: SheetChoice) -> tuple[Any, str]:
    """The teacher's client and the sheet page's URL."""
    from django.urls import reverse

    from bench.run import teacher_client

    url = reverse("journal:attestation", kwargs={"workload_id": choice.workload_id})
    return teacher_client(choice.teacher_user_id), f"{url}?period={choice.period_id}"


@benchmark("attestation_page")
def attestation_page(context: Context) -> Entry | None:
    """The attestation sheet page of the largest sheet, as its teacher opens it."""
    choice = largest_sheet()
    if choice is None:
        context.notes.append(MISSING.format(name="attestation_page"))
        return None
    client, url = _sheet_page(choice)

    def open_page() -> None:
        response = client.get(url)
        # Outside the test runner a response carries no template context: the sheet's state
        # («Состояние») is on the page only when there is a sheet.
        if response.status_code != 200 or "Состояние".encode() not in response.content:
            raise RuntimeError(f"attestation page answered {response.status_code} "
                               f"without a sheet")

    timing = measure(open_page, repeat=context.repeat, warmup=context.warmup)
    context.notes.append(f"attestation_page: {choice.label} — {choice.students} обучающихся")
    return timing.as_entry("attestation_page")


@benchmark("attestation_pdf")
def attestation_pdf(context: Context) -> Entry | None:
    """The printed ведомость of the same sheet, as its teacher downloads it."""
    from django.urls import reverse

    from otmetka.academics.models import Workload
    from otmetka.journal.models import AttestationSheet

    choice = largest_sheet()
    if choice is None:
        context.notes.append(MISSING.format(name="attestation_pdf"))
        return None
    client, url = _sheet_page(choice)
    client.get(url)  # the page creates the sheet on first use
    workload = Workload.objects.get(pk=choice.workload_id)
    sheet = AttestationSheet.objects.get(
        group_id=workload.group_id, item_id=workload.item_id, period_id=choice.period_id
    )
    pdf_url = reverse("journal:attestation_pdf", kwargs={"sheet_id": sheet.pk})

    def download() -> None:
        response = client.get(pdf_url)
        if response.status_code != 200 or not response.content.startswith(b"%PDF"):
            raise RuntimeError(f"attestation PDF answered {response.status_code}")

    timing = measure(download, repeat=context.repeat, warmup=max(context.warmup, 1))
    context.notes.append(f"attestation_pdf: {choice.label} — {choice.students} обучающихся")
    return timing.as_entry("attestation_pdf")
