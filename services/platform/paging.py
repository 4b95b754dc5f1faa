"""Page sizes and opaque page tokens for list calls."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from services.platform.errors import Violations

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


@dataclass(frozen=True)
class Page:
    offset: int
    size: int


def encode_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def parse_page(page_size: int, page_token: str) -> Page:
    problems = Violations()
    size = page_size or DEFAULT_PAGE_SIZE
    if not 1 <= size <= MAX_PAGE_SIZE:
        problems.add("page_size", f"must be between 1 and {MAX_PAGE_SIZE}")
    offset = 0
    if page_token:
        try:
            text = base64.urlsafe_b64decode(page_token.encode()).decode()
            if not text.startswith("o:"):
                raise ValueError(text)
            offset = int(text[2:])
            if offset < 0:
                raise ValueError(text)
        except (ValueError, binascii.Error, UnicodeDecodeError):
            problems.add("page_token", "is not a token this service gave out")
    problems.raise_if_any()
    return Page(offset=offset, size=size)
