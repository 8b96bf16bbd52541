"""Benchmarks of the reports.

- ``contingent_report`` (issue 6: ≤ 1 s for the `college` demo on a date): the director's
  «Контингент на дату» page for today, whole college, as a warm process; seconds is the slowest
  run, with p50/p95 and the page's query count.
- ``group_summary`` (issue 12: p95 ≤ 200 ms): the deputy's сводная ведомость of the demo's
  largest group for the current semester, through the page.
- ``college_quality`` (issue 12: p95 ≤ 1 s): the deputy's «Успеваемость и качество знаний» of
  the whole college by group for the current semester (with the semester before), through the
  page.
- ``attendance_month`` (issue 12: p95 ≤ 500 ms): the deputy's посещаемость of the demo's
  largest department for the current month, a line per group, through the page.
- ``at_risk_list`` (issue 12): the deputy's list of students at risk, whole college, current
  semester, through the page.

Django is set up by `bench.run` before this runs; models are imported inside the function.
"""

from __future__ import annotations

from bench.harness import Context, Entry, benchmark, entry, measure

DIRECTOR = "director"
DEPUTY = "deputy"


@benchmark("contingent_report")
def contingent_report(context: Context) -> Entry | None:
    """The contingent on today's date for the whole demo college, through the page."""
    from django.test import Client
    from django.urls import reverse

    from otmetka.academics.models import Membership
    from otmetka.accounts.models import User
    from otmetka.lib.dates import local_today

    user = User.objects.filter(username=DIRECTOR).first()
    if user is None:
        context.notes.append("contingent_report: в демо нет пользователя director")
        return None
    client = Client()
    client.force_login(user)
    url = reverse("reports:contingent")
    client.get(url)  # the first request of a session writes the session

    def open_report() -> None:
        response = client.get(url)
        if response.status_code != 200 or b"report-total" not in response.content:
            raise RuntimeError(f"contingent report answered {response.status_code}")

    timing = measure(open_report, repeat=max(context.repeat, 20), warmup=context.warmup)
    person = user.person
    today = local_today(person.organization.timezone)
    on_roll = (
        Membership.objects.filter(group__organization_id=person.organization_id)
        .on_day(today)
        .count()
    )
    context.notes.append(
        f"contingent_report: директор, на {today:%d.%m.%Y}, в составах групп {on_roll}; цель ≤ 1 с"
    )
    result = timing.as_entry("contingent_report")
    return entry(
        "contingent_report",
        queries=result["queries"],
        p50_ms=result["p50_ms"],
        p95_ms=result["p95_ms"],
        rps=result["rps"],
        seconds=round(max(timing.samples_ms) / 1000, 3),
    )


@benchmark("group_summary")
def group_summary(context: Context) -> Entry | None:
    """The deputy's сводная ведомость of the largest group for the current semester, through
    the page (issue 12: p95 ≤ 200 ms)."""
    from django.db.models import Count, Q
    from django.test import Client
    from django.urls import reverse

    from otmetka.academics.models import Group
    from otmetka.accounts.models import User
    from otmetka.lib.dates import local_today
    from otmetka.reports.summary import semester_on

    user = User.objects.filter(username=DEPUTY).select_related("person").first()
    if user is None or user.person is None:
        context.notes.append("group_summary: в демо нет пользователя deputy")
        return None
    organization_id = user.person.organization_id
    today = local_today(user.person.organization.timezone)
    period = semester_on(organization_id, today)
    if period is None:
        context.notes.append("group_summary: в демо нет семестров")
        return None
    on_roll = Q(memberships__date_from__lte=period.date_to) & (
        Q(memberships__date_to__isnull=True) | Q(memberships__date_to__gte=period.date_from)
    )
    group = (
        Group.objects.filter(organization_id=organization_id)
        .annotate(students=Count("memberships__student", filter=on_roll, distinct=True))
        .order_by("-students", "pk")
        .first()
    )
    if group is None:
        context.notes.append("group_summary: в демо нет групп")
        return None
    client = Client()
    client.force_login(user)
    url = f"{reverse('reports:group_summary', kwargs={'group_id': group.pk})}?period={period.pk}"
    client.get(url)  # the first request of a session writes the session

    def open_report() -> None:
        response = client.get(url)
        if response.status_code != 200 or b"summary-grid" not in response.content:
            raise RuntimeError(f"group summary answered {response.status_code}")

    timing = measure(open_report, repeat=max(context.repeat, 20), warmup=context.warmup)
    students = getattr(group, "students", 0)
    context.notes.append(
        f"group_summary: заместитель директора, группа {group.name}, {period}, "
        f"обучающихся {students}; цель p95 ≤ 200 мс"
    )
    return timing.as_entry("group_summary")


@benchmark("college_quality")
def college_quality(context: Context) -> Entry | None:
    """The deputy's успеваемость и качество of the whole college by group, current semester,
    through the page (issue 12: p95 ≤ 1 s)."""
    from django.test import Client
    from django.urls import reverse
    from django.utils.http import urlencode

    from otmetka.academics.models import Group
    from otmetka.accounts.models import User
    from otmetka.lib.dates import local_today
    from otmetka.reports.summary import semester_on

    user = User.objects.filter(username=DEPUTY).select_related("person").first()
    if user is None or user.person is None:
        context.notes.append("college_quality: в демо нет пользователя deputy")
        return None
    organization_id = user.person.organization_id
    period = semester_on(organization_id, local_today(user.person.organization.timezone))
    if period is None:
        context.notes.append("college_quality: в демо нет семестров")
        return None
    client = Client()
    client.force_login(user)
    query: dict[str, str | int] = {
        "academic_year": period.academic_year_id,
        "term": str(period.number),
        "by": "group",
    }
    url = f"{reverse('reports:quality')}?{urlencode(query)}"
    client.get(url)  # the first request of a session writes the session

    def open_report() -> None:
        response = client.get(url)
        if response.status_code != 200 or b"quality-table" not in response.content:
            raise RuntimeError(f"quality report answered {response.status_code}")

    timing = measure(open_report, repeat=max(context.repeat, 10), warmup=context.warmup)
    groups = Group.objects.filter(organization_id=organization_id).count()
    context.notes.append(
        f"college_quality: заместитель директора, весь колледж по группам ({groups}), {period}, "
        "с предыдущим семестром; цель p95 ≤ 1 с"
    )
    return timing.as_entry("college_quality")


@benchmark("attendance_month")
def attendance_month(context: Context) -> Entry | None:
    """The deputy's attendance of the demo's largest department for the current month, through
    the page: a line per group with hours by reason (issue 12: p95 ≤ 500 ms)."""
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse
    from django.utils.http import urlencode

    from otmetka.accounts.models import User
    from otmetka.journal.models import Attendance
    from otmetka.lib.dates import local_today
    from otmetka.org.models import Department

    user = User.objects.filter(username=DEPUTY).select_related("person").first()
    if user is None or user.person is None:
        context.notes.append("attendance_month: в демо нет пользователя deputy")
        return None
    organization = user.person.organization
    department = (
        Department.objects.filter(organization_id=organization.pk)
        .annotate(group_count=Count("groups", distinct=True))
        .order_by("-group_count", "pk")
        .first()
    )
    if department is None:
        context.notes.append("attendance_month: в демо нет отделений")
        return None
    today = local_today(organization.timezone)
    query = {"month": f"{today:%Y-%m}", "department": str(department.pk)}
    client = Client()
    client.force_login(user)
    url = f"{reverse('reports:attendance')}?{urlencode(query)}"
    client.get(url)  # the first request of a session writes the session

    def open_report() -> None:
        response = client.get(url)
        if response.status_code != 200 or b"attendance-totals" not in response.content:
            raise RuntimeError(f"attendance month answered {response.status_code}")

    timing = measure(open_report, repeat=max(context.repeat, 20), warmup=context.warmup)
    absences = Attendance.objects.filter(
        lesson__workload__group__department_id=department.pk,
        lesson__date__year=today.year,
        lesson__date__month=today.month,
    ).count()
    context.notes.append(
        f"attendance_month: заместитель директора, {department.name}, {today:%m.%Y}, "
        f"групп {getattr(department, 'group_count', 0)}, отметок пропусков {absences}; "
        "цель p95 ≤ 500 мс"
    )
    return timing.as_entry("attendance_month")


@benchmark("at_risk_list")
def at_risk_list(context: Context) -> Entry | None:
    """The deputy's list of students at risk, whole college, current semester, through the
    page: a fixed number of queries whatever the college's size."""
    from django.test import Client
    from django.urls import reverse

    from otmetka.accounts.models import User

    user = User.objects.filter(username=DEPUTY).first()
    if user is None:
        context.notes.append("at_risk_list: в демо нет пользователя deputy")
        return None
    client = Client()
    client.force_login(user)
    url = reverse("reports:at_risk")
    client.get(url)  # the first request of a session writes the session

    def open_report() -> None:
        response = client.get(url)
        if response.status_code != 200 or "Как составлен список" not in response.text:
            raise RuntimeError(f"at-risk list answered {response.status_code}")

    timing = measure(open_report, repeat=max(context.repeat, 5), warmup=context.warmup)
    context.notes.append("at_risk_list: заместитель директора, весь колледж, текущий семестр")
    return timing.as_entry("at_risk_list")
