"""Start-up checks of the settings that the login throttle and the audit log rely on."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.utils.translation import gettext as _

from otmetka.accounts.throttle import MAX_TRUSTED_PROXIES, trusted_proxy_count


@checks.register(checks.Tags.security)
def proxy_settings_check(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """OTMETKA_TRUST_X_FORWARDED_FOR: readable, and set when the app says it is behind a proxy."""
    hint = _(
        "OTMETKA_TRUST_X_FORWARDED_FOR — сколько своих прокси стоит перед «Отметкой»: 1 за "
        "одним nginx (proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for), 2 за "
        "балансировщиком и nginx; не задавайте, если клиенты обращаются к приложению "
        "напрямую. Адресом клиента считается N-я запись X-Forwarded-For справа."
    )
    if trusted_proxy_count() is None:
        return [
            checks.Error(
                _(
                    "OTMETKA_TRUST_X_FORWARDED_FOR=%(value)s: нужно число от 0 до %(most)s "
                    "или true/false. Пока значение не исправлено, заголовок "
                    "X-Forwarded-For не учитывается."
                )
                % {"value": settings.LOGIN_TRUST_X_FORWARDED_FOR, "most": MAX_TRUSTED_PROXIES},
                hint=hint,
                id="accounts.E001",
            )
        ]
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not trusted_proxy_count():
        return [
            checks.Warning(
                _(
                    "Задан OTMETKA_BEHIND_PROXY, но не задан OTMETKA_TRUST_X_FORWARDED_FOR: у "
                    "всех пользователей будет один адрес — адрес прокси. Защита входа "
                    "ограничивает неудачные попытки с одного адреса, и чужие ошибки будут "
                    "мешать входить всем, кто не входил раньше с этого устройства; в журнале "
                    "аудита у всех будет адрес прокси."
                ),
                hint=hint,
                id="accounts.W001",
            )
        ]
    return []
