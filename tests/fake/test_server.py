"""Serving over loopback: the background server, and the ``serve`` command."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx

from amnimo_async.testing import FakeAmnimo

from .conftest import basic

ROOT = Path(__file__).resolve().parents[2]


def port_is_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_serve_starts_answers_and_closes_the_port() -> None:
    fake = FakeAmnimo(rate=None)
    with fake.serve() as server:
        assert server.running
        assert server.base_url == f"http://127.0.0.1:{server.port}/ex"
        assert (server.client_id, server.account_id) == (fake.client_id, fake.account_id)
        with httpx.Client(base_url=server.base_url) as http:
            response = http.post(
                "/oauth2/token",
                data={"grant_type": "client_credentials"},
                headers=basic(server.client_id, server.secret_key),
            )
            assert response.status_code == 200
            token = response.json()["access_token"]
            hierarchy = http.get(
                f"/accounts/{server.account_id}/hierarchy", headers={"Authorization": f"Bearer {token}"}
            )
            assert hierarchy.json() == server.world.hierarchy()
        port = server.port
        assert port_is_open(port)
    assert not server.running
    assert not port_is_open(port)
    assert fake.journal.token_calls == 1


def test_two_servers_of_one_fake_share_its_state() -> None:
    fake = FakeAmnimo(rate=None)
    with fake.serve() as one, fake.serve() as two:
        assert one.port != two.port
        with httpx.Client() as http:
            for server in (one, two):
                http.post(
                    f"{server.base_url}/oauth2/token",
                    data={"grant_type": "client_credentials"},
                    headers=basic(fake.client_id, fake.secret_key),
                )
    assert fake.journal.tokens_issued == 2


def test_serve_command_runs_until_sigint() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "amnimo_async.testing",
            "serve",
            "--port",
            "0",
            "--seed",
            "2",
            "--cameras",
            "30",
            "--media",
            "10",
            "--devices",
            "2",
            "--subscriptions",
            "2",
            "--rate",
            "5",
            "--burst",
            "20",
            "--latency",
            "0.01",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    try:
        assert process.stdout is not None
        printed: dict[str, str] = {}
        for line in process.stdout:
            key, _, value = line.partition(":")
            printed[key.strip()] = value.strip()
            if key.startswith("subscriptions"):
                break
        expected = FakeAmnimo(seed=2)
        assert printed["client ID"] == expected.client_id
        assert printed["account ID"] == expected.account_id
        assert len(printed["subscriptions"].split(", ")) == 2
        response = httpx.post(
            f"{printed['base URL']}/oauth2/token",
            data={"grant_type": "client_credentials"},
            headers=basic(printed["client ID"], printed["secret key"]),
        )
        assert response.status_code == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        assert process.stderr is not None
        stderr = process.stderr.read()
        process.stdout.close() if process.stdout else None
        process.stderr.close()
    assert "Traceback" not in stderr
