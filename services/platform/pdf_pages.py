"""'side x av y' on every page of a ReportLab document: the total is only known once all pages are laid
out, so the canvas keeps each page's state and stamps the footer when the document is saved."""

from __future__ import annotations

from typing import Any

from services.platform.pdf_fonts import FONT, register_fonts


def page_numbering(size: float = 8, bottom: float = 18.0) -> Any:
    """A canvasmaker for `document.build(story, canvasmaker=...)` that writes 'side x av y' centred at
    the foot of every page (in DejaVu Sans, `bottom` points above the edge)."""
    from reportlab.pdfgen.canvas import Canvas

    register_fonts()

    class NumberedCanvas(Canvas):  # type: ignore[misc]  # ReportLab has no type hints
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802  (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.setFont(FONT, size)
                self.drawCentredString(self._pagesize[0] / 2, bottom, f"side {number} av {total}")
                super().showPage()
            super().save()

    return NumberedCanvas
