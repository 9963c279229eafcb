"""Where the command's credentials come from: the environment, or a profile of the config file.

The secret key is never taken from the command line (it would show in ``ps`` and shell history).

Config file (``$AMNIMO_CONFIG``, else ``~/.config/amnimo/config.toml``)::

    default_profile = "prod"          # optional; else the profile named "default"

    [profiles.prod]
    client_id = "..."
    secret_key = "..."
    base_url = "https://api.amnimo.com/ex"   # optional
    redis_url = "redis://redis:6379/0"       # optional: share the token and the rate limit
                                             # with every process using it (amnimo-async[redis])
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import attrs

from amnimo_async import DEFAULT_BASE_URL, token_cache_key

__all__ = ["ConfigError", "Settings", "config_path", "resolve_settings"]


class ConfigError(Exception):
    """Credentials or the config file are missing or wrong (exit code 3)."""


@attrs.frozen
class Settings:
    """What the command connects with; ``secret_key`` may be None for commands that need none.
    ``redis_url`` is a profile's (the ``--redis-url`` option and ``AMNIMO_REDIS_URL`` are read
    when the client is made)."""

    client_id: str
    secret_key: str | None = attrs.field(repr=False)
    base_url: str
    source: str
    redis_url: str | None = attrs.field(default=None, repr=False)  # it may hold a password

    @property
    def cache_key(self) -> str:
        """The key the SDK caches tokens under."""
        return token_cache_key(self.base_url, self.client_id)


def config_path() -> Path:
    """``$AMNIMO_CONFIG``, else ``$XDG_CONFIG_HOME/amnimo/config.toml`` (``~/.config/...``)."""
    explicit = os.environ.get("AMNIMO_CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".config"
    return root / "amnimo" / "config.toml"


def _load_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        try:
            import tomli as tomllib  # type: ignore[import-not-found]
        except ImportError:
            raise ConfigError(
                f"reading {path} needs Python 3.11+ or the 'tomli' package (pip install tomli); "
                "or set AMNIMO_CLIENT_ID and AMNIMO_SECRET_KEY instead"
            ) from None
    try:
        with path.open("rb") as file:
            data: dict[str, Any] = tomllib.load(file)
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    return data


def _profile(path: Path, name: str | None) -> tuple[str, dict[str, Any]]:
    data = _load_toml(path)
    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict):
        raise ConfigError(f"config file {path}: [profiles] must be a table")
    chosen = name or data.get("default_profile") or "default"
    if not isinstance(chosen, str):
        raise ConfigError(f"config file {path}: default_profile must be a string")
    profile = profiles.get(chosen)
    if not isinstance(profile, dict):
        known = ", ".join(sorted(profiles)) or "none"
        raise ConfigError(f"config file {path} has no profile {chosen!r} (profiles: {known})")
    return chosen, profile


def resolve_settings(
    profile: str | None = None, *, base_url: str | None = None, need_secret: bool = True
) -> Settings:
    """Credentials: ``--profile`` from the config file; else the ``AMNIMO_*`` environment
    variables; else the config file's default profile. ``base_url`` (``--base-url``) wins."""
    env_id = os.environ.get("AMNIMO_CLIENT_ID")
    env_secret = os.environ.get("AMNIMO_SECRET_KEY")
    env_url = os.environ.get("AMNIMO_BASE_URL")
    path = config_path()
    if profile is None and env_id and (env_secret or not need_secret):
        return Settings(env_id, env_secret, base_url or env_url or DEFAULT_BASE_URL, "environment")
    if profile is None and not path.exists():
        raise ConfigError(
            "no credentials: set AMNIMO_CLIENT_ID and AMNIMO_SECRET_KEY (and AMNIMO_BASE_URL), "
            f"or write a profile in {path} (the secret is never taken from the command line)"
        )
    name, values = _profile(path, profile)
    client_id, secret_key = values.get("client_id"), values.get("secret_key")
    url = values.get("base_url")
    if not isinstance(client_id, str) or not client_id:
        raise ConfigError(f"profile {name!r} in {path} has no client_id")
    if secret_key is not None and not isinstance(secret_key, str):
        raise ConfigError(f"profile {name!r} in {path}: secret_key must be a string")
    if need_secret and not secret_key:
        raise ConfigError(f"profile {name!r} in {path} has no secret_key")
    if url is not None and not isinstance(url, str):
        raise ConfigError(f"profile {name!r} in {path}: base_url must be a string")
    redis_url = values.get("redis_url")
    if redis_url is not None and not isinstance(redis_url, str):
        raise ConfigError(f"profile {name!r} in {path}: redis_url must be a string")
    return Settings(
        client_id,
        secret_key or None,
        base_url or url or env_url or DEFAULT_BASE_URL,
        f"profile {name}",
        redis_url or None,
    )
