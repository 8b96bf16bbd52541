"""The one PDF renderer: a filed document has its header and «стр. N из M» on every page."""

from __future__ import annotations

import io

from pypdf import PdfReader

from otmetka.lib.pdf import css_string, page_number_content, render_pdf
from otmetka.reports.tables import Table


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_every_page_has_the_header_and_its_number() -> None:
    table = Table(title="Список", headers=["№", "ФИО"],
                  rows=[[number, f"Студентов {number}"] for number in range(1, 121)])
    told: list[int] = []
    pdf = render_pdf(
        "reports/table_pdf.html",
        {"table": table, "organization": {"name": "Колледж"}},
        header='ОГБПОУ «ТПТ» · Книга "А\\Б"',
        on_page=told.append,
    )
    pages = _pages(pdf)
    assert len(pages) >= 3 and told == list(range(1, len(pages) + 1))
    for number, text in enumerate(pages, start=1):
        assert 'ОГБПОУ «ТПТ» · Книга "А\\Б"' in text
        assert f"стр. {number} из {len(pages)}" in text
    assert "Студентов 120" in pages[-1]


def test_a_document_without_a_header_is_left_as_its_template_made_it() -> None:
    table = Table(title="Справка", headers=["a"], rows=[["b"]])
    (text,) = _pages(render_pdf("reports/table_pdf.html", {"table": table, "organization": {}}))
    assert "стр." not in text


def test_css_strings_are_escaped() -> None:
    assert css_string('a"b\\c\nd') == '"a\\"b\\\\c\\A d"'
    assert page_number_content() == '"стр. " counter(page) " из " counter(pages) ""'


def test_a_long_table_repeats_its_header_but_prints_its_totals_once() -> None:
    table = Table(title="Список", headers=["№", "Фамилия студента"],
                  rows=[[number, f"Студентов {number}"] for number in range(1, 151)],
                  totals=["Итого", "150 человек"])
    pages = _pages(render_pdf(
        "reports/table_pdf.html", {"table": table, "organization": {"name": "Колледж"}},
        header="Колледж · Список",
    ))
    assert len(pages) >= 3
    for text in pages:
        assert "Фамилия студента" in text
    assert [text.count("150 человек") for text in pages] == [0] * (len(pages) - 1) + [1]
    assert pages[-1].index("Студентов 150") < pages[-1].index("150 человек")
