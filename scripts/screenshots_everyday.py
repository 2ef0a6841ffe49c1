"""Screenshots of the everyday pages at a phone's width (390 px) and a desktop's (1366 px).

    .venv/bin/python scripts/screenshots_everyday.py [--url http://127.0.0.1:8000]

Against the running demo: the Kota Kediri admin's home, people, one person, the form to add a
person, users, a new user, imports, an import result and the duplicates; the auditor's audit
log. Each as ``<name>-phone.png`` and ``<name>-desktop.png`` in
docs/screenshots/everyday/.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import Page, ViewportSize, sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
SIZES: dict[str, ViewportSize] = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1366, "height": 800},
}
ADMIN_PAGES = {
    "home": "/",
    "people": "/orang/",
    "person-new": "/orang/baru/",
    "users": "/pengguna/",
    "user-new": "/pengguna/baru/",
    "imports": "/impor/",
    "duplicates": "/duplikat/",
}


def _sign_in(page: Page, url: str, user: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/masuk/")
    page.get_by_label("Nama pengguna").fill(user)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{url}/")


def _shoot(page: Page, out: Path, name: str) -> None:
    for size_name, size in SIZES.items():
        page.set_viewport_size(size)
        page.reload()
        page.wait_for_load_state("networkidle")
        target = out / f"{name}-{size_name}.png"
        page.screenshot(path=target, full_page=size_name == "phone")
        print(target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots/everyday"))
    parser.add_argument("--password", default="jaring-demo")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page()
        page.set_default_timeout(180_000)
        _sign_in(page, args.url, "kediri", args.password)
        for name, path in ADMIN_PAGES.items():
            page.goto(f"{args.url}{path}")
            _shoot(page, args.out, name)
        page.goto(f"{args.url}/orang/")
        page.locator("table a").first.click()
        _shoot(page, args.out, "person")
        page.goto(f"{args.url}/impor/")
        page.locator("[data-testid=import-list] a").first.click()
        _shoot(page, args.out, "import-result")
        _sign_in(page, args.url, "auditor.kediri", args.password)
        page.goto(f"{args.url}/audit/")
        _shoot(page, args.out, "audit")
        browser.close()


if __name__ == "__main__":
    main()
