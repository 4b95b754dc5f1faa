"""Case-insensitive search of Norwegian text that behaves the same on SQLite and PostgreSQL.

SQLite's lower() folds only ASCII ("Øvre" stays "Øvre") and PostgreSQL's depends on the cluster's locale,
so neither is asked to fold: a searchable column stores its text folded here, when it is written, and the
text searched for is folded the same way."""

from __future__ import annotations

import unicodedata


def search_fold(text: str) -> str:
    """`text` as search compares it: Unicode NFC (an "Å" typed as A + ring is the letter Å), case-folded
    by Python, so that Norwegian letters fold the same whichever database stores them."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())


LIKE_ESCAPE = "\\"


def contains_pattern(text: str) -> str:
    """A LIKE pattern (with escape LIKE_ESCAPE) for folded text containing `text` folded, its own "%" and
    "_" matched as themselves."""
    folded = search_fold(text)
    escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
