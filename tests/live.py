"""Real servers for tests that need separate processes: gunicorn on a free loopback port."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SECRET = "live-test-" + "Qw7Er5Ty3Ui1Op9As8Df6Gh4Jk2Lz0" * 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """``gunicorn wsgi:app`` in its own process, configured through the environment."""

    def __init__(self, database_url: str, instance_path: Path, port: int | None = None, workers: int = 1, **env: str):
        self.port = port or free_port()
        self.workers = workers
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "APP_ENV": "testing",
            "SECRET_KEY": SECRET,
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(instance_path),
            **env,
        }
        self.process: subprocess.Popen[bytes] | None = None
        instance_path.mkdir(parents=True, exist_ok=True)
        self.log_path = instance_path / "server.log"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def __enter__(self) -> LiveServer:
        self.log_file = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}", "wsgi:app"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.__exit__()
                raise RuntimeError(f"server exited:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:  # refused, reset or timed out: not up yet
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("server did not start within 20 s")

    def __exit__(self, *_exc: Any) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()


class HttpSession:
    """A cookie-keeping HTTP client that does not follow redirects."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), self._NoRedirect)

    def request(self, path: str, data: dict[str, str] | None = None, base_url: str | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open((base_url or self.base_url) + path, body, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def login(self, email: str, password: str, base_url: str | None = None) -> int:
        _status, page = self.request("/login", base_url=base_url)
        token = re.search(r'name="csrf-token" content="([^"]+)"', page)
        assert token, "no CSRF token on the login page"
        status, _ = self.request("/login", {"email": email, "password": password, "csrf_token": token.group(1)}, base_url=base_url)
        return status
