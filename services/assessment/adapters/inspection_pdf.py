"""The house style of the inspection PDFs (route sheets and owners' notices): A4, DejaVu Sans embedded
(services/platform/pdf_fonts.py, so æøå and the Sami letters print), text through `markup`, and the same
bytes every time for the same content: ReportLab's invariant mode, and the PDF's creation date is the
document's business date (midnight UTC), never the machine's clock."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from services.platform.pdf_fonts import BOLD, FONT, markup, table_fonts
from services.platform.pdf_pages import page_numbering
from services.platform.pdf_story import PdfStory as BasePdfStory


class PdfStory(BasePdfStory):
    """The inspection documents' story: the house story with their tables."""

    def table(self, rows: Sequence[Sequence[str]], widths_mm: Sequence[float], size: float = 8.5) -> None:
        """A table with a bold header row repeated on every page; cells wrap."""
        from reportlab.lib import colors
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.lib.units import mm
        from reportlab.platypus import Paragraph, Table, TableStyle

        cell = ParagraphStyle("cell", parent=self.styles["Normal"], fontSize=size, leading=size * 1.2)
        head = ParagraphStyle("head", parent=cell, fontName=BOLD)
        cells = [
            [Paragraph(markup(text), head if number == 0 else cell) for text in row]
            for number, row in enumerate(rows)
        ]
        table = Table(cells, colWidths=[w * mm for w in widths_mm], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    *table_fonts(size),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#b8bec6")),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        self.flowables.append(table)


def render_pdf(story: PdfStory, *, title: str, author: str, dated: date, numbered: bool = False) -> bytes:
    """The story as an A4 PDF dated `dated`; `numbered` writes 'side x av y' at the foot of every page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import SimpleDocTemplate

    maker = page_numbering() if numbered else Canvas
    stamp = f"D:{dated:%Y%m%d}000000+00'00'"

    def canvas(*args: Any, **kwargs: Any) -> Any:
        made = maker(*args, **kwargs)
        made.setDateFormatter(lambda *_: stamp)
        return made

    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author=author,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        invariant=1,
        initialFontName=FONT,
    ).build(story.flowables, canvasmaker=canvas)
    return buffer.getvalue()


# The usable width of the page between the margins, in millimetres.
TEXT_WIDTH_MM = 170.0
# The usable height of a page's frame: A4's 297 mm less the margins (16 + 18) and the frame's padding
# (6 pt above and below), in millimetres.
TEXT_HEIGHT_MM = 297.0 - 16.0 - 18.0 - 2 * 6 * 25.4 / 72
