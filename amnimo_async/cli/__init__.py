"""The ``amnimo`` command line tool (``pip install 'amnimo-async[cli]'``).

Credentials come from ``AMNIMO_CLIENT_ID``/``AMNIMO_SECRET_KEY``/``AMNIMO_BASE_URL`` or a profile of
``~/.config/amnimo/config.toml``; tokens are cached on disk by :class:`FileTokenCache` so that runs
share one token. ``amnimo demo`` needs no credentials: it sweeps a local fake.
"""

from ._app import app, main

__all__ = ["app", "main"]
