"""Launching Debian's chromium for the browser tests, one way for every suite.

Never ``playwright install``: the test command installs Debian's chromium and
we drive that binary.  The flags keep it off the network (this machine has
none but loopback) and make it run as root in a container.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# English a person must never read on our pages (text, tooltips, labels, placeholders, the tab title):
# Material's and our own leftovers.  Whole words, case as written.
ENGLISH_UI_WORDS = (
    "OVERDUE", "Made with", "Material for MkDocs", "Permanent link", "Skip to content", "Back to top",
    "Table of contents", "Copy to clipboard", "Initializing search", "Type to start searching", "Search",
    "Previous", "Next", "Submit", "Cancel", "Login", "Log in", "Logout", "Sign in", "Dashboard", "Loading",
    "Error", "Settings", "Password", "Download", "Upload", "Delete", "Save", "Home", "recipients",
    "Not Found", "Forbidden", "Internal Server Error",
)
_ENGLISH = re.compile(r"(?<![A-Za-z])(" + "|".join(re.escape(word) for word in ENGLISH_UI_WORDS) + r")(?![A-Za-z])")

# What every browser test's pages did wrong, in order; tests/conftest.py fails the test on any.
PROBLEMS: list[str] = []

_VISIBLE_TEXT = """() => [document.title, document.body ? document.body.innerText : "",
  ...Array.from(document.querySelectorAll("[title], [aria-label], [placeholder], [alt], input[type=submit]"),
                e => [e.getAttribute("title"), e.getAttribute("aria-label"), e.getAttribute("placeholder"),
                      e.getAttribute("alt"), e.type === "submit" ? e.value : ""].filter(Boolean).join(" "))].join(" | ")"""


def english_words(text: str) -> list[str]:
    """Pure: the listed English UI words in ``text``."""
    return sorted(set(_ENGLISH.findall(text)))


def _check_text(page: Any) -> None:
    try:
        text = page.evaluate(_VISIBLE_TEXT)
    except Exception:  # the page navigated on meanwhile: the next load is checked
        return
    if found := english_words(text):
        PROBLEMS.append(f"English on {page.url}: {', '.join(found)}")


def _console(page: Any, message: Any) -> None:
    # A page answered with its own status on purpose (a refused form is 422) logs "Failed to load resource"
    # for the document itself: the tests check those statuses; a missing script, style or icon still counts.
    own_status = message.text.startswith("Failed to load resource") and message.location.get("url") == page.url
    if message.type == "error" and not own_status:
        PROBLEMS.append(f"console error on {page.url}: {message.text} ({message.location.get('url')})")


def watch_page(page: Any) -> None:
    """Record console errors, uncaught script errors and English UI words of every page loaded in ``page``."""
    page.on("console", lambda message: _console(page, message))
    page.on("pageerror", lambda error: PROBLEMS.append(f"script error on {page.url}: {error}"))
    page.on("load", lambda loaded: _check_text(loaded))


def _watched(browser: Any) -> Any:
    """Every page of every context the browser opens is watched (see :func:`watch_page`)."""
    new_context, new_page = browser.new_context, browser.new_page

    def context(*args: Any, **kwargs: Any) -> Any:
        created = new_context(*args, **kwargs)
        created.on("page", watch_page)
        return created

    def page(*args: Any, **kwargs: Any) -> Any:
        created = new_page(*args, **kwargs)
        watch_page(created)
        return created

    browser.new_context, browser.new_page = context, page
    return browser


def launch_chromium(playwright: Any) -> Any:
    """A headless Debian chromium from a started ``sync_playwright()``, its pages watched for errors and English."""
    return _watched(playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS))


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve a WSGI app on a free loopback port in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
