"""amnimo_async.testing: FakeAmnimo, the whole amnimo API v1.7 as a local server.

Like stripe-mock or moto: deterministic data, the documented limits (token bucket, token quota,
token expiry), strict validation, stateful media/HLS/port flows and injectable faults::

    from amnimo_async.testing import FakeAmnimo, DataProfile, Fault

    fake = FakeAmnimo(seed=1, profile=DataProfile.sizes())
    fake.faults.add(Fault(route="listCameras", kind="status", status=503, schedule=[1]))
    with fake.serve() as server:
        ...  # AsyncAmnimo(server.client_id, server.secret_key, base_url=server.base_url)
    assert fake.journal.count(route="listCameras", status=503) == 1

A fake can change on its own while it serves (``FakeAmnimo(churn=ChurnRates(media_created=2))``,
or ``fake.churn.add(ChurnStep(...))`` for exact interleavings); ``fake.churn.changes()`` logs it.

Needs the ``testing`` extra (starlette, uvicorn). ``python -m amnimo_async.testing serve`` runs
it from the command line; the pytest plugin offers the ``fake_amnimo`` and ``amnimo_client``
fixtures.
"""

from ._app import API_ROUTES, OPERATION_IDS
from ._auth import ClientAccount
from ._churn import CHANGE_KINDS, Change, ChangeKind, Churn, ChurnRates, ChurnStep
from ._clock import Clock, ManualClock
from ._data import MediaRecord
from ._errors import error_body
from ._fake import FakeAmnimo
from ._faults import FAULT_KINDS, Fault, FaultKind, FaultSet
from ._journal import Journal, JournalEntry
from ._profile import DataProfile, SubscriptionSpec
from ._server import FakeServer
from ._state import HlsSession, World

__all__ = [
    "API_ROUTES",
    "CHANGE_KINDS",
    "FAULT_KINDS",
    "OPERATION_IDS",
    "Change",
    "ChangeKind",
    "Churn",
    "ChurnRates",
    "ChurnStep",
    "ClientAccount",
    "Clock",
    "DataProfile",
    "FakeAmnimo",
    "FakeServer",
    "Fault",
    "FaultKind",
    "FaultSet",
    "HlsSession",
    "Journal",
    "JournalEntry",
    "ManualClock",
    "MediaRecord",
    "SubscriptionSpec",
    "World",
    "error_body",
]
