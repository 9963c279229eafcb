"""Generated-style endpoint functions, one module per API operation.

Each module has ``asyncio_detailed(client, ...) -> Response[T]`` and ``asyncio(client, ...) -> T``::

    from amnimo_async.api.cameras import list_cameras
    page = await list_cameras.asyncio(amnimo, subscription_id=sub, size=500)
"""
