"""A PDF as poppler reads it (infra/pdf/ensure.sh installs poppler-utils): its metadata (pdfinfo) and the
text of each page (pdftotext), for tests of the documents citizens get."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path


def _poppler(tool: str, pdf: bytes, *options: str) -> str:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "document.pdf"
        path.write_bytes(pdf)
        arguments = [tool, *options, str(path)] + (["-"] if tool == "pdftotext" else [])
        return subprocess.run(arguments, check=True, capture_output=True, text=True).stdout


def pdf_info(pdf: bytes) -> dict[str, str]:
    """pdfinfo's fields: Title, Author, Subject, CreationDate, Pages, …"""
    fields: dict[str, str] = {}
    for line in _poppler("pdfinfo", pdf).splitlines():
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    return fields


def pdf_pages(pdf: bytes) -> list[str]:
    """Each page's text as a reader sees it laid out (pdftotext -layout), whitespace runs kept."""
    pages = _poppler("pdftotext", pdf, "-layout").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages
