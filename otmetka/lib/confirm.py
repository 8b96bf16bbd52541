"""Actions that cannot be undone: the server's half of ``includes/confirm_form.html``.

The include asks in a dialog (static/otmetka/app.js) and, for a form marked ``strict``, sets
the hidden field ``confirm=1`` only once the person said «OK». The view of such an action asks
`confirmation_step` first: a POST without the field (no JavaScript, a script, a stale page)
changes nothing and gets a page that names what would happen and asks again.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRM_FIELD = "confirm"
_NOT_REPOSTED = {CONFIRM_FIELD, "csrfmiddlewaretoken"}


def is_confirmed(request: HttpRequest) -> bool:
    return request.POST.get(CONFIRM_FIELD) == "1"


def confirmation_step(
    request: HttpRequest, *, question: str, button: str, back: str
) -> HttpResponse | None:
    """None when the POST carries the confirmation; otherwise the page that asks for it.

    `question` names what will happen («Снять все пары группы ИС-21 в среду с 17.11.2026?»),
    `button` is the action's own verb, `back` the address «Отмена» returns to. The page posts
    the same fields again, with the confirmation.
    """
    if is_confirmed(request):
        return None
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in _NOT_REPOSTED
        for value in values
    ]
    return render(
        request,
        "confirm.html",
        {
            "question": question,
            "button": button,
            "back": back,
            "fields": fields,
            "confirm_field": CONFIRM_FIELD,
        },
    )
