"""Bearer tokens: signed JWTs (HS256) that name a subject and the roles it holds."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

import jwt

from services.platform.clock import Clock, utc_now

_ALGORITHM = "HS256"


class Role(StrEnum):
    ASSESSOR = "assessor"  # valuation office: register, valuations, levy
    BILLING_OFFICER = "billing_officer"  # accounts, schedules, billing runs
    SECRETARIAT = "secretariat"  # committee secretariat: complaints, meetings
    READER = "reader"  # read-only access (case workers, auditors)
    SERVICE = "service"  # other systems calling on their own behalf


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[str]

    def has_any(self, roles: frozenset[str]) -> bool:
        return bool(self.roles & roles)


ANONYMOUS = Principal(subject="anonymous", roles=frozenset())
current_principal: contextvars.ContextVar[Principal] = contextvars.ContextVar(
    "current_principal", default=ANONYMOUS
)


class InvalidToken(Exception):
    """The token is missing, malformed, expired, or not signed by us."""


class TokenAuthority:
    def __init__(self, secret: str, issuer: str = "propertytax", clock: Clock = utc_now) -> None:
        if len(secret) < 32:
            raise ValueError("the token secret must be at least 32 characters")
        self._secret = secret
        self._issuer = issuer
        self._clock = clock

    def mint(self, subject: str, roles: list[str], ttl: timedelta = timedelta(hours=8)) -> str:
        unknown = sorted(set(roles) - {r.value for r in Role})
        if unknown:
            raise ValueError(f"unknown roles: {', '.join(unknown)}")
        now = self._clock()
        claims = {
            "sub": subject,
            "roles": sorted(set(roles)),
            "iss": self._issuer,
            "iat": int(now.timestamp()),
            "exp": int((now + ttl).timestamp()),
        }
        return jwt.encode(claims, self._secret, algorithm=_ALGORITHM)

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[_ALGORITHM],
                issuer=self._issuer,
                options={"require": ["sub", "exp", "iss"]},
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(str(exc)) from exc
        roles = claims.get("roles", [])
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise InvalidToken("roles claim must be a list of strings")
        return Principal(subject=str(claims["sub"]), roles=frozenset(roles))
