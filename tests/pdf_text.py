"""The text a PDF shows, for tests that read the documents the services render."""

from __future__ import annotations

import base64
import re
import zlib

_OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)
# A font chosen, a string shown, or a move to another line (which separates words).
_SHOWN = re.compile(
    rb"/(\S+)\s+[\d.]+\s+Tf|\(((?:\\.|[^\\)])*)\)\s*Tj|(?<![^\s])(T\*|Td|TD|Tm|ET)(?![^\s])", re.S
)
_RANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _stream(body: bytes) -> bytes | None:
    found = _STREAM.search(body)
    if found is None:
        return None
    data, dictionary = found.group(1), body[: found.start()]
    if b"/ASCII85Decode" in dictionary:
        data = base64.a85decode(data.strip().removesuffix(b"~>"), adobe=False)
    if b"/FlateDecode" in dictionary:
        data = zlib.decompress(data)
    return data


def _to_unicode(cmap: bytes) -> dict[int, str]:
    """A ToUnicode CMap's one-byte codes (ReportLab writes its TrueType subsets' so)."""
    mapping: dict[int, str] = {}
    for section in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", section):
            mapping[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for section in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, first in _RANGE.findall(section):
            start = int(first, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = chr(start + offset)
    return mapping


def _literal(raw: bytes) -> bytes:
    def unescape(m: re.Match[bytes]) -> bytes:
        token = m.group(1)
        if token.isdigit():
            return bytes([int(token, 8) & 0xFF])
        return b"" if token in (b"\n", b"\r") else _ESCAPES.get(token, token)

    return _ESCAPE.sub(unescape, raw)


def pdf_fonts_used(pdf: bytes) -> set[str]:
    """The BaseFont of every font the PDF's text is set in (a subset's tag left off)."""
    fonts = _fonts(pdf)
    used: set[str] = set()
    for _, body in _OBJECT.findall(pdf):
        data = _stream(body)
        if data is None or b"/Length1" in body:
            continue
        used.update(fonts[m.group(1)][0] for m in _SHOWN.finditer(data) if m.group(1) in fonts)
    return used


def _fonts(pdf: bytes) -> dict[bytes, tuple[str, dict[int, str] | None]]:
    objects = {int(number): body for number, body in _OBJECT.findall(pdf)}
    fonts: dict[bytes, tuple[str, dict[int, str] | None]] = {}
    for body in objects.values():
        if b"/Type /Font" not in body:
            continue
        name = re.search(rb"/Name /(\S+)", body)
        base = re.search(rb"/BaseFont /(\S+)", body)
        if name is None or base is None:
            continue
        cmap = re.search(rb"/ToUnicode (\d+) 0 R", body)
        stream = _stream(objects[int(cmap.group(1))]) if cmap else None
        font = base.group(1).decode().split("+", 1)[-1]
        fonts[name.group(1)] = (font, _to_unicode(stream) if stream is not None else None)
    return fonts


def pdf_text(pdf: bytes) -> str:
    """The text a PDF shows, in the order it is drawn, with whitespace collapsed (pieces of one line in
    other fonts, such as a bold date, join as drawn; lines are separated by a space). ReportLab's streams
    may be ASCII85 and Flate encoded; text in a standard font is WinAnsi, text in an embedded TrueType
    subset is one byte per glyph, read back through the font's ToUnicode map."""
    fonts = _fonts(pdf)
    shown: list[str] = []
    for _, body in _OBJECT.findall(pdf):
        data = _stream(body)
        if data is None or b"/Length1" in body or b"CMapName" in data:
            continue
        cmap: dict[int, str] | None = None
        for m in _SHOWN.finditer(data):
            if m.group(1) is not None:
                cmap = fonts.get(m.group(1), ("", None))[1]
            elif m.group(3) is not None:
                shown.append(" ")
            else:
                raw = _literal(m.group(2))
                shown.append("".join(cmap.get(b, "\ufffd") for b in raw) if cmap else raw.decode("cp1252"))
        shown.append(" ")
    return " ".join("".join(shown).split())
