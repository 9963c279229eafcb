"""What stop and update share: the HLS session's request id."""

from __future__ import annotations

from .._params import free_id


def request_id_query(request_id: object) -> dict[str, object]:
    return {"requestId": free_id("request_id", request_id)}
