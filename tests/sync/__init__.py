"""Tests of Amnimo, the blocking client on an anyio portal."""
