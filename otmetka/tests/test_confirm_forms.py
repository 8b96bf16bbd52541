"""Destructive actions ask through one include (STYLE.md «One place for each concern»).

A form that writes its own `data-confirm` (or htmx's `hx-confirm`, or an inline `confirm()`)
drifts from the others: it may lose the server-side confirmation or the sentence naming what
will happen. Every one goes through templates/includes/confirm_form.html.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

INCLUDE = Path(settings.BASE_DIR) / "templates" / "includes" / "confirm_form.html"
ASKING = ("data-confirm=", "hx-confirm", "confirm(")


def _templates() -> list[Path]:
    root = Path(settings.BASE_DIR)
    found = sorted((root / "templates").rglob("*.html"))
    found += sorted((root / "otmetka").glob("*/templates/**/*.html"))
    return found


def test_only_the_include_asks() -> None:
    templates = _templates()
    assert INCLUDE in templates and len(templates) > 100
    asking = [
        str(path.relative_to(settings.BASE_DIR))
        for path in templates
        if path != INCLUDE and any(word in path.read_text(encoding="utf-8") for word in ASKING)
    ]
    assert asking == []
    assert "data-confirm=" in INCLUDE.read_text(encoding="utf-8")


def test_the_include_is_used_for_the_actions_the_issue_names() -> None:
    root = Path(settings.BASE_DIR) / "otmetka"
    uses = {
        path.relative_to(root).as_posix()
        for path in root.glob("*/templates/**/*.html")
        if '"includes/confirm_form.html"' in path.read_text(encoding="utf-8")
    }
    assert {
        "schedule/templates/schedule/group_week.html",  # «Снять пары дня»
        "schedule/templates/schedule/group_week_grid.html",  # a pair's «Удалить»
        "movement/templates/movement/order_detail.html",  # sign, apply, cancel, remove an item
        "academics/templates/academics/access.html",  # «Новый пароль», «Выдать реквизиты»
        "accounts/templates/accounts/user_detail.html",  # «Выдать временный пароль», roles
        "schedule/templates/schedule/changes_day.html",  # a change for a date
        "schedule/templates/schedule/feed_list.html",  # revoking an iCal address
        "schedule/templates/schedule/date_bells.html",  # special bells of a date
        "journal/templates/journal/attestation.html",  # «Закрыть ведомость»
        "journal/templates/journal/unlock_list.html",  # cancelling an unlock
    } <= uses
