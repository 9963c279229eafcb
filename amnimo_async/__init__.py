"""amnimo-async: an async-first Python SDK for the amnimo API v1.7, with a synchronous shim.

::

    from amnimo_async import AsyncAmnimo

    async with AsyncAmnimo(client_id, secret_key) as amnimo:
        root = await amnimo.accounts.hierarchy(account_id)
"""

from types import ModuleType as _ModuleType

# The public names, each once: ``import X as X`` is an explicit re-export for mypy --strict and
# pyright; ``__all__`` is derived from these imports at the end.
from ._client import DEFAULT_BASE_URL as DEFAULT_BASE_URL
from ._client import AsyncAmnimo as AsyncAmnimo
from ._converter import structure as structure
from ._converter import unstructure as unstructure
from ._errors import AmnimoError as AmnimoError
from ._errors import APIConnectionError as APIConnectionError
from ._errors import APIStatusError as APIStatusError
from ._errors import APITimeoutError as APITimeoutError
from ._errors import AuthenticationError as AuthenticationError
from ._errors import BadRequestError as BadRequestError
from ._errors import ConfigurationError as ConfigurationError
from ._errors import NotFoundError as NotFoundError
from ._errors import PermissionDeniedError as PermissionDeniedError
from ._errors import RateLimitError as RateLimitError
from ._errors import ResponseValidationError as ResponseValidationError
from ._errors import ServerError as ServerError
from ._errors import ValidationError as ValidationError
from ._errors import status_error_class as status_error_class
from ._file_cache import FileTokenCache as FileTokenCache
from ._file_cache import TokenUsage as TokenUsage
from ._file_cache import default_cache_directory as default_cache_directory
from ._flow_errors import DownloadSizeMismatchError as DownloadSizeMismatchError
from ._flow_errors import ExportError as ExportError
from ._flow_errors import LiveSessionEndedError as LiveSessionEndedError
from ._flow_errors import MediaFailedError as MediaFailedError
from ._flow_errors import MediaNotReadyError as MediaNotReadyError
from ._flow_errors import MediaTimeoutError as MediaTimeoutError
from ._flow_errors import PortResetTimeoutError as PortResetTimeoutError
from ._inventory import Inventory as Inventory
from ._inventory import InventoryRecord as InventoryRecord
from ._inventory import InventorySummary as InventorySummary
from ._inventory import Progress as Progress
from ._inventory import SweepError as SweepError
from ._live_session import LiveSession as LiveSession
from ._media_export import Export as Export
from ._models import Account as Account
from ._models import ActivationStatus as ActivationStatus
from ._models import Camera as Camera
from ._models import CameraPage as CameraPage
from ._models import CameraStatus as CameraStatus
from ._models import CameraThumbnail as CameraThumbnail
from ._models import DeviceExternalDevices as DeviceExternalDevices
from ._models import ErrorDetail as ErrorDetail
from ._models import ExternalDevice as ExternalDevice
from ._models import ExternalDeviceList as ExternalDeviceList
from ._models import ExternalDevicePage as ExternalDevicePage
from ._models import ExternalDeviceStatus as ExternalDeviceStatus
from ._models import HistorySpan as HistorySpan
from ._models import HlsResult as HlsResult
from ._models import HlsSession as HlsSession
from ._models import LinkStatus as LinkStatus
from ._models import ListSummary as ListSummary
from ._models import Media as Media
from ._models import MediaCategory as MediaCategory
from ._models import MediaMeta as MediaMeta
from ._models import MediaSource as MediaSource
from ._models import MediaStatus as MediaStatus
from ._models import MediaType as MediaType
from ._models import MediaUser as MediaUser
from ._models import PageSummary as PageSummary
from ._models import Peripheral as Peripheral
from ._models import PeripheralList as PeripheralList
from ._models import PortAction as PortAction
from ._models import PortOperationResult as PortOperationResult
from ._models import RecordingStatus as RecordingStatus
from ._models import SortDirection as SortDirection
from ._models import Thumbnail as Thumbnail
from ._models import ThumbnailList as ThumbnailList
from ._models import TokenGrant as TokenGrant
from ._paginate import Paginator as Paginator
from ._ratelimit import Limiter as Limiter
from ._ratelimit import RateLimiter as RateLimiter
from ._recording_gaps import Gap as Gap
from ._response import Response as Response
from ._retry import RetryPolicy as RetryPolicy
from ._sync_client import Amnimo as Amnimo
from ._sync_client import SyncInventory as SyncInventory
from ._sync_client import SyncLiveSession as SyncLiveSession
from ._sync_client import SyncPaginator as SyncPaginator
from ._tokens import InMemoryTokenCache as InMemoryTokenCache
from ._tokens import Token as Token
from ._tokens import TokenCache as TokenCache
from ._transport import token_cache_key as token_cache_key

__version__ = "0.1.0"  # the one place: pyproject.toml reads it ([tool.hatch.version])

# ``__all__`` (star imports, tools that import the package) is derived: every public name bound
# above, not the submodules (``api``) that binding them imports. It is set through ``globals()``
# because a type checker cannot evaluate the expression and would take ``__all__`` as empty; with
# no ``__all__`` in sight, mypy and pyright export exactly the ``X as X`` names: the same list.
globals()["__all__"] = sorted(
    name
    for name, value in globals().items()
    if not name.startswith("_") and not isinstance(value, _ModuleType)
)
