"""pytest plugin: the ``fake_amnimo`` and ``amnimo_client`` fixtures (registered as ``pytest11``).

::

    @pytest.mark.fake_amnimo(seed=3, rate=None, profile=DataProfile.sizes())
    async def test_cameras(amnimo_client, fake_amnimo):
        page = await amnimo_client.cameras.list(fake_amnimo.subscription_ids[1])
        assert fake_amnimo.journal.count(route="listCameras") == 1

``fake_amnimo`` yields a running :class:`~amnimo_async.testing.FakeServer` (``base_url``,
``client_id``, ``secret_key``, ``account_id``, ``subscription_ids``, ``journal``, ``faults``,
``world``, ``fake``). The ``fake_amnimo`` marker takes FakeAmnimo keyword arguments, plus
``faults=[Fault(...), ...]`` to arm before the test. The ``amnimo_client`` marker takes extra
keyword arguments for ``AsyncAmnimo``.

Nothing heavy is imported at load time, so installing the package without the ``testing``
extra does not break pytest.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ._fake import FakeAmnimo
    from ._server import FakeServer

_FAKE_MARKER = "fake_amnimo"
_CLIENT_MARKER = "amnimo_client"


def pytest_configure(config: pytest.Config) -> None:
    """Register the markers."""
    config.addinivalue_line(
        "markers",
        f"{_FAKE_MARKER}(**options): FakeAmnimo keyword arguments (and faults=[Fault, ...]) "
        "for the fake_amnimo fixture",
    )
    config.addinivalue_line(
        "markers",
        f"{_CLIENT_MARKER}(**options): extra AsyncAmnimo keyword arguments for the amnimo_client fixture",
    )


def _marker_options(request: pytest.FixtureRequest, name: str) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers(name))):
        if marker.args:
            raise pytest.UsageError(f"@pytest.mark.{name} takes keyword arguments only")
        options.update(marker.kwargs)
    return options


@pytest.fixture
def fake_amnimo(request: pytest.FixtureRequest) -> Iterator[FakeServer[FakeAmnimo]]:
    """A FakeAmnimo served on loopback for one test; yields the running FakeServer."""
    from . import FakeAmnimo

    options = _marker_options(request, _FAKE_MARKER)
    faults = options.pop("faults", ())
    fake = FakeAmnimo(**options)
    for fault in faults:
        fake.faults.add(fault)
    with fake.serve() as server:
        yield server


async def _amnimo_client(
    request: pytest.FixtureRequest, fake_amnimo: FakeServer[FakeAmnimo]
) -> AsyncIterator[Any]:
    """An ``AsyncAmnimo`` connected to ``fake_amnimo`` (opened and closed around the test)."""
    from amnimo_async import AsyncAmnimo  # type: ignore[attr-defined,unused-ignore]

    options = _marker_options(request, _CLIENT_MARKER)
    client = AsyncAmnimo(
        fake_amnimo.client_id,
        fake_amnimo.secret_key,
        base_url=fake_amnimo.base_url,
        **options,
    )
    async with client:
        yield client


def _amnimo_client_unavailable(fake_amnimo: FakeServer[FakeAmnimo]) -> Any:
    """Stands in for ``amnimo_client`` when pytest-asyncio is missing."""
    pytest.skip("the amnimo_client fixture needs pytest-asyncio")


amnimo_client: Any
try:
    import pytest_asyncio
except ImportError:  # pragma: no cover - depends on the environment
    amnimo_client = pytest.fixture(name="amnimo_client")(_amnimo_client_unavailable)
else:
    amnimo_client = pytest_asyncio.fixture(name="amnimo_client")(_amnimo_client)
