"""The baseline of the photo upload benchmark: a WSGI app that takes a PUT body and writes the same
bytes to disk the way app.storage does (a temporary file, fsync, rename), served by the same gunicorn."""

import os
import tempfile
from pathlib import Path

ROOT = Path(os.environ.get("INSTANCE_PATH", tempfile.gettempdir())) / "disk-put"
ROOT.mkdir(parents=True, exist_ok=True)


def app(environ, start_response):
    if environ["REQUEST_METHOD"] == "GET":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    data = environ["wsgi.input"].read(length)
    name = environ["PATH_INFO"].rsplit("/", 1)[-1][:36] or "photo"
    handle, temporary = tempfile.mkstemp(dir=ROOT, prefix=".part-")
    with os.fdopen(handle, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, ROOT / f"{name}.jpg")
    start_response("201 Created", [("Content-Type", "application/json")])
    return [b'{"stored": true}']
