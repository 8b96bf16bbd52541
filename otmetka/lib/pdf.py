"""PDF documents rendered from templates with WeasyPrint (A4, DejaVu fonts for Cyrillic)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render a template to PDF; its page size and fonts come from the template's own CSS."""
    from weasyprint import HTML  # heavy import, only where a PDF is made

    html = render_to_string(template, context)
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
