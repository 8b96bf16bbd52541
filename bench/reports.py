"""Benchmark of the contingent report (issue 6: ≤ 1 s for the `college` demo on a date).

- ``contingent_report``: the director's «Контингент на дату» page for today, whole college, as a
  warm process; seconds is the slowest run, with p50/p95 and the page's query count.

Django is set up by `bench.run` before this runs; models are imported inside the function.
"""

from __future__ import annotations

from bench.harness import Context, Entry, benchmark, entry, measure

DIRECTOR = "director"


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
