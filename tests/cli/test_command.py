"""The ``amnimo`` command, run in subprocesses against a FakeAmnimo on loopback."""

from __future__ import annotations

import csv
import io
import json
import shutil
import uuid
from pathlib import Path

import pytest

from amnimo_async._file_cache import FileTokenCache
from amnimo_async.testing import FakeAmnimo, Fault
from amnimo_async.testing._server import FakeServer

from .conftest import PROFILE, Runner, command, environment, run_many


def one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("amnimo: error: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_console_script_is_installed() -> None:
    assert shutil.which("amnimo") or (Path(__file__).parents[2] / ".venv" / "bin" / "amnimo").exists()


def test_help_documents_the_exit_codes(run: Runner) -> None:
    result = run("--help")
    assert result.code == 0
    assert "Exit codes" in result.stdout
    assert "5 not found" in result.stdout


def test_bad_account_id_is_a_usage_error(run: Runner, server: FakeServer) -> None:
    before = len(server.journal)
    result = run("inventory", "not-an-account-id", "--format", "json")
    assert result.code == 2
    assert "account_id" in one_error_line(result.stderr)
    assert result.stdout == ""
    assert len(server.journal) == before  # refused before anything was sent


def test_wrong_secret_is_an_auth_error(run: Runner, server: FakeServer) -> None:
    result = run("hierarchy", server.account_id, secret="not-the-secret-key-at-all")
    assert result.code == 4
    line = one_error_line(result.stderr)
    assert "authentication failed" in line
    assert "not-the-secret-key-at-all" not in result.stderr


def test_unknown_camera_is_not_found(run: Runner, server: FakeServer) -> None:
    result = run("cameras", "get", server.subscription_ids[0], str(uuid.uuid4()))
    assert result.code == 5
    one_error_line(result.stderr)


def test_debug_shows_the_traceback(run: Runner, server: FakeServer) -> None:
    result = run("--debug", "cameras", "get", server.subscription_ids[0], str(uuid.uuid4()))
    assert result.code == 5
    assert "Traceback" in result.stderr


def test_missing_credentials_is_a_config_error(run: Runner) -> None:
    result = run("hierarchy", str(uuid.uuid4()), credentials=False)
    assert result.code == 3
    assert "AMNIMO_CLIENT_ID" in one_error_line(result.stderr)


def test_unreachable_server_is_a_connection_error(run: Runner) -> None:
    result = run(
        "--max-retries", "0", "hierarchy", str(uuid.uuid4()), env={"AMNIMO_BASE_URL": "http://127.0.0.1:9/ex"}
    )
    assert result.code == 7
    one_error_line(result.stderr)


def test_profile_from_the_config_file(run: Runner, server: FakeServer, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[profiles.test]\nclient_id = "{server.client_id}"\nsecret_key = "{server.secret_key}"\n'
        f'base_url = "{server.base_url}"\n'
    )
    env = {"AMNIMO_CONFIG": str(config)}
    ok = run(
        "--profile", "test", "hierarchy", server.account_id, "--format", "json", env=env, credentials=False
    )
    assert ok.code == 0, ok.stderr
    assert json.loads(ok.stdout)["accountId"] == server.account_id
    missing = run("--profile", "nope", "hierarchy", server.account_id, env=env, credentials=False)
    assert missing.code == 3
    assert "nope" in one_error_line(missing.stderr)


def expected_counts(server: FakeServer) -> dict[str, int]:
    specs = PROFILE.subscriptions
    return {
        "cameras": sum(s.cameras for s in specs),
        "media": sum(s.media for s in specs),
        "devices": sum(s.devices for s in specs),
    }


def test_inventory_json_is_clean_with_the_progress_bar_on(run: Runner, server: FakeServer) -> None:
    result = run("--progress", "inventory", server.account_id, "--format", "json")
    assert result.code == 0, result.stderr
    records = json.loads(result.stdout)  # nothing but the JSON on stdout
    kinds = {kind: sum(1 for r in records if r["kind"] == kind) for kind in ("cameras", "media", "devices")}
    assert kinds == expected_counts(server)
    assert "pages" in result.stderr  # the progress bar went to stderr
    assert "inventory of" in result.stderr  # and the summary


def test_inventory_jsonl(run: Runner, server: FakeServer) -> None:
    result = run("inventory", server.account_id, "--format", "jsonl", "--include", "cameras")
    assert result.code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == expected_counts(server)["cameras"]
    assert {r["kind"] for r in records} == {"cameras"}
    assert all(r["subscriptionId"] in server.subscription_ids for r in records)


def test_inventory_csv(run: Runner, server: FakeServer) -> None:
    result = run("inventory", server.account_id, "--format", "csv", "--include", "media,devices")
    assert result.code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == expected_counts(server)["media"] + expected_counts(server)["devices"]
    assert set(rows[0]) == {"subscriptionId", "kind", "id", "name", "status", "item"}
    assert all(json.loads(row["item"])["id"] == row["id"] for row in rows)


def test_inventory_table_to_a_file(run: Runner, server: FakeServer, tmp_path: Path) -> None:
    out = tmp_path / "inventory.txt"
    result = run("inventory", server.account_id, "--include", "devices", "--output", str(out))
    assert result.code == 0, result.stderr
    assert result.stdout == ""
    text = out.read_text()
    assert "subscriptionId" in text
    assert server.subscription_ids[0] in text
    assert f"wrote {expected_counts(server)['devices']} records" in result.stderr


def test_cameras_list_formats(run: Runner, server: FakeServer) -> None:
    sub = server.subscription_ids[1]
    table = run("cameras", "list", sub)
    assert table.code == 0
    assert "displayName" in table.stdout
    listed = json.loads(run("cameras", "list", sub, "--all", "--format", "json").stdout)
    assert len(listed) == PROFILE.subscriptions[1].cameras
    camera = json.loads(run("cameras", "get", sub, listed[0]["id"], "--format", "json").stdout)
    assert camera["id"] == listed[0]["id"]


def test_hierarchy_tree(run: Runner, server: FakeServer) -> None:
    result = run("hierarchy", server.account_id)
    assert result.code == 0, result.stderr
    assert server.account_id in result.stdout
    assert all(sub in result.stdout for sub in server.subscription_ids)


def test_media_download(run: Runner, server: FakeServer, tmp_path: Path) -> None:
    sub = server.subscription_ids[0]
    media = json.loads(run("media", "search", sub, "--format", "json").stdout)
    done = next(m for m in media if m.get("status") == "COMPLETED" and m.get("size"))
    target = tmp_path / "file.bin"
    result = run("--progress", "media", "download", sub, done["id"], "--output", str(target))
    assert result.code == 0, result.stderr
    assert target.stat().st_size == done["size"]
    assert "sig=" not in result.stderr + result.stdout  # the presigned URL is not printed


def test_verbose_logs_requests_without_credentials(run: Runner, server: FakeServer) -> None:
    result = run("--verbose", "hierarchy", server.account_id, "--format", "json")
    assert result.code == 0, result.stderr
    assert "GET /accounts/" in result.stderr
    assert server.secret_key not in result.stderr
    json.loads(result.stdout)
    cache = FileTokenCache(run.cache / "amnimo", secret_key=server.secret_key)
    token = cache.cached_token(f"{server.base_url}|{server.client_id}")
    assert token is not None
    assert token.access_token not in result.stderr
    assert token.access_token not in result.stdout
    assert token.access_token not in cache.path(f"{server.base_url}|{server.client_id}").read_text()


def test_five_processes_share_one_token_call(tmp_path: Path) -> None:
    with FakeAmnimo(seed=5, profile=PROFILE, rate=None).serve() as server:
        # A slow token call: every process reaches the lock while the first one's fetch is out.
        server.faults.add(Fault(kind="latency", route="issueToken", latency=1.0))
        env = environment(server, tmp_path / "cache")
        args = command("hierarchy", server.account_id, "--format", "json")
        processes = run_many([args] * 5, env)
        outputs = [p.communicate(timeout=60) for p in processes]
        assert [p.returncode for p in processes] == [0] * 5, [err for _, err in outputs]
        assert all(json.loads(out)["accountId"] == server.account_id for out, _ in outputs)
        assert server.journal.token_calls == 1

        status = run_many([command("token", "status", "--format", "json")], env)[0]
        out, err = status.communicate(timeout=60)
        assert status.returncode == 0, err
        info = json.loads(out)
        assert info["token"] == "valid"
        assert info["tokenCallsThisMonth"] == 1
        assert info["monthlyQuota"] == 1000
        assert server.journal.token_calls == 1  # status makes no request


@pytest.mark.slow
def test_demo_runs_without_credentials(tmp_path: Path) -> None:
    out = tmp_path / "demo.jsonl"
    env = environment(None, tmp_path / "cache")
    process = run_many([command("demo", "--output", str(out), "--scale", "0.25")], env)[0]
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) > 5000
    assert {r["kind"] for r in records} == {"cameras", "media", "devices"}
    assert "demo inventory" in stdout
    assert str(out) in stdout
    assert not (tmp_path / "cache" / "amnimo").exists()  # the demo's token stays out of the user's cache


def test_media_streams_devices_round_trip(run: Runner, server: FakeServer) -> None:
    sub = server.subscription_ids[1]
    camera = json.loads(run("cameras", "list", sub, "--format", "json").stdout)[0]["id"]
    assert run("cameras", "thumbnails", sub, camera, "--start", "-2h", "--format", "json").code == 0
    history = run("cameras", "history", sub, camera, "--start", "-6h", "--format", "csv")
    assert history.code == 0
    assert history.stdout.startswith("start,seconds")
    bad_time = run("cameras", "history", sub, camera, "--start", "yesterday")
    assert bad_time.code == 2
    one_error_line(bad_time.stderr)

    created = run("media", "create", sub, camera, "--category", "SNAPSHOT", "--start", "-5m", "-f", "json")
    assert created.code == 0, created.stderr
    media_id = json.loads(created.stdout)["id"]
    renamed = run("media", "rename", sub, media_id, "renamed by cli", "-f", "json")
    assert json.loads(renamed.stdout)["name"] == "renamed by cli"
    assert run("media", "delete", sub, media_id, "--yes").code == 0
    assert run("media", "get", sub, media_id).code == 5

    session = json.loads(run("stream", "start", sub, camera, "-f", "json").stdout)
    assert run("stream", "update", sub, camera, session["requestId"]).code == 0
    assert run("stream", "stop", sub, camera, session["requestId"]).code == 0

    devices = json.loads(run("devices", "external", sub, "-f", "json").stdout)
    device = devices[0]["deviceId"]
    ports = json.loads(run("devices", "peripherals", sub, device, "-f", "json").stdout)
    port = run("devices", "port", sub, device, ports[0]["id"], "--action", "enable")
    assert port.code == 0, port.stderr


@pytest.mark.parametrize("expires_at", [1e20, float("nan"), -1.0])
def test_token_status_reads_a_damaged_expiry_as_no_token(
    run: Runner, server: FakeServer, tmp_path: Path, expires_at: float
) -> None:
    assert run("hierarchy", server.account_id, "--format", "json").code == 0  # caches a token
    cache = FileTokenCache(tmp_path / "cache" / "amnimo")
    path = cache.path(f"{server.base_url}|{server.client_id}")
    document = json.loads(path.read_text())
    document["token"]["expires_at"] = expires_at  # (the seal no longer opens: status reads it anyway)
    path.write_text(json.dumps(document))
    result = run("token", "status", "--format", "json")
    assert result.code == 0, result.stderr
    info = json.loads(result.stdout)
    assert (info["token"], info["expiresAt"]) == ("none", None)
    assert info["tokenCallsThisMonth"] == 1
