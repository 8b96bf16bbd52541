"""The weekly notice to each curator: how many of their groups' students are at risk, with a
link to the list. Once per curator and ISO week: the week is in the notice's link, and a
curator who already has this week's notice gets no second one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from otmetka.academics.models import Group
from otmetka.lib.dates import local_today
from otmetka.notifications.emails import iso_week
from otmetka.notifications.models import Notification
from otmetka.notifications.services import notify
from otmetka.org.models import Organization
from otmetka.reports.at_risk import at_risk
from otmetka.reports.summary import semester_on


@dataclass
class NoticePlan:
    user_id: int
    organization_id: int
    title: str
    body: str
    url: str


@dataclass
class NoticeReport:
    planned: list[NoticePlan] = field(default_factory=list)
    already_sent: int = 0


def at_risk_link(period_id: int, week: str) -> str:
    return f"{reverse('reports:at_risk')}?{urlencode([('period', period_id), ('week', week)])}"


@transaction.atomic
def at_risk_notices_send(*, today: dt.date | None = None, dry_run: bool = False) -> NoticeReport:
    """Tell each curator of every organization how many students of their groups are at risk
    in the current semester (a curator with none is not told). A fixed number of queries per
    organization, whatever its number of groups."""
    report = NoticeReport()
    for organization in Organization.objects.order_by("pk"):
        day = today or local_today(organization.timezone)
        _organization_plan(organization, day, report)
    if not dry_run:
        for plan in report.planned:
            notify(
                user_ids=[plan.user_id],
                organization_id=plan.organization_id,
                kind=Notification.Kind.OTHER,
                title=plan.title,
                body=plan.body,
                url=plan.url,
            )
    return report


def _organization_plan(organization: Organization, day: dt.date, report: NoticeReport) -> None:
    period = semester_on(organization.pk, day)
    if period is None:
        return
    groups = Group.objects.filter(organization_id=organization.pk, is_active=True)
    counts = at_risk(groups, period, today=day).students_by_group()
    if not counts:
        return
    curated: dict[int, list[tuple[str, int]]] = {}
    for group_id, group_name, user_id in (
        Group.curators.through.objects.filter(
            group_id__in=list(counts), employee__person__user_id__isnull=False
        )
        .values_list("group_id", "group__name", "employee__person__user_id")
        .order_by("group__name", "group_id")
    ):
        curated.setdefault(user_id, []).append((group_name, counts[group_id]))
    if not curated:
        return
    url = at_risk_link(period.pk, iso_week(day))
    told = set(
        Notification.objects.filter(
            organization_id=organization.pk, user_id__in=list(curated), url=url
        ).values_list("user_id", flat=True)
    )
    for user_id, lines in sorted(curated.items()):
        if user_id in told:
            report.already_sent += 1
            continue
        total = sum(count for _name, count in lines)
        report.planned.append(
            NoticePlan(
                user_id=user_id,
                organization_id=organization.pk,
                title=ngettext(
                    "Группа риска: %(count)s обучающийся ваших групп",
                    "Группа риска: %(count)s обучающихся ваших групп",
                    total,
                )
                % {"count": total},
                body="\n".join(
                    _("%(group)s: %(count)s") % {"group": name, "count": count}
                    for name, count in lines
                ),
                url=url,
            )
        )
