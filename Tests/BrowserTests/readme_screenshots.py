"""Makes the README's pictures of the admin page (docs/images/admin-*.png) from the demo shop, the same way the
browser tests drive it: soukd --seed-demo on a fresh database, the admin signed in with TOTP in headless Chromium.

    .build-venv/bin/python Tests/BrowserTests/readme_screenshots.py     # after `swift build --product soukd`
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from conftest import ROOT, capture, open_chromium, running_shop, sign_in  # noqa: E402
from page import visible  # noqa: E402


def main():
    folder = os.path.join(ROOT, "docs", "images")
    os.makedirs(folder, exist_ok=True)
    with running_shop(seed_demo=True) as shop:
        for size in ("phone", "desktop"):
            driver = open_chromium(size)
            try:
                sign_in(driver, shop, shop.admin)
                visible(driver, "#dashboard-revenue li[data-currency]")
                capture(driver, os.path.join(folder, f"admin-dashboard-{size}.png"), full_page=False)
                driver.get(shop.base_url + "/#/orders")
                visible(driver, "#orders-table tbody tr[data-order-id]")
                visible(driver, "#live-status")
                capture(driver, os.path.join(folder, f"admin-orders-{size}.png"), full_page=False)
            finally:
                driver.quit()
    print(f"screenshots written to {folder}")


if __name__ == "__main__":
    main()
