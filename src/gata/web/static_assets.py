"""Static files served compressed, under content-hashed URLs: what `/static/app` and `/static/vendor` answer with.

A file's URL carries the first hex digits of its SHA-256 (`/static/app/js/api.js?v=1a2b3c4d5e6f`); asked for with
its current digest it is cached for a year as `immutable`, so a browser never asks twice, and a changed file gets a
new URL from the page (the import map and the templates are rendered with `url()`). Without the digest, or with an
older one, the answer is the current file under `no-cache` (revalidated by its ETag).

Each file is compressed once: by `python -m gata.web.static_assets` (run by `make setup`) at the best settings
into `build/compressed/<digest>.br|.gz`, or else at the first request that accepts it, at settings that keep that
request short, and kept in memory. A request gets brotli if it accepts it, else gzip, else the file as it is; every
answer says `Vary: Accept-Encoding`, and each representation has its own ETag and length.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import brotli
from fastapi import Request
from fastapi.responses import FileResponse, Response

from gata.web import WEB_DIR

CACHE_DIR = WEB_DIR / "build" / "compressed"
DIGEST_CHARS = 12
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
MEDIA_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".wasm": "application/wasm",
}
# what is worth compressing: text and WebAssembly (images other than SVG are compressed already)
COMPRESSIBLE = frozenset({".css", ".js", ".mjs", ".json", ".svg", ".wasm", ".txt", ".html"})
ENCODINGS = ("br", "gzip")  # in order of preference
SUFFIX = {"br": "br", "gzip": "gz"}
# at a request, a large file is compressed fast (34 MB of wasm: about 2 s); the setup step takes its time
QUICK_UNDER = 1 << 20


def media_type(path: Path) -> str:
    return MEDIA_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def compress(body: bytes, encoding: str, best: bool) -> bytes:
    """`body` in `encoding`, at the best settings or at ones fast enough for a request."""
    thorough = best or len(body) < QUICK_UNDER
    if encoding == "br":
        return brotli.compress(body, quality=11 if thorough else 5, lgwin=24)
    return gzip.compress(body, compresslevel=9 if thorough else 6, mtime=0)


def accepted(accept_encoding: str) -> str | None:
    """The preferred encoding of ours that an Accept-Encoding header accepts (q > 0), or None (as it is)."""
    quality = {}
    for item in accept_encoding.lower().split(","):
        name, _, params = item.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        quality[name.strip()] = q
    for encoding in ENCODINGS:
        if quality.get(encoding, quality.get("*", 0.0)) > 0:
            return encoding
    return None


@dataclass
class Asset:
    """One file as read: its digest (of the bytes on disk) and, once asked for, its compressed forms."""

    path: Path
    stamp: tuple[int, int]  # (mtime_ns, size) of the file when it was hashed
    digest: str
    encoded: dict[str, bytes] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def compressible(self) -> bool:
        return self.path.suffix in COMPRESSIBLE

    def cached(self, encoding: str) -> Path:
        return CACHE_DIR / f"{self.digest}.{SUFFIX[encoding]}"

    def body(self, encoding: str) -> bytes | None:
        """The file in `encoding`: from the setup step's cache, else compressed now (once); None when that
        would not be smaller than the file itself."""
        with self.lock:
            if encoding not in self.encoded:
                cached = self.cached(encoding)
                if cached.is_file():
                    self.encoded[encoding] = cached.read_bytes()
                else:
                    self.encoded[encoding] = compress(self.path.read_bytes(), encoding, best=False)
            body = self.encoded[encoding]
        return body if len(body) < self.stamp[1] else None


class Assets:
    """The files of one directory tree (or an allow-list of files) by URL path, hashed and compressed once."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix.rstrip("/")
        self._assets: dict[Path, Asset] = {}
        self._lock = threading.Lock()

    def asset(self, path: Path) -> Asset | None:
        """The file at `path`, re-read when it changed on disk (a stat per call); None if there is none."""
        try:
            st = path.stat()
        except OSError:
            return None
        stamp = (st.st_mtime_ns, st.st_size)
        known = self._assets.get(path)
        if known is not None and known.stamp == stamp:
            return known
        digest = _digest(path)
        with self._lock:
            asset = Asset(path, stamp, digest)
            self._assets[path] = asset
        return asset

    def url(self, name: str, path: Path) -> str:
        """The URL of `name` (a path under the prefix) whose file is `path`, carrying its digest."""
        asset = self.asset(path)
        base = f"{self.prefix}/{name}"
        return f"{base}?v={asset.digest}" if asset else base

    def response(self, request: Request, path: Path, headers: dict[str, str] | None = None) -> Response:
        """The file at `path` (which must exist) in the encoding the request accepts best."""
        asset = self.asset(path)
        if asset is None:
            raise FileNotFoundError(path)
        encoding = accepted(request.headers.get("accept-encoding", "")) if asset.compressible else None
        body = asset.body(encoding) if encoding else None
        if body is None:
            encoding = None
        etag = f'"{asset.digest}-{SUFFIX[encoding]}"' if encoding else f'"{asset.digest}"'
        fresh = request.query_params.get("v") == asset.digest
        out = {
            "Cache-Control": IMMUTABLE if fresh else REVALIDATE,
            "ETag": etag,
            "Vary": "Accept-Encoding",
            "X-Content-Type-Options": "nosniff",
            **(headers or {}),
        }
        if etag in _etags(request.headers.get("if-none-match", "")):
            return Response(status_code=304, headers=out)
        kind = media_type(path)
        if encoding is None:
            return FileResponse(path, media_type=kind, headers=out)
        return Response(body, media_type=kind, headers={**out, "Content-Encoding": encoding})


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            sha.update(chunk)
    return sha.hexdigest()[:DIGEST_CHARS]


def _etags(header: str) -> set[str]:
    return {t.strip().removeprefix("W/") for t in header.split(",") if t.strip()}


def precompress(paths: list[Path], out=sys.stdout) -> int:
    """Write each compressible file's brotli and gzip forms, at the best settings, into CACHE_DIR (files
    already there are kept: their name is the digest of what they compress). Returns how many were written."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    written = 0
    for path in paths:
        if path.suffix not in COMPRESSIBLE or not path.is_file():
            continue
        asset = Asset(path, (0, path.stat().st_size), _digest(path))
        for encoding in ENCODINGS:
            target = asset.cached(encoding)
            if target.exists():
                continue
            body = compress(path.read_bytes(), encoding, best=True)
            fd, tmp = tempfile.mkstemp(dir=CACHE_DIR, prefix=".part-")
            with os.fdopen(fd, "wb") as f:
                f.write(body)
            os.chmod(tmp, 0o644)  # like the package's other files (mkstemp makes it the owner's only)
            os.replace(tmp, target)  # another process may be writing the same file: the last one wins, whole
            written += 1
            print(f"{path.relative_to(WEB_DIR)} {encoding}: {path.stat().st_size:,} -> {len(body):,} bytes", file=out)
    return written
