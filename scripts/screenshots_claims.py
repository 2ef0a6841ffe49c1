"""Screenshots of the claims pages of a running demo, for docs/screenshots (Debian's Chromium):
a Kabupaten Mojokerto claim taken to the handover, the overdue list and the claims-against-iuran
report.

    .venv/bin/python scripts/screenshots_claims.py [--url URL] [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _login(page: Page, url: str, user: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/masuk/")
    page.get_by_label("Nama pengguna").fill(user)
    page.get_by_label("Kata sandi").fill("jaring-demo")
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{url}/")


def _shot(page: Page, url: str, path: str, out: Path, *, full: bool = True) -> None:
    page.goto(f"{url}{path}", wait_until="load")
    page.screenshot(path=out, full_page=full)
    print(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(180_000)  # a busy machine renders slowly
        _login(page, args.url, "mojokerto")
        page.goto(f"{args.url}/klaim/?status=handed_over")
        # The JKK death with two children: its scholarship comes year by year.
        link = page.get_by_test_id("claims").get_by_role("link").nth(1)
        href = link.get_attribute("href") or "/klaim/"
        _shot(page, args.url, href, out / "claim-detail.png")
        _shot(page, args.url, "/klaim/", out / "claim-list.png", full=False)
        _login(page, args.url, "nasional")
        _shot(page, args.url, "/klaim/terlambat/", out / "claim-overdue.png", full=False)
        _shot(page, args.url, "/klaim/laporan/", out / "claim-report.png")
        browser.close()


if __name__ == "__main__":
    main()
