"""Gzip for text answers, so a survey page on a weak connection stays a few kilobytes.

Static files are compressed once and kept in memory (they change only with a deploy); pages are
compressed per request. Streamed answers (exports) are left alone.
"""

from __future__ import annotations

import gzip
from functools import lru_cache

from flask import Flask, request

COMPRESSIBLE = {"text/html", "text/css", "text/javascript", "application/javascript", "application/json",
                "image/svg+xml", "text/plain", "text/csv"}
MINIMUM_SIZE = 500


@lru_cache(maxsize=64)
def _compressed_static(path: str, etag: str | None, body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=9, mtime=0)


def init_app(app: Flask) -> None:
    @app.after_request
    def compress(response):
        if (
            response.status_code != 200
            or response.mimetype not in COMPRESSIBLE
            or "Content-Encoding" in response.headers
            or "gzip" not in request.headers.get("Accept-Encoding", "")
            or response.is_streamed and request.endpoint != "static"
        ):
            return response
        static = request.endpoint == "static"
        if static:
            response.direct_passthrough = False
        body = response.get_data()
        if len(body) < MINIMUM_SIZE:
            return response
        if static:
            compressed = _compressed_static(request.path, response.get_etag()[0], body)
        else:
            compressed = gzip.compress(body, compresslevel=6, mtime=0)
        response.set_data(compressed)
        response.headers["Content-Encoding"] = "gzip"
        response.headers["Content-Length"] = str(len(compressed))
        response.vary.add("Accept-Encoding")
        return response
