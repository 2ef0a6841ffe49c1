"""Screenshots of a running Jaring (the demo) taken with Debian's Chromium, for docs/.

    .venv/bin/python scripts/screenshots.py [--url http://127.0.0.1:8000] [--out docs/screenshots]

Signs in as the demo's Kota Kediri admin and captures the home page, the people list, the
imports, the duplicates and the decree (SK) page of Kediri's 2024 version; then has that
version's lampiran rendered as PDF by the worker (a few minutes) and keeps its first page
(``pdftoppm``, poppler-utils).
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGES = {
    "home": "/",
    "people-list": "/orang/",
    "region-browser": "/wilayah/35.71/",
    "imports": "/impor/",
    "duplicates": "/duplikat/",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--user", default="kediri")
    parser.add_argument("--password", default="jaring-demo")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(180_000)  # a busy machine
        page.goto(f"{args.url}/masuk/")
        page.get_by_label("Nama pengguna").fill(args.user)
        page.get_by_label("Kata sandi").fill(args.password)
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_url(f"{args.url}/")
        for name, path in PAGES.items():
            page.goto(f"{args.url}{path}")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=args.out / f"{name}.png", full_page=False)
            print(args.out / f"{name}.png")
        # The kelurahan list that waits checked, and the first pair of the review queue.
        page.goto(f"{args.url}/impor/")
        page.get_by_role("link", name="kiriman-kelurahan-kediri.xlsx").first.click()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=args.out / "import-result.png", full_page=True)
        page.goto(f"{args.url}/duplikat/")
        page.get_by_role("link", name="Tinjau").first.click()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=args.out / "duplicate-review.png", full_page=True)
        print(args.out / "import-result.png", args.out / "duplicate-review.png")
        # Kota Kediri's 2024 decree (the second version, with its changes), and its lampiran.
        page.goto(f"{args.url}/program/")
        page.get_by_role("link", name="Kota Kediri (DBHCHT)").first.click()
        page.get_by_role("link", name="v2", exact=True).click()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=args.out / "sk-page.png", full_page=False)
        page.get_by_test_id("pdf-request").click()
        download_link = page.get_by_test_id("pdf-download")
        download_link.wait_for(timeout=20 * 60 * 1000)
        with tempfile.TemporaryDirectory() as folder:
            with page.expect_download() as download:
                download_link.click()
            pdf = Path(folder) / "lampiran.pdf"
            download.value.save_as(pdf)
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "80",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    pdf,
                    args.out / "sk-lampiran-pdf",
                ],
                check=True,
            )
        print(args.out / "sk-page.png", args.out / "sk-lampiran-pdf.png")
        browser.close()


if __name__ == "__main__":
    main()
