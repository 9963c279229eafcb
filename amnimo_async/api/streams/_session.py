"""What stop and update share: the HLS session's request id."""

from __future__ import annotations

from ..._arguments import text


def request_id_query(request_id: object) -> dict[str, object]:
    return {"requestId": text("request_id", request_id)}
