"""Identifiers."""

from __future__ import annotations

import os
import re

from services.platform.identity import contains_national_id

# Eleven digits in a row fit only in a UUID's last group (the others are 8 and 4 characters, and "-" is not
# one of the separators an identity number may be written with): most draws lack them and skip the check.
_ELEVEN_DIGITS = re.compile(r"[0-9]{11}")
_LAST_GROUP = 24


def new_id() -> str:
    """A new random UUID (version 4, RFC 9562) as text: aggregate ids, event ids, request ids; never one
    whose last group happens to read as a national identity number (11 digits with valid check digits:
    about one random UUID in 5,500, measured), which every service refuses where it checks an id (a
    property's id travels to every store and event), so such a draw is drawn again.

    What str(uuid.uuid4()) gives, made without the UUID object: a payment file or a billing run makes
    several hundred thousand (entries, events), and the object's checks cost more than the randomness."""
    while _ELEVEN_DIGITS.search(text := _random_uuid4(), _LAST_GROUP) and contains_national_id(
        text[_LAST_GROUP:]
    ):
        pass
    return text


def _random_uuid4() -> str:
    hexed = os.urandom(16).hex()
    # The version (4) and the RFC's variant (10xx: 8, 9, a or b) set in the text.
    variant = "89ab"[int(hexed[16], 16) & 3]
    return f"{hexed[:8]}-{hexed[8:12]}-4{hexed[13:16]}-{variant}{hexed[17:20]}-{hexed[20:]}"
