"""amnimo-async: an async-first Python SDK for the amnimo API v1.7, with a synchronous shim.

::

    from amnimo_async import AsyncAmnimo

    async with AsyncAmnimo(client_id, secret_key) as amnimo:
        root = await amnimo.accounts.hierarchy(account_id)
"""

from ._client import DEFAULT_BASE_URL, AsyncAmnimo
from ._errors import (
    AmnimoError,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
    ValidationError,
)
from ._file_cache import FileTokenCache
from ._inventory import Inventory, InventoryRecord, InventorySummary, Progress, SweepError
from ._models import (
    Account,
    ActivationStatus,
    Camera,
    CameraPage,
    CameraStatus,
    CameraThumbnail,
    DeviceExternalDevices,
    ErrorDetail,
    ExternalDevice,
    ExternalDeviceList,
    ExternalDevicePage,
    ExternalDeviceStatus,
    HistorySpan,
    HlsResult,
    HlsSession,
    LinkStatus,
    ListSummary,
    Media,
    MediaCategory,
    MediaMeta,
    MediaSource,
    MediaStatus,
    MediaType,
    MediaUser,
    PageSummary,
    Peripheral,
    PeripheralList,
    PortAction,
    PortOperationResult,
    RecordingStatus,
    SortDirection,
    Thumbnail,
    ThumbnailList,
    TokenGrant,
)
from ._paginate import Paginator
from ._ratelimit import RateLimiter
from ._response import Response
from ._retry import RetryPolicy
from ._sync_client import Amnimo, SyncInventory, SyncPaginator
from ._tokens import InMemoryTokenCache, Token, TokenCache

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_BASE_URL",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "Account",
    "ActivationStatus",
    "Amnimo",
    "AmnimoError",
    "AsyncAmnimo",
    "AuthenticationError",
    "BadRequestError",
    "Camera",
    "CameraPage",
    "CameraStatus",
    "CameraThumbnail",
    "ConfigurationError",
    "DeviceExternalDevices",
    "ErrorDetail",
    "ExternalDevice",
    "ExternalDeviceList",
    "ExternalDevicePage",
    "ExternalDeviceStatus",
    "FileTokenCache",
    "HistorySpan",
    "HlsResult",
    "HlsSession",
    "InMemoryTokenCache",
    "Inventory",
    "InventoryRecord",
    "InventorySummary",
    "LinkStatus",
    "ListSummary",
    "Media",
    "MediaCategory",
    "MediaMeta",
    "MediaSource",
    "MediaStatus",
    "MediaType",
    "MediaUser",
    "NotFoundError",
    "PageSummary",
    "Paginator",
    "Peripheral",
    "PeripheralList",
    "PermissionDeniedError",
    "PortAction",
    "PortOperationResult",
    "Progress",
    "RateLimitError",
    "RateLimiter",
    "RecordingStatus",
    "Response",
    "ResponseValidationError",
    "RetryPolicy",
    "ServerError",
    "SortDirection",
    "SweepError",
    "SyncInventory",
    "SyncPaginator",
    "Thumbnail",
    "ThumbnailList",
    "Token",
    "TokenCache",
    "TokenGrant",
    "ValidationError",
]
