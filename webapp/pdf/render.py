"""WeasyPrint with a fetcher that reaches only Grantpath's own bundled assets, and a cache keyed
by what the document says (in the file storage, so every instance and worker shares it), so an
unchanged application downloads again at once.

A long document is rendered in the background (`prepare`): the request waits `PDF_WAIT_SECONDS`
for it, and past that the page says it is being made and offers it once it is (never a request
that times out). The render is a job (webapp/core/jobs.py) on the queue's worker when Redis is
configured, else a thread of this process; either way in a forked child killed after
`PDF_BACKGROUND_SECONDS`. Its HTML waits in the storage under the document's key, and a failure is
written beside it, so whichever instance asks next finds out."""

from __future__ import annotations

import hashlib
import json
import logging
import mimetypes
import multiprocessing
import re
import threading
import time
from functools import lru_cache
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..core import jobs
from ..core.storage import storage

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


CACHE = "pdf-cache"
RENDERS = "pdf-renders"  # the HTML of a render under way, and why one failed
KEY = re.compile(r"[0-9a-f]{64}")


def cache_key(template: str, context: dict, language: str) -> str:
    content = json.dumps(context, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(f"{template_version()}|{template}|{language}|{content}".encode()).hexdigest()


def cached(key: str) -> bytes | None:
    """The cached PDF, or None; a storage that does not answer is a miss (the PDF is made again)."""
    try:
        return storage().read(f"{CACHE}/{key}.pdf")
    except Exception:
        log.exception("The PDF cache could not be read; rendering %s again", key)
        return None


def _ready(key: str) -> bool:
    try:
        return storage().modified(f"{CACHE}/{key}.pdf") is not None
    except Exception:
        log.exception("The PDF cache could not be read")
        return False


def pdf(template: str, context: dict, language: str, stamp: dict | None = None) -> bytes:
    """The PDF of `template` with `context`, rendered in this request (a letter for a mail). `stamp`
    (e.g. the generation time) is printed but not part of the cache key: an unchanged document is
    not rendered again."""
    key = cache_key(template, context, language)
    data = cached(key)
    if data is None:
        html = render_html(template, {**context, **(stamp or {})}, language)
        data = html_to_pdf_within(html, current_app.config["PDF_RENDER_SECONDS"])
        _store(key, data)
    return data


class RenderFailed(Exception):
    """The background render of a document failed: the reason, in English, for the log and the page."""


def prepare(template: str, context: dict, language: str, stamp: dict | None = None) -> bytes | str:
    """The PDF, if it is cached or renders within PDF_WAIT_SECONDS; else the key of its render, which
    goes on in the background (`status(key)` says how it stands). Raises RenderFailed when the render
    failed within the wait."""
    key = cache_key(template, context, language)
    data = cached(key)
    if data is not None:
        return data
    if not _under_way(key):
        _remove_leftovers()
        storage().delete(f"{RENDERS}/{key}.failed")  # asked again: try again
        storage().write(f"{RENDERS}/{key}.html", render_html(template, {**context, **(stamp or {})}, language).encode())
        _start(key)
    until = time.monotonic() + float(current_app.config["PDF_WAIT_SECONDS"])
    pause = 0.05
    while True:
        state, found = status(key)
        if state == "done":
            data = cached(key)
            if data is not None:
                return data
        if state == "failed":
            raise RenderFailed(found)
        left = until - time.monotonic()
        if left <= 0:
            return key
        finished = _local.get(key)
        if finished is not None:  # this process renders it: woken the moment it is done
            finished.wait(left)
        else:  # a worker renders it: look again, less often as it takes longer
            time.sleep(min(left, pause))
            pause = min(pause * 2, 0.5)


#: key -> set once this process's render of it has finished
_local: dict[str, threading.Event] = {}
#: Background renders this process runs at once without a queue (each forks a WeasyPrint child).
PDF_LOCAL_RENDERS = 2
_render_slots = threading.BoundedSemaphore(PDF_LOCAL_RENDERS)
#: What a render leaves in RENDERS (an interrupted one's HTML, a failure's reason) goes after this.
LEFTOVERS_AFTER_SECONDS = 24 * 3600


def status(key: str) -> tuple[str, str | None]:
    """("done", None), ("failed", why), ("running", None) or ("unknown", None): no such render.
    Asks the storage whether the file is there, without reading it."""
    if _ready(key):
        return "done", None
    failure = storage().read(f"{RENDERS}/{key}.failed")
    if failure is not None:
        return "failed", failure.decode()
    if _under_way(key):
        return "running", None
    return "unknown", None


def _under_way(key: str) -> bool:
    """A render of `key` started and has not yet had its time: its HTML is still waiting."""
    started = storage().modified(f"{RENDERS}/{key}.html")
    return started is not None and time.time() - started < float(current_app.config["PDF_BACKGROUND_SECONDS"]) + 30


def _start(key: str) -> None:
    if jobs.enabled():
        try:
            jobs.enqueue("webapp.pdf.render.render_job", key)
            return
        except Exception:  # Redis is down: this process renders it
            log.exception("The job queue refused the render of %s; rendering it here", key)
    finished = _local.setdefault(key, threading.Event())

    def render_here() -> None:
        try:
            # At most PDF_LOCAL_RENDERS at once in this process; the others wait their turn (and
            # fail as too slow if it does not come within their time).
            if _render_slots.acquire(timeout=float(current_app.config["PDF_BACKGROUND_SECONDS"])):
                try:
                    render_job(key)
                finally:
                    _render_slots.release()
            else:
                storage().write(f"{RENDERS}/{key}.failed", b"waited too long for a free renderer")
                storage().delete(f"{RENDERS}/{key}.html")
        finally:
            finished.set()
            _local.pop(key, None)

    threading.Thread(target=jobs.in_app_context(render_here), name=f"pdf-{key[:8]}", daemon=True).start()


def render_job(key: str) -> None:
    """The job: renders the waiting HTML of `key` into the cache, or writes why it could not."""
    if not KEY.fullmatch(key) or cached(key) is not None:
        return
    html = storage().read(f"{RENDERS}/{key}.html")
    if html is None:
        return  # another attempt has finished it
    seconds = float(current_app.config["PDF_BACKGROUND_SECONDS"])
    try:
        data = html_to_pdf_within(html.decode(), seconds)
    except RenderTooSlow:
        storage().write(f"{RENDERS}/{key}.failed", f"took longer than {seconds:g} seconds".encode())
    except Exception as exc:
        log.exception("The background render of %s failed", key)
        storage().write(f"{RENDERS}/{key}.failed", f"{type(exc).__name__}: {exc}"[:500].encode())
    else:
        _store(key, data)
    storage().delete(f"{RENDERS}/{key}.html")


def _remove_leftovers() -> None:
    """The HTML of renders that were cut off (their process died) and old failure notes: the HTML
    holds the application's whole text, so it is not kept longer than a day."""
    files = storage()
    cutoff = time.time() - LEFTOVERS_AFTER_SECONDS
    for name in files.oldest_first(RENDERS):
        modified = files.modified(name)
        if modified is None or modified >= cutoff:
            break
        files.delete(name)


def _store(key: str, data: bytes) -> None:
    """Writes it whole, then keeps the cache to its newest PDF_CACHE_FILES."""
    files = storage()
    files.write(f"{CACHE}/{key}.pdf", data)
    limit = current_app.config.get("PDF_CACHE_FILES", 500)
    for old in files.oldest_first(CACHE)[:-limit]:
        files.delete(old)
