"""plotly.js for the staff charts: read from the installed plotly package, gzipped once, kept in memory.

Only staff pages load it (the route is behind the staff sign-in); survey pages never do.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import plotly
from flask import Request, Response, current_app

PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
# The URL carries the file's hash, so a year-long cache is safe: a new plotly is a new URL.
CACHE_CONTROL = "private, max-age=31536000, immutable"


# plotly.js appends <style> elements of bundled libraries (maplibre's CSS) unless an element with
# that id is already on the page; under style-src 'self' the browser would refuse them anyway.
BUNDLED_STYLE = re.compile(
    rb'if\(!document\.getElementById\("([0-9a-f]{32,64})"\)\)\{var \w+=document\.createElement\("style"\)')


@dataclass(frozen=True)
class Script:
    body: bytes
    etag: str
    style_markers: tuple[str, ...]  # ids that stop plotly.js from appending its bundled <style> elements


@lru_cache(maxsize=1)
def plotly_script() -> Script:
    body = PLOTLY_JS.read_bytes()
    markers = tuple(dict.fromkeys(match.decode() for match in BUNDLED_STYLE.findall(body)))
    return Script(body, hashlib.sha256(body).hexdigest()[:20], markers)


@lru_cache(maxsize=1)
def plotly_script_gzipped() -> bytes:
    return gzip.compress(plotly_script().body, compresslevel=9, mtime=0)


def plotly_version() -> str:
    """What the script's URL carries (its hash), so browsers fetch it again only when it changes."""
    return plotly_script().etag


def plotly_style_markers() -> tuple[str, ...]:
    """Element ids a chart page carries so plotly.js adds no inline <style> (its rules are in sapa.css)."""
    return ("plotly.js-style-global", *plotly_script().style_markers)


def plotly_response(request: Request) -> Response:
    """The script, gzipped when the browser accepts it, with a long cache and an ETag (304 when unchanged)."""
    script = plotly_script()
    gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
    body = plotly_script_gzipped() if gzipped else script.body
    response = current_app.response_class(body, mimetype="text/javascript")
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    response.set_etag(f"{script.etag}-gzip" if gzipped else script.etag)
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.vary.add("Accept-Encoding")
    return response.make_conditional(request)
