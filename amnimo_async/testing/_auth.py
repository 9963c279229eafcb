"""Client credentials, access tokens and the monthly token quota."""

from __future__ import annotations

import base64
import binascii
import secrets
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone

import attrs

from ._clock import Clock
from ._errors import ApiError
from ._ids import derived_token
from ._ratelimit import TokenBucket


@attrs.define
class ClientAccount:
    """One client ID: its secret, its rate-limit bucket and its token quota use per month."""

    client_id: str
    secret_key: str
    bucket: TokenBucket | None
    issued: dict[str, int] = attrs.field(factory=dict)

    def __repr__(self) -> str:
        return f"ClientAccount(client_id={self.client_id!r})"


@attrs.define
class _Token:
    client_id: str
    expires_at: float


@attrs.define(kw_only=True, eq=False, repr=False)  # its fields hold live tokens: never shown
class AuthRegistry:
    """Issues and checks credentials and bearer tokens; every client sees the same account."""

    _seed: int
    _clock: Clock
    _bucket_factory: Callable[[], TokenBucket | None]
    token_lifetime: float
    token_quota: int | None
    clients: dict[str, ClientAccount] = attrs.field(init=False, factory=dict)
    _tokens: dict[str, _Token] = attrs.field(init=False, factory=dict)
    _lock: threading.Lock = attrs.field(init=False, factory=threading.Lock)

    def add_client(self, client_id: str | None = None, secret_key: str | None = None) -> ClientAccount:
        """Register a client ID (derived from the seed unless given) with its own bucket."""
        with self._lock:
            number = len(self.clients)
            client = ClientAccount(
                client_id=client_id or derived_token(self._seed, "client-id", number, length=26),
                secret_key=secret_key or derived_token(self._seed, "secret", number, length=32),
                bucket=self._bucket_factory(),
            )
            if client.client_id in self.clients:
                raise ValueError("this client ID is already registered")
            self.clients[client.client_id] = client
            return client

    def basic_client(self, header: str | None) -> ClientAccount:
        """The client of an ``Authorization: Basic`` header; 401 unless it is right."""
        scheme, _, value = (header or "").partition(" ")
        if scheme.lower() != "basic" or not value.strip():
            raise ApiError(401, "Unauthorized", [{"reason": "Basic client credentials required"}])
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise ApiError(401, "Unauthorized", [{"reason": "malformed Basic credentials"}]) from None
        client_id, colon, secret_key = decoded.partition(":")
        client = self.clients.get(client_id)
        if (
            not colon
            or client is None
            or not secrets.compare_digest(client.secret_key.encode(), secret_key.encode())
        ):
            raise ApiError(401, "Unauthorized", [{"reason": "invalid client credentials"}])
        return client

    def bearer_client(self, header: str | None) -> tuple[ClientAccount, bool]:
        """The client of an ``Authorization: Bearer`` header and whether its token expired.

        401 for a missing, malformed or unknown token.
        """
        scheme, _, value = (header or "").partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise ApiError(401, "Unauthorized", [{"reason": "Bearer access token required"}])
        with self._lock:
            token = self._tokens.get(value.strip())
        if token is None:
            raise ApiError(401, "Unauthorized", [{"reason": "unknown access token"}])
        return self.clients[token.client_id], self._clock() >= token.expires_at

    def identify(self, header: str | None) -> str | None:
        """The client an Authorization header belongs to (expired tokens too), without checks.

        None for anything that does not name a registered client with the right secret.
        """
        scheme, _, value = (header or "").partition(" ")
        if scheme.lower() == "bearer":
            with self._lock:
                token = self._tokens.get(value.strip())
            return token.client_id if token is not None else None
        if scheme.lower() == "basic":
            try:
                return self.basic_client(header).client_id
            except ApiError:
                return None
        return None

    def _month(self) -> str:
        moment = datetime.fromtimestamp(self._clock(), tz=timezone.utc)
        return f"{moment.year:04d}-{moment.month:02d}"

    def quota_left(self, client: ClientAccount) -> int | None:
        """Token calls left this month (None: no quota)."""
        if self.token_quota is None:
            return None
        return max(0, self.token_quota - client.issued.get(self._month(), 0))

    def issue(self, client: ClientAccount, *, count: bool = True) -> tuple[str, int]:
        """Issue a token (the caller checked the quota): (access_token, expires_in seconds).

        ``count=False`` leaves the quota alone (tokens handed out by the test harness).
        """
        with self._lock:
            if count:
                month = self._month()
                client.issued[month] = client.issued.get(month, 0) + 1
            token = secrets.token_urlsafe(32)
            self._tokens[token] = _Token(client.client_id, self._clock() + self.token_lifetime)
        return token, int(self.token_lifetime)

    def expire_all(self) -> None:
        """Make every token issued so far expired now."""
        with self._lock:
            now = self._clock()
            for token in self._tokens.values():
                token.expires_at = min(token.expires_at, now)

    def issued_tokens(self) -> list[str]:
        """Every access token issued so far (expired ones included), oldest first."""
        with self._lock:
            return list(self._tokens)


def monotonic_clock() -> float:
    """The default clock of rate-limit buckets."""
    return time.monotonic()
