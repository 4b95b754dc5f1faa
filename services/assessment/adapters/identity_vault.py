"""Keeps owners' identity numbers sealed (Fernet: AES-128-CBC with HMAC) and gives each owner a stable
opaque reference (HMAC-SHA256), so that events, logs and exports never carry the number itself."""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet


class IdentityVault:
    def __init__(self, key: str) -> None:
        self._fernet = Fernet(key.encode())
        self._mac_key = hashlib.sha256(b"owner-reference:" + key.encode()).digest()

    def seal(self, identity_number: str) -> str:
        return self._fernet.encrypt(identity_number.encode()).decode()

    def reveal(self, sealed: str) -> str:
        return self._fernet.decrypt(sealed.encode()).decode()

    def reference(self, kind: str, identity_number: str) -> str:
        digest = hmac.new(self._mac_key, f"{kind}:{identity_number}".encode(), hashlib.sha256).digest()
        return "owner-" + base64.b32encode(digest[:15]).decode().lower()
