"""Checks of the OpenAPI 3.1 description in amnimo_async/openapi.yaml, the one operation table."""
