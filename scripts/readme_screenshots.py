#!/usr/bin/env python3
"""Take the README's screenshots from a running app that holds demo data.

    flask --app exchange_app demo-data --scale 1
    python scripts/readme_screenshots.py http://127.0.0.1:5000 admin@example.org 'password'

Writes docs/screenshots/<page>-<ja|en>.png for the main pages at 1280 px, in Japanese
and in English (the top of each page, as a screen shows it), and history-pdf.png (a
page of Guilin's 50th anniversary history PDF, through pdftoppm), as palette PNGs to keep
them small. Needs /usr/bin/chromium (Debian) and poppler-utils, as the browser tests do.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
WIDTH = 1280
# (file name, path, viewport height): the main pages, in the order of the navigation.
PAGES = (
    ("home", "/", 900),
    ("partner-rome", "/partners/rome-ga", 900),
    ("delegations", "/delegations/", 900),
    ("delegation-form", "/delegations/new", 1000),
    ("youth", "/youth/", 900),
    ("promotions", "/promotions/", 900),
    ("dashboard", "/indicators/", 1000),
    ("anniversaries", "/history/", 800),
    ("history-rome-35", "/history/rome-ga?ordinal=35", 1000),
    ("imports", "/imports/", 900),
)


def optimise(path: Path, width: int | None = None) -> None:
    """Scale to ``width`` (if given) and store as an optimised 256-colour PNG."""
    image = Image.open(path).convert("RGB")
    if width and image.width > width:
        image = image.resize((width, round(image.height * width / image.width)), Image.LANCZOS)
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def sign_in(page, base: str, email: str, password: str, lang: str) -> None:
    page.goto(f"{base}/auth/login?lang={lang}")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("input#submit")
    page.wait_for_url(lambda url: "/auth/login" not in url)


def main(base: str, email: str, password: str, page_number: int = 3) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        for lang in ("ja", "en"):
            context = browser.new_context(
                locale="ja-JP", viewport={"width": WIDTH, "height": 900}, accept_downloads=True
            )
            page = context.new_page()
            sign_in(page, base, email, password, lang)
            for name, path, height in PAGES:
                page.set_viewport_size({"width": WIDTH, "height": height})
                page.goto(base + path)
                page.evaluate("async () => { await document.fonts.ready; }")
                page.wait_for_timeout(300)  # charts redraw once the fonts are in
                target = OUT / f"{name}-{lang}.png"
                page.screenshot(path=str(target))
                optimise(target)
            if lang == "ja":
                page.goto(f"{base}/history/guilin?ordinal=50")
                with page.expect_download(timeout=300_000) as info:
                    # The link leads to the layout job's page, which downloads the PDF when done.
                    page.click("a[href*='/history/guilin/pdf']")
                with tempfile.TemporaryDirectory() as folder:
                    pdf = Path(folder) / "history.pdf"
                    info.value.save_as(pdf)
                    prefix = Path(folder) / "page"
                    command = ["pdftoppm", "-png", "-r", "110", "-f", str(page_number)]
                    command += ["-l", str(page_number), "-singlefile", str(pdf), str(prefix)]
                    subprocess.run(command, check=True)  # noqa: S603
                    target = OUT / "history-pdf.png"
                    target.write_bytes(prefix.with_suffix(".png").read_bytes())
                    optimise(target)
            context.close()
        browser.close()
    for path in sorted(OUT.glob("*.png")):
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3], *(int(a) for a in sys.argv[4:5]))
