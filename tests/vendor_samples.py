"""Answers exactly as the vendor's reference shows them, shared by the spec, model and endpoint tests.

Shared, so never changed in place: a test that needs a variant copies first ({**x}, copy.deepcopy).
"""

from __future__ import annotations

from typing import Any

TOKEN: dict[str, Any] = {"access_token": "eyJra1example", "token_type": "Bearer", "expires_in": 7200}

ACCOUNT: dict[str, Any] = {
    "accountName": "テナント1",
    "accountId": "3d07c219-0a88-45be-9cfc-91e9d095a1e9",
    "subscriptionName": "サブスクリプション1",
    "subscriptionId": "d079718b-ff63-45dd-947b-4950c023750f",
    "childAccounts": [
        {
            "accountName": "テナント2",
            "accountId": "0b0db400-304f-c31a-2b57-fb97e467a3e6",
            "subscriptionName": "サブスクリプション2",
            "subscriptionId": "3e871bad-977c-27c2-4cf1-ebe13bee0d66",
            "childAccounts": [{}],
        }
    ],
}

CAMERA: dict[str, Any] = {
    "id": "497f6eca-6276-4993-bfeb-53cbbbba6f08",
    "pid": "058d15e1-c249-47bc-9c08-cb16c9e878c4",
    "deviceVersion": "2.1.0",
    "status": "CONNECTED",
    "recordingStatus": "string",
    "displayName": "A工場入り口",
    "tags": ["タグA"],
    "thumbnail": {"ts": "2019-08-24T14:15:22Z"},
}

CAMERA_PAGE: dict[str, Any] = {"total": 1, "page": 0, "size": 500, "cameras": [CAMERA]}

THUMBNAILS: dict[str, Any] = {"total": 1, "thumbnails": [{"ts": "2025-02-14T15:00:00.000Z", "code": "200"}]}

HISTORY_SPAN: dict[str, Any] = {"s": 1750807890000, "d": 123456}

MEDIA: dict[str, Any] = {
    "id": "b6f0907d-a2cc-4cb3-88e5-2a0982d2e948",
    "cameraId": "cbc3283e-6217-4855-9934-148717cbeefe",
    "pid": "058d15e1-c249-47bc-9c08-cb16c9e878c4",
    "type": "IMAGE",
    "source": "CLOUD",
    "category": "CLIP",
    "startTime": "2019-08-24T14:15:22Z",
    "endTime": "2019-08-24T14:15:22Z",
    "name": "media-testName",
    "status": "COMPLETED",
    "requestedDateTime": "2019-08-24T14:15:22Z",
    "size": 2078322,
    "meta": {"user": {"id": "string"}},
}

EXTERNAL_DEVICE_PAGE: dict[str, Any] = {
    "data": [
        {
            "id": "497f6eca-6276-4993-bfeb-53cbbbba6f08",
            "dName": "デバイス1",
            "externalDevices": [
                {"ipAddress": "192.168.0.1", "externalDeviceName": "外部機器1", "status": "CONNECTED"}
            ],
        }
    ],
    "summary": {
        "isFirstPage": True,
        "isLastPage": True,
        "pageNumber": 0,
        "pageSize": 10,
        "totalPages": 1,
        "total": 1,
    },
}

DEVICE_EXTERNAL_DEVICES: dict[str, Any] = {
    "data": [{"ipAddress": "192.168.0.1", "externalDeviceName": "外部機器1", "status": "CONNECTED"}],
    "summary": {"total": 1},
}

PERIPHERALS: dict[str, Any] = {
    "data": [
        {"id": "POE0", "name": "POE Port 0", "type": "POE", "lnkStatus": "LINK_UP", "actStatus": "DISABLING"}
    ],
    "summary": {"total": 1},
}

ERROR: list[dict[str, Any]] = [
    {
        "ts": "2019-08-24T14:15:22Z",
        "status": "BAD REQUEST",
        "message": "Validation Error",
        "details": [{}],
    }
]
