"""A small static news site on 127.0.0.1: the demo's and the tests' "internet".

Serves a directory (default: the bundled ``sample_site``) with what real news sites
send and newsmon must handle: ETag/Last-Modified with 304 answers to conditional GETs,
per-file headers from ``_headers.json`` (e.g. an EUC-KR charset in Content-Type),
robots.txt, and ``{base}`` in files replaced by the server's own base URL so feeds
can carry absolute links. It counts requests per path (``hits``) so tests can prove
what was and was not fetched.
"""
from __future__ import annotations

import hashlib
import json
import mimetypes
import threading
from collections import Counter
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

SAMPLE_SITE = Path(__file__).parent / "sample_site"
TYPES = {".xml": "application/rss+xml", ".atom": "application/atom+xml", ".rdf": "application/rdf+xml",
         ".json": "application/feed+json", ".html": "text/html; charset=utf-8", ".txt": "text/plain"}
LAST_MODIFIED = formatdate(1_790_000_000, usegmt=True)


class SampleSite:
    def __init__(self, root: Path = SAMPLE_SITE, host: str = "127.0.0.1", port: int = 0) -> None:
        self.root = Path(root)
        self.hits: Counter[str] = Counter()
        self.requests: list[tuple[str, dict[str, str]]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a) -> None:  # quiet: tests and the demo print their own output
                pass

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                site.hits[path] += 1
                site.requests.append((path, {k.lower(): v for k, v in self.headers.items()}))
                status, headers, body = site.response(path, self.headers)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.base = f"http://{host}:{self.server.server_address[1]}"
        self._thread: threading.Thread | None = None

    def response(self, path: str, req_headers) -> tuple[int, dict[str, str], bytes]:
        rel = path.lstrip("/") or "index.html"
        file = (self.root / rel).resolve()
        if self.root.resolve() not in file.parents or not file.is_file() or file.name.startswith("_"):
            return 404, {"Content-Type": "text/plain"}, b"not found"
        body = file.read_bytes().replace(b"{base}", self.base.encode())
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        headers = {"Content-Type": TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0] or
                   "application/octet-stream", "ETag": etag, "Last-Modified": LAST_MODIFIED}
        headers.update(self._extra_headers().get("/" + rel, {}))
        if req_headers.get("If-None-Match") == etag:
            return 304, {"ETag": etag}, b""
        return 200, headers, body

    def _extra_headers(self) -> dict[str, dict[str, str]]:
        f = self.root / "_headers.json"
        return json.loads(f.read_text()) if f.exists() else {}

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> "SampleSite":
        self._thread = threading.Thread(target=self.server.serve_forever, name="sample-site", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> "SampleSite":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
