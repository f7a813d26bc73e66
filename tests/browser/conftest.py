"""A live server on committed data and Debian's Chromium driven by Playwright.

The server is Django's own live-server thread (static files included), started on the test
database; the browser is /usr/bin/chromium (``PLAYWRIGHT_CHROMIUM`` overrides), launched with the
flags this network-less machine needs. A signed-in user's session cookie is handed to the browser.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.test import Client
from django.test.testcases import LiveServerThread

# Playwright's sync API keeps an event loop on the test's thread; the ORM calls the tests make
# there are still synchronous (the documented setting for Playwright with pytest-django).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str:
    path = os.environ.get("PLAYWRIGHT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        raise RuntimeError("Debian's chromium is needed for the browser tests: apt-get install -y chromium")
    return path


@pytest.fixture
def live_url(committed_db) -> Iterator[str]:  # type: ignore[no-untyped-def]
    thread = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page_as(browser, live_url) -> Iterator[Callable[..., Any]]:  # type: ignore[no-untyped-def]
    """A browser page signed in as ``user`` (Chinese unless ``language`` says otherwise)."""
    contexts = []

    def open_as(user: Any, language: str = "zh-hans") -> Any:
        client = Client()
        client.force_login(user)
        context = browser.new_context(
            accept_downloads=True, locale="zh-CN", viewport={"width": 1400, "height": 900}
        )
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_url,
                },
                {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_url},
            ]
        )
        contexts.append(context)
        page = context.new_page()
        page.errors = []  # type: ignore[attr-defined]
        page.on("pageerror", lambda error: page.errors.append(str(error)))  # type: ignore[attr-defined]
        return page

    yield open_as
    for context in contexts:
        context.close()
