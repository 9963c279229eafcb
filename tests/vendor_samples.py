"""Answers exactly as the vendor's reference shows them, shared by the spec, model and endpoint tests."""

from __future__ import annotations

from typing import Any

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
