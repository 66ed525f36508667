"""WeasyPrint with a fetcher that reaches only Grantpath's own bundled assets, and a cache keyed
by what the document says, so an unchanged application downloads again at once."""

from __future__ import annotations

import hashlib
import json
import logging
import mimetypes
import multiprocessing
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger("grantpath.pdf")

ASSET_SCHEME = "grantpath-asset:"
ASSET_BASE = ASSET_SCHEME + "/"
STATIC = Path(__file__).resolve().parent.parent / "static"
TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates" / "pdf"
#: The only folders a document may load from: its fonts and its stylesheet.
ALLOWED = (STATIC / "fonts", STATIC / "pdf")


class AssetFetcher(URLFetcher):
    """Serves `grantpath-asset:/fonts/…` from the app's static folder and `data:` URIs; refuses
    everything else (file:, http:, https:, attachments) without opening it."""

    def __init__(self):
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=1)

    def fetch(self, url, headers=None):
        if url.startswith(ASSET_SCHEME):
            path = (STATIC / url[len(ASSET_SCHEME) :].lstrip("/")).resolve()
            if any(path.is_relative_to(folder) for folder in ALLOWED) and path.is_file():
                mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
        elif url.startswith("data:"):
            return super().fetch(url, headers)
        log.warning("PDF rendering refused to fetch %s", url[:200])
        raise ValueError(f"Grantpath PDFs load only their own assets, not {url[:80]}")


@lru_cache(maxsize=1)
def template_version() -> str:
    """Changes whenever a PDF template, its stylesheet or its fonts change."""
    digest = hashlib.sha256()
    for folder in (TEMPLATES, *ALLOWED):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def render_html(template: str, context: dict, language: str) -> str:
    with force_locale(language):
        return render_template(template, **context)


def html_to_pdf(html: str) -> bytes:
    return HTML(string=html, base_url=ASSET_BASE, url_fetcher=AssetFetcher()).write_pdf()


class RenderTooSlow(Exception):
    """The document did not render within the time budget (PDF_RENDER_SECONDS)."""


_FORK = multiprocessing.get_context("fork")


def _render_child(html: str, sender) -> None:
    try:
        sender.send_bytes(html_to_pdf(html))
    except BaseException as exc:  # reported to the parent, which raises it in the request
        sender.send_bytes(b"ERR" + repr(exc).encode()[:500])
    finally:
        sender.close()


def html_to_pdf_within(html: str, seconds: float) -> bytes:
    """Renders in a forked child that is killed when it takes longer than `seconds`, so one huge or
    pathological document cannot pin a request worker. The parent never renders itself, so no lock
    of the text-layout libraries is held when it forks."""
    receiver, sender = _FORK.Pipe(duplex=False)
    child = _FORK.Process(target=_render_child, args=(html, sender), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise RenderTooSlow(seconds)
        data = receiver.recv_bytes()
    except EOFError:
        raise RuntimeError("the PDF renderer stopped without an answer") from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if data.startswith(b"ERR"):
        raise RuntimeError(f"the PDF renderer failed: {data[3:].decode(errors='replace')}")
    return data


def _cache_dir() -> Path:
    folder = Path(current_app.config.get("PDF_CACHE_DIR") or Path(current_app.instance_path) / "pdf-cache")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def cache_key(template: str, context: dict, language: str) -> str:
    content = json.dumps(context, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(f"{template_version()}|{template}|{language}|{content}".encode()).hexdigest()


def pdf(template: str, context: dict, language: str, stamp: dict | None = None) -> bytes:
    """The PDF of `template` with `context`. `stamp` (e.g. the generation time) is printed but not
    part of the cache key: an unchanged document is not rendered again."""
    key = cache_key(template, context, language)
    path = _cache_dir() / f"{key}.pdf"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    html = render_html(template, {**context, **(stamp or {})}, language)
    data = html_to_pdf_within(html, current_app.config["PDF_RENDER_SECONDS"])
    _store(path, data)
    return data


def _store(path: Path, data: bytes) -> None:
    """Writes atomically, then keeps the cache to its newest files."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
    limit = current_app.config.get("PDF_CACHE_FILES", 500)
    files = sorted(path.parent.glob("*.pdf"), key=lambda p: p.stat().st_mtime)
    for old in files[:-limit]:
        old.unlink(missing_ok=True)
