"""The labeling server over real HTTP: ``python -m skactive label`` on 127.0.0.1."""

import json
import subprocess
import sys

import pytest

pytest.importorskip("starlette", reason="the 'label' extra (starlette) is not installed")
pytest.importorskip("uvicorn", reason="the 'label' extra (uvicorn) is not installed")
httpx = pytest.importorskip("httpx", reason="httpx is not installed")

from _labeling_server import ROOT, Server, wait_for_batch, write_table  # noqa: E402

ARGS = ["--target", "y", "--id", "id", "--batch-size", "4", "--max-epochs", "5"]


@pytest.fixture
def table(tmp_path):
    path = tmp_path / "data" / "rows.csv"
    path.parent.mkdir()
    truth = write_table(path)
    return path, truth


def _client(server):
    return httpx.Client(base_url=server.base, timeout=60)


def test_token_is_required_everywhere(table, tmp_path):
    path, _ = table
    server = Server([path, *ARGS, "--out", tmp_path / "s"], tmp_path)
    try:
        assert server.base.startswith("http://127.0.0.1:")
        with _client(server) as client:
            for url in ["/", "/static/page.js", "/api/next", "/api/status"]:
                assert client.get(url).status_code == 403
                assert client.get(url, params={"token": server.token + "x"}).status_code == 403
                assert client.get(url, headers={"X-Skactive-Token": "nope"}).status_code == 403
                assert client.get(url, params={"token": server.token}).status_code == 200
            for url in ["/api/labels", "/api/undo", "/api/skip", "/api/export"]:
                assert client.post(url, json={}).status_code == 403
            page = client.get("/", params={"token": server.token})
            assert "default-src 'none'" in page.headers["content-security-policy"]
            assert page.headers["referrer-policy"] == "no-referrer"
            headers = {"X-Skactive-Token": server.token}
            batch = wait_for_batch(client, headers)
            bad = client.post("/api/labels", headers=headers,
                              json={"answers": [{"key": batch["rows"][0]["key"],
                                                 "label": "maybe"}]})
            assert bad.status_code == 400 and "classes are" in bad.json()["error"]
            assert client.post("/api/labels", headers=headers, content=b"{").status_code == 400
    finally:
        server.stop()


def test_sigkill_loses_no_acknowledged_answer(table, tmp_path):
    path, truth = table
    before = sorted(p.name for p in path.parent.iterdir())
    server = Server([path, *ARGS, "--out", tmp_path / "s"], tmp_path)
    acknowledged = {}
    try:
        with _client(server) as client:
            headers = {"X-Skactive-Token": server.token}
            for _ in range(2):
                batch = wait_for_batch(client, headers)
                for row in batch["rows"]:
                    reply = client.post("/api/labels", headers=headers, json={
                        "answers": [{"key": row["key"], "label": truth[row["key"]]}]})
                    assert reply.status_code == 200 and reply.json()["saved"][0]["saved"]
                    acknowledged[row["key"]] = truth[row["key"]]
            undone = client.post("/api/undo", headers=headers).json()
            del acknowledged[undone["key"]]
    finally:
        server.kill9()
        server.proc.stdout.close()
    server = Server([path, *ARGS, "--out", tmp_path / "s"], tmp_path)
    try:
        with _client(server) as client:
            headers = {"X-Skactive-Token": server.token}
            status = client.get("/api/status", headers=headers).json()
            assert status["labels"] == len(acknowledged) == 7
            batch = wait_for_batch(client, headers)
            assert batch["rows"][0]["key"] == undone["key"]  # the undone row comes back first
            assert not {r["key"] for r in batch["rows"]} & set(acknowledged)
            exported = client.post("/api/export", headers=headers, json={"model": False})
            assert exported.status_code == 200
    finally:
        server.stop()
    # the log holds every acknowledged answer; the export has them filled in
    records = [json.loads(line) for line in (tmp_path / "s" / "answers.jsonl").open()]
    assert {r["key"] for r in records if r["op"] == "label"} >= set(acknowledged)
    export = (tmp_path / "s" / "export" / "rows.csv").read_text().splitlines()
    filled = {line.split(",")[0]: line.rsplit(",", 1)[1] for line in export[1:]}
    assert all(filled[key] == label for key, label in acknowledged.items())
    # nothing written outside the session folder
    assert sorted(p.name for p in path.parent.iterdir()) == before


def test_two_servers_on_one_folder_are_refused(table, tmp_path):
    path, _ = table
    server = Server([path, *ARGS, "--out", tmp_path / "s"], tmp_path)
    try:
        second = subprocess.run(
            [sys.executable, "-m", "skactive", "label", str(path), *ARGS, "--out",
             str(tmp_path / "s"), "--port", "0"], capture_output=True, text=True,
            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=120)
        assert second.returncode == 2
        assert f"in use by another labeling session (pid {server.proc.pid})" in second.stderr
    finally:
        server.stop()


def test_label_without_target_is_a_usage_error(table, capsys):
    from skactive.cli import main

    path, _ = table
    assert main(["label", str(path), "--out", str(path.parent / "s")]) == 2
    assert "--target COLUMN" in capsys.readouterr().err
