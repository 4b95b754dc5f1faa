from datetime import UTC, datetime, timedelta

import pytest

from services.platform.auth import InvalidToken, Role, TokenAuthority

pytestmark = pytest.mark.unit

SECRET = "x" * 40


def test_minted_token_verifies_with_subject_and_roles() -> None:
    authority = TokenAuthority(SECRET)
    principal = authority.verify(authority.mint("kari", [Role.ASSESSOR, Role.READER]))
    assert principal.subject == "kari"
    assert principal.roles == {"assessor", "reader"}


def test_token_signed_with_another_secret_is_refused() -> None:
    token = TokenAuthority("y" * 40).mint("kari", [Role.ASSESSOR])
    with pytest.raises(InvalidToken):
        TokenAuthority(SECRET).verify(token)


def test_expired_token_is_refused() -> None:
    past = TokenAuthority(SECRET, clock=lambda: datetime.now(UTC) - timedelta(days=2))
    token = past.mint("kari", [Role.ASSESSOR], ttl=timedelta(hours=1))
    with pytest.raises(InvalidToken, match="expired"):
        TokenAuthority(SECRET).verify(token)


def test_garbage_and_unknown_roles_and_short_secrets() -> None:
    with pytest.raises(InvalidToken):
        TokenAuthority(SECRET).verify("not-a-token")
    with pytest.raises(ValueError, match="unknown roles"):
        TokenAuthority(SECRET).mint("kari", ["superuser"])
    with pytest.raises(ValueError, match="32 characters"):
        TokenAuthority("short")
