"""The printed certificate: the college's heading, the text in its wording, signatures, М.П.

Printed from what the register's row keeps (`Certificate.content`), so a copy printed later
says exactly what the original said.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from otmetka.certificates.models import Certificate
from otmetka.lib.pdf import render_pdf
from otmetka.lib.text import Case, by_sex, full_name, full_name_in

# «обучается по очной форме обучения»: the form of study in the dative, by Program.Form.
FORM_DATIVE = {"full_time": "очной", "part_time": "заочной", "mixed": "очно-заочной"}


def _day(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def certificate_context(certificate: Certificate) -> dict[str, Any]:
    content = certificate.content
    student = content["student"]
    sex = student.get("sex", "")
    names = (student["last_name"], student["first_name"], student["middle_name"])
    return {
        "certificate": certificate,
        "is_record": certificate.kind == Certificate.Kind.STUDY_RECORD,
        "org": content["organization"],
        "student": student,
        "name": full_name(*names),
        "name_dative": full_name_in(*names, sex=sex, case=Case.DATIVE),
        "birth_date": _day(student.get("birth_date", "")),
        "study_from": _day(student.get("study_from", "")),
        "study_to": _day(student.get("study_to", "")),
        "planned_end": _day(student.get("planned_end", "")),
        "order_date": _day(student.get("enrolment_order_date", "")),
        "pronoun": by_sex(sex, male="он", female="она", unknown="он(а)"),
        "enrolled": by_sex(sex, male="зачислен", female="зачислена", unknown="зачислен(а)"),
        "studied": by_sex(sex, male="обучался", female="обучалась", unknown="обучался(-ась)"),
        "form_dative": FORM_DATIVE.get(student.get("form_of_study_code", ""), ""),
        "lines": content.get("lines", []),
        "total_hours": content.get("total_hours", 0),
        "issuer": content.get("issuer", ""),
    }


def certificate_title(certificate: Certificate) -> str:
    return _("%(kind)s № %(number)s от %(date)s") % {
        "kind": certificate.get_kind_display().capitalize(),
        "number": str(certificate).removeprefix("№ "),
        "date": certificate.issued_on.strftime("%d.%m.%Y"),
    }


def certificate_pdf(certificate: Certificate) -> bytes:
    """The certificate on A4, pages numbered, the title repeated on each page."""
    org = certificate.content["organization"]
    return render_pdf(
        "certificates/certificate_pdf.html",
        certificate_context(certificate),
        header=f"{org['short_name']} · {certificate_title(certificate)}",
    )


def certificate_file_name(certificate: Certificate) -> str:
    return _("Справка %(number)s-%(year)s.pdf") % {
        "number": certificate.number,
        "year": certificate.year,
    }
