"""A journal's marks as a workbook, from the journal's page (Положение 4.6)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from otmetka.accounts.permissions import right_required, role_of
from otmetka.journal.marks_xlsx import journal_marks_file_name, journal_marks_xlsx
from otmetka.journal.permissions import grid_journal_for_user_or_404
from otmetka.journal.selectors import journal_grid, journal_period_for, journal_periods
from otmetka.journal.views.grid import READ_RIGHTS
from otmetka.lib.dates import local_today
from otmetka.lib.downloads import xlsx_download
from otmetka.lib.views import parse_id


@right_required(*READ_RIGHTS)
def marks_xlsx(request: HttpRequest, workload_id: int) -> HttpResponse:
    """The semester of the grid (`?period=`, else the current one) as the grid shows it: a
    substitute gets the lessons they substitute, nobody else's."""
    role = role_of(request)
    workload, only = grid_journal_for_user_or_404(role, workload_id)
    workload.group.organization = role.organization
    today = local_today(role.organization.timezone)
    wanted = request.GET.get("period", "")
    period = journal_period_for(journal_periods(workload), today, parse_id(wanted))
    if period is None or (wanted and parse_id(wanted) is None):
        raise Http404
    grid = journal_grid(workload, period, today, only=only)
    return xlsx_download(journal_marks_xlsx(grid), name=journal_marks_file_name(grid))
