"""The text a PDF shows, for tests that read the documents the services render."""

from __future__ import annotations

import base64
import re
import zlib


def pdf_text(pdf: bytes) -> str:
    """The text a PDF shows, in reading order, with whitespace collapsed (ReportLab's streams are
    ASCII85 and Flate encoded; text is in WinAnsi with octal escapes)."""
    shown: list[str] = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        data = zlib.decompress(base64.a85decode(stream.strip().removesuffix(b"~>"), adobe=False))
        for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", data):
            raw = re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]), literal)
            raw = re.sub(rb"\\(.)", rb"\1", raw)
            shown.append(raw.decode("cp1252"))
    return " ".join(" ".join(shown).split())
