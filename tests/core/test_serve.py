"""``jaring serve`` in production: gunicorn behind a TLS proxy, WhiteNoise, the worker, all
stopping together."""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

HOST = "jaring.example.go.id"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _children(pid: int) -> list[str]:
    """Command lines of the processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(cmdline)
    return found


def _get(port: int, path: str, **headers: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers={"Host": HOST, **headers})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads child processes from /proc")
def test_production_serve_runs_gunicorn_whitenoise_and_the_worker(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        JARING_ENV="production",
        JARING_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path}/jaring.sqlite3",
        JARING_ALLOWED_HOSTS=HOST,
        JARING_WEB_WORKERS="1",
        **{k: secrets.token_urlsafe(48) for k in ("JARING_SECRET_KEY", "JARING_FIELD_KEY",
                                                   "JARING_INDEX_KEY")},
    )  # fmt: skip
    jaring = [sys.executable, "-m", "jaring"]
    subprocess.run([*jaring, "migrate", "--noinput", "-v0"], env=env, check=True, timeout=300)
    port = _free_port()
    server = subprocess.Popen([*jaring, "serve", f"127.0.0.1:{port}"], env=env)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                plain = _get(port, "/masuk/")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.5)
        # Plain HTTP is sent to HTTPS; through the proxy (X-Forwarded-Proto) the page is served.
        assert plain.status == 301 and plain.getheader("Location") == f"https://{HOST}/masuk/"
        page = _get(port, "/masuk/", **{"X-Forwarded-Proto": "https"})
        assert page.status == 200
        assert page.getheader("Server", "").startswith("gunicorn")
        assert "max-age=31536000" in page.getheader("Strict-Transport-Security", "")
        assert "script-src 'self'" in page.getheader("Content-Security-Policy", "")
        assert "no-store" in page.getheader("Cache-Control", "")
        static = _get(port, "/static/jaring/jaring.css", **{"X-Forwarded-Proto": "https"})
        assert static.status == 200 and "no-store" not in static.getheader("Cache-Control", "")
        children = _children(server.pid)
        assert any("gunicorn" in c for c in children), children
        assert any(" worker " in c for c in children), children
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    assert server.returncode == 0
    assert _children(server.pid) == []
