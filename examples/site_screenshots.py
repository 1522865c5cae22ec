"""Regenerate the README's screenshots of the offline site: `python examples/site_screenshots.py`.

Needs Debian's chromium and the Python playwright package (the test extra).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main() -> None:
    from playwright.sync_api import sync_playwright

    browser = shutil.which("chromium") or sys.exit("chromium not found")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "thresholdkit", "site", "-o", tmp], check=True)
        site = Path(tmp)
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=browser, args=ARGS)
            page = b.new_page(viewport={"width": 1200, "height": 900})
            page.goto((site / "coventry" / "checklist.html").as_uri())
            page.check("#tick-missed-health-checks")
            page.check("#tick-private-fostering")
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(HERE / "site" / "checklist-coventry.png"))
            page.goto((site / "telford" / "index.html").as_uri() + "#ind-sexually-active-13-and-under")
            page.screenshot(path=str(HERE / "site" / "indicator-telford.png"))
            # the checklist with a level-4 tick, the result bar in view, on a phone and a desktop
            for width, height in ((390, 844), (1200, 900)):
                page = b.new_page(viewport={"width": width, "height": height})
                page.goto((site / "coventry" / "checklist.html").as_uri())
                page.check("#tick-non-mobile-child-injury")
                page.locator("#tick-non-mobile-child-injury").scroll_into_view_if_needed()
                page.evaluate("window.scrollBy(0, -window.innerHeight / 3)")
                page.screenshot(path=str(HERE / "site" / f"checklist-{width}.png"))
            b.close()


if __name__ == "__main__":
    main()
