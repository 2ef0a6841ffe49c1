"""Real-browser tests: Playwright drives Debian's Chromium against a live Jaring server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django_tasks_db.management.commands.db_worker import Worker
from playwright.sync_api import Page

from jaring.accounts.models import User
from jaring.regions.models import Region
from jaring.regions.services import regions_load
from tests.conftest import APPS_WITHOUT_REGIONS

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(
                pytest.mark.django_db(transaction=True, available_apps=APPS_WITHOUT_REGIONS)
            )


@pytest.fixture(autouse=True)
def _regions_present(django_db_blocker: Any) -> None:
    """The region table as the test database was given it, even after a transactional test
    elsewhere flushed it (registry's migration test runs with every app): loaded again, and
    committed, before a live-server test that finds it empty."""
    with django_db_blocker.unblock():
        if not Region.objects.exists():
            regions_load()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def sign_in(live_server: Any, page: Page) -> Callable[[User], Page]:
    def sign(user: User) -> Page:
        page.goto(f"{live_server.url}/masuk/")
        page.get_by_label("Nama pengguna").fill(user.username)
        page.get_by_label("Kata sandi").fill("s3cret-pass-for-tests")
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return sign


@pytest.fixture
def real_task_queue(settings: Any) -> Callable[[], None]:
    """Tasks go to the database queue as in production; calling the fixture's value runs the
    worker over everything queued (what ``jaring serve`` does in the background)."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }

    def work() -> None:
        Worker(
            queue_names=["default"],
            interval=0.1,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="browser-test",
            excluded_queue_names=[],
        ).run()

    return work
