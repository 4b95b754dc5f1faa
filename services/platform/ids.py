"""Identifiers."""

from __future__ import annotations

import os
import re

from services.platform.identity import contains_national_id

# Every form of an identity number starts with its date written as six digits in a row (only "." or "/"
# may stand between them, and UUID text has neither): most draws lack six and skip the full check.
_SIX_DIGITS = re.compile(r"[0-9]{6}")


def new_id() -> str:
    """A new random UUID (version 4, RFC 9562) as text: aggregate ids, event ids, request ids; never one
    whose last group happens to read as a national identity number (11 digits with valid check digits:
    about one random UUID in 5,500, measured), which every service refuses where it checks an id (a
    property's id travels to every store and event), so such a draw is drawn again.

    What str(uuid.uuid4()) gives, made without the UUID object: a payment file or a billing run makes
    several hundred thousand (entries, events), and the object's checks cost more than the randomness."""
    while _SIX_DIGITS.search(text := _random_uuid4()) and contains_national_id(text):
        pass
    return text


def _random_uuid4() -> str:
    octets = bytearray(os.urandom(16))
    octets[6] = octets[6] & 0x0F | 0x40  # version 4
    octets[8] = octets[8] & 0x3F | 0x80  # the RFC's variant
    text = octets.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
