"""Background work of the journal (django-tasks): PDF rendering never blocks a request."""

from __future__ import annotations

from django_tasks import task


@task()
def render_journal_print(print_id: int) -> str:
    """Render a queued printed journal; returns the copy's final status."""
    from otmetka.journal.services.printing import journal_print_render

    return journal_print_render(print_id=print_id).status
