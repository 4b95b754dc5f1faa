"""A one-column A4 document's flowables in reading order, for the services' PDFs (letters, notices, route
sheets): headings, paragraphs and gaps in the house stylesheet (DejaVu Sans embedded, services/platform/
pdf_fonts.py), every text through `markup` so it shows exactly as given. Each document family adds its own
tables and page template, since an issued document's layout must never change under it."""

from __future__ import annotations

from typing import Any

from services.platform.pdf_fonts import markup, stylesheet


class PdfStory:
    """The flowables of a document, added in reading order (`flowables`, for SimpleDocTemplate.build)."""

    def __init__(self) -> None:
        self.styles = stylesheet()
        self.flowables: list[Any] = []

    def heading(self, text: str, level: int = 4) -> None:
        from reportlab.platypus import Paragraph

        self.flowables.append(Paragraph(markup(text), self.styles[f"Heading{level}"]))

    def text(self, text: str, *, bold: bool = False) -> None:
        from reportlab.platypus import Paragraph

        body = markup(text)
        self.flowables.append(Paragraph(f"<b>{body}</b>" if bold else body, self.styles["Normal"]))

    def gap(self, millimetres: float = 4) -> None:
        from reportlab.lib.units import mm
        from reportlab.platypus import Spacer

        self.flowables.append(Spacer(1, millimetres * mm))

    def add(self, flowable: Any) -> None:
        self.flowables.append(flowable)
