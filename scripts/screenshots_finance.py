"""Screenshots of the finance pages of a running demo, for docs/screenshots (Debian's Chromium):
Kota Kediri's September 2023 bill, its reconciliation with the branch's answer (members the
branch calls non-active), and its budget (the DPA ceiling against billed and paid, the
projection). Each PNG is reduced to a palette of 256 colours, so the pictures stay small.

    .venv/bin/python scripts/screenshots_finance.py [--url URL] [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from PIL import Image
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


def _small(path: Path) -> None:
    """The screenshot as a 256-colour palette PNG (a page's flat colours lose nothing seen)."""
    with Image.open(path) as image:
        reduced = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    reduced.save(path, optimize=True)


def _shot(page: Page, url: str, path: str, out: Path, *, full: bool = False) -> None:
    page.goto(f"{url}{path}", wait_until="networkidle")
    page.screenshot(path=out, full_page=full)
    _small(out)
    print(out, f"{out.stat().st_size // 1024} KB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="id-ID")
        page.set_default_timeout(180_000)  # a busy machine renders slowly
        _login(page, args.url, "kediri")
        page.goto(f"{args.url}/iuran/")
        # Kota Kediri's 2023 programme (DBHCHT): billed and paid for September to December.
        programme = page.locator("a[href^='/iuran/program/']").first
        href = programme.get_attribute("href") or "/iuran/"
        page.goto(f"{args.url}{href}")
        bill = page.locator("a[href^='/iuran/tagihan/']").first.get_attribute("href")
        _shot(page, args.url, bill or href, out / "finance-bill.png")
        # November 2023: the decree's month, after the branch's answer (96 non-active, 2 outside).
        _shot(
            page, args.url, f"{href}rekonsiliasi/?on=2023-11-15", out / "finance-reconciliation.png"
        )
        _shot(page, args.url, f"{href}anggaran/", out / "finance-budget.png", full=True)
        browser.close()


if __name__ == "__main__":
    main()
