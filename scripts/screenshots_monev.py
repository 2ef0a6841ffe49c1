"""Screenshots of the Monev pages of a running demo, and the pages of a Monev report PDF, for
docs/screenshots (Debian's Chromium; pdftoppm from poppler-utils).

    .venv/bin/python scripts/screenshots_monev.py [--url URL] [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
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
    if page.locator("#chart-map").count():
        page.locator("#chart-map[data-ready='1']").wait_for()
    page.wait_for_timeout(1500)  # ECharts' first animation
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
        _shot(page, args.url, "/monev/wilayah/35.16/?periode=2023-12", out / "monev-dashboard.png")
        _shot(page, args.url, "/monev/angka/", out / "monev-figures.png")
        report = page.request.get(
            f"{args.url}/monev/wilayah/35.16/laporan.pdf?periode=2023-12", timeout=600_000
        )
        pdf = Path(tempfile.mkdtemp()) / "monev.pdf"
        pdf.write_bytes(report.body())
        _login(page, args.url, "jateng")
        _shot(page, args.url, "/monev/wilayah/33/", out / "monev-province.png")
        _shot(page, args.url, "/monev/paritrana/33/2024/", out / "monev-paritrana.png")
        _shot(
            page,
            args.url,
            "/monev/penduduk-bekerja/?wilayah=33",
            out / "monev-working-population.png",
            full=False,
        )
        browser.close()
    for old in out.glob("monev-report-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(pdf), str(out / "monev-report")], check=True
    )
    print(*sorted(out.glob("monev-report-*.png")))


if __name__ == "__main__":
    main()
