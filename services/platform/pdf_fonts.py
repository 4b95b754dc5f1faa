"""Fonts and text for every PDF the services write (ReportLab).

ReportLab's built-in Helvetica is a PDF standard font in WinAnsi encoding: it has no glyphs for the Sami
letters Norwegian public bodies must print (Č č Đ đ Ŋ ŋ Ŧ ŧ, and others beyond Latin-1) and it is not
embedded, so a reader draws what it likes. Every document uses DejaVu Sans instead (regular, bold,
oblique, bold oblique; Latin Extended-A/B, so all of Norwegian and the Sami alphabets), shipped with the
package under services/platform/fonts/ with its licence (LICENSE.txt there) and embedded as a subset.

Paragraph text is markup (<b>, <br/>, &amp;): every piece of text that people or files supply (names,
addresses, case texts, descriptions, the office's own settings) goes through `markup` before it is put
into a Paragraph, so "Dødsbo etter <Per> Hansen & Co" prints as written, never as a tag.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from reportlab.lib.styles import StyleSheet1

FONT = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
OBLIQUE = "DejaVuSans-Oblique"
BOLD_OBLIQUE = "DejaVuSans-BoldOblique"
FONTS_DIRECTORY = Path(__file__).with_name("fonts")
_FILES = {
    FONT: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    OBLIQUE: "DejaVuSans-Oblique.ttf",
    BOLD_OBLIQUE: "DejaVuSans-BoldOblique.ttf",
}
# The standard fonts of ReportLab's sample styles and table cells, and what stands in for each.
REPLACES = {
    "Helvetica": FONT,
    "Helvetica-Bold": BOLD,
    "Helvetica-Oblique": OBLIQUE,
    "Helvetica-BoldOblique": BOLD_OBLIQUE,
    "Times-Roman": FONT,
    "Times-Bold": BOLD,
    "Times-Italic": OBLIQUE,
    "Times-BoldItalic": BOLD_OBLIQUE,
    "Courier": FONT,
}


def register_fonts() -> None:
    """Registers DejaVu Sans and its family with ReportLab (once per process; <b> and <i> in markup
    then pick the bold and oblique faces, also within a bold heading). Document templates pass
    `initialFontName=FONT` too, so that not even the canvas's initial font is Helvetica."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, file in _FILES.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(FONTS_DIRECTORY / file)))
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, BOLD)
    addMapping(FONT, 0, 1, OBLIQUE)
    addMapping(FONT, 1, 1, BOLD_OBLIQUE)


def stylesheet() -> StyleSheet1:
    """ReportLab's sample styles (Normal, Title, Heading1–6, …) with DejaVu Sans in place of the
    standard fonts, for paragraphs, bullets and everything else a style names."""
    from reportlab.lib.styles import getSampleStyleSheet

    register_fonts()
    styles = getSampleStyleSheet()
    for style in styles.byName.values():
        for attribute in ("fontName", "bulletFontName"):
            current = getattr(style, attribute, None)
            if current is not None:
                setattr(style, attribute, REPLACES.get(current, current))
    return styles


def table_fonts(size: float | None = None) -> list[tuple[object, ...]]:
    """TableStyle commands that put every cell (plain strings too, which ReportLab otherwise sets in
    Helvetica) in DejaVu Sans; add ("FONTNAME", …, BOLD) after these for bold rows."""
    register_fonts()
    commands: list[tuple[object, ...]] = [("FONTNAME", (0, 0), (-1, -1), FONT)]
    if size is not None:
        commands.append(("FONTSIZE", (0, 0), (-1, -1), size))
    return commands


def markup(text: str) -> str:
    """Text as Paragraph markup that shows exactly this text: &, < and > escaped, line breaks kept as
    <br/>. The one way user text goes into a Paragraph."""
    return escape(text).replace("\r\n", "\n").replace("\n", "<br/>")
