"""The details a college's certificates carry (КПП, ОГРН, contacts, licence, accreditation,
director), edited on the organization's settings page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from otmetka.audit.models import AuditEvent
from otmetka.org.models import Organization
from otmetka.org.tests.test_views_flows import SETTINGS
from otmetka.test import World

DETAILS = {
    "kpp": "701 701 001",
    "ogrn": "1027000862954",
    "phone": "+7 (3822) 55-12-34",
    "email": "info@tpt.example",
    "license_details": "№ 1234 от 01.02.2016",
    "accreditation_details": "№ 567 от 03.04.2019",
    "director_name": "Криволапов И. Н.",
}
SETTINGS_URL = reverse("org:settings")


def test_admin_enters_the_details_on_the_settings_page(world: World) -> None:
    client = world.client_for("admin")
    html = client.get(SETTINGS_URL).content.decode()
    for field in DETAILS:
        assert f'name="{field}"' in html
    response = client.post(SETTINGS_URL, {**SETTINGS, **DETAILS})
    assert response.status_code == 302
    organization = Organization.objects.get(pk=world.org.pk)
    assert organization.kpp == "701701001"  # spaces dropped
    assert (organization.ogrn, organization.director_name) == ("1027000862954", "Криволапов И. Н.")
    assert organization.license_details == "№ 1234 от 01.02.2016"
    changes = AuditEvent.objects.get(object_type="org.organization").changes
    assert changes["director_name"] == ["", "Криволапов И. Н."]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kpp": "70170100"}, "КПП — 9 цифр"),
        ({"ogrn": "10270008629"}, "ОГРН — 13 цифр"),
        ({"ogrn": "１０２７０００８６２９５４"}, "ОГРН — 13 цифр"),  # full-width digits
        ({"email": "info@"}, "Введите правильный адрес e-mail."),
    ],
)
def test_bad_details_are_shown_next_to_the_field(
    world: World, change: dict[str, str], message: str
) -> None:
    before = Organization.objects.filter(pk=world.org.pk).values().get()
    response = world.client_for("admin").post(SETTINGS_URL, {**SETTINGS, **DETAILS, **change})
    assert response.status_code == 200
    (field,) = change
    assert any(message in error for error in response.context["form"].errors[field])
    assert Organization.objects.filter(pk=world.org.pk).values().get() == before
    assert not AuditEvent.objects.filter(object_type="org.organization").exists()
